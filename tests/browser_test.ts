/**
 * The HTML report in a real browser: builds report.html from the evaluation fixture (real
 * vega bundles inlined), opens it in headless Chromium over the DevTools protocol, and checks
 * there are no console errors, every chart container holds a drawn SVG/canvas, nothing was
 * fetched from the network, and the figures decode. Saves a screenshot to
 * `.cache/test-artifacts/report.png` (git-ignored) to look at.
 *
 * Chromium is Debian's `chromium`; the set-up installs it with apt-get when missing (as root).
 * Where it cannot be installed the test is skipped with the reason.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderHtml } from "../reports/html.ts";
import { buildReport, type SectionBuilder } from "../reports/report.ts";
import { loadVegaScripts } from "../reports/vendor.ts";
import { ensureChromium, launchChromium, Page } from "./cdp.ts";
import { fixtureEvaluations } from "./fixtures/evaluations.ts";

const chromium = await ensureChromium();
if ("reason" in chromium) console.warn(`SKIPPED browser test: ${chromium.reason}`);

/** A 4×4 PNG (red/blue checks) standing in for a qualitative figure. */
const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAGklEQVR4nGP4z8DwHwyBNAMDEgeJg8RBlQMAUJ8P8bNeddgAAAAASUVORK5CYII=";

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "..", ".cache", "test-artifacts");

const FIGURE = { title: "predictions vs ground truth", caption: "test images", pngBase64: PNG };

/** A chart whose spec Vega-Lite rejects: proves the checks below can fail. */
const BROKEN: SectionBuilder = () => ({
  id: "broken",
  title: "Broken",
  blocks: [{
    type: "chart",
    chart: { id: "broken", title: "", caption: "", spec: { mark: "nonsense" } },
  }],
});

/** Writes the fixture's report.html (with the broken chart when asked). */
async function buildFixtureReport(dir: string, broken = false): Promise<string> {
  const report = buildReport(fixtureEvaluations("fixture <experiment>"), {
    experiment: "fixture <experiment>",
    figures: new Map([["E6", [FIGURE]]]),
    contactSheets: [{ title: "synthetic-humans", caption: "contact sheet", pngBase64: PNG }],
    extraSections: broken ? [BROKEN] : [],
  });
  const file = join(dir, broken ? "broken.html" : "report.html");
  await Deno.writeTextFile(file, renderHtml(report, await loadVegaScripts()));
  return file;
}

/** Whether a chart container holds a drawn SVG/canvas of real size with marks in it. */
const DRAWN = `[...document.querySelectorAll(".chart")].map((el) => {
  const g = el.querySelector("svg, canvas");
  const r = g ? g.getBoundingClientRect() : { width: 0, height: 0 };
  return { id: el.id, drawn: !!g && r.width > 50 && r.height > 50 && el.querySelectorAll("path").length > 0 };
})`;

/** Opens a report, waits for its charts, and returns what the test asserts on. */
async function inspect(page: Page, file: string) {
  await page.goto(`file://${file}`);
  const done = await page.waitFor(`document.body.dataset.chartsDone === "true"`, 60_000);
  const charts = await page.evaluate<{ id: string; drawn: boolean }[]>(DRAWN);
  return { done, charts, undrawn: charts.filter((c) => !c.drawn).map((c) => c.id) };
}

Deno.test({
  name: "browser: report.html renders every chart offline with no console error",
  ignore: "reason" in chromium,
  sanitizeOps: false, // Chromium's stderr drain finishes after the test body
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "kpgan-report-" });
    const browser = await launchChromium((chromium as { path: string }).path);
    let page: Page | undefined;
    try {
      const file = await buildFixtureReport(dir);
      page = await Page.open(browser.wsUrl);
      const { done, charts, undrawn } = await inspect(page, file);
      assert.ok(done, "charts never finished");
      assert.deepEqual(page.consoleErrors, []);
      assert.equal(charts.length, 9);
      assert.deepEqual(undrawn, []);
      const images = await page.evaluate<boolean[]>(
        `[...document.images].map((i) => i.complete && i.naturalWidth === 4)`,
      );
      assert.deepEqual(images, [true, true]);
      const external = page.requests.filter((u) =>
        !u.startsWith("file:") && !u.startsWith("data:")
      );
      assert.deepEqual(external, [], "the report fetched something from the network");
      await Deno.mkdir(ARTIFACTS, { recursive: true });
      const shot = join(ARTIFACTS, "report.png");
      await Deno.writeFile(shot, await page.screenshot(1400, 16000));
      console.log(`screenshot: ${shot}`);
      // The same checks catch a chart that fails to draw.
      page.consoleErrors.length = 0;
      const bad = await inspect(page, await buildFixtureReport(dir, true));
      assert.deepEqual(bad.undrawn, ["chart-broken"]);
      assert.match(page.consoleErrors.join("\n"), /chart chart-broken failed/);
    } finally {
      page?.close();
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
