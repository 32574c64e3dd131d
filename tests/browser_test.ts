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
import { buildReport, type SectionBuilder } from "../reports/assemble.ts";
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

/** Charts the layout checks must catch: 3,000 px wide; two series and no legend. */
const BADLY_LAID_OUT: SectionBuilder = () => ({
  id: "bad-layout",
  title: "Bad layout",
  blocks: [{
    type: "chart",
    chart: {
      id: "wide",
      title: "",
      caption: "",
      spec: {
        width: 3000,
        data: { values: [{ x: 1, y: 1 }, { x: 2, y: 3 }] },
        mark: "line",
        encoding: {
          x: { field: "x", type: "quantitative" },
          y: { field: "y", type: "quantitative" },
        },
      },
    },
  }, {
    type: "chart",
    chart: {
      id: "nolegend",
      title: "",
      caption: "",
      spec: {
        data: { values: [{ x: 1, y: 1, s: "a" }, { x: 2, y: 2, s: "b" }] },
        mark: "line",
        encoding: {
          x: { field: "x", type: "quantitative" },
          y: { field: "y", type: "quantitative" },
          color: { field: "s", type: "nominal", legend: null },
        },
      },
    },
  }],
});

/** Writes the fixture's report.html (with the broken chart when asked). */
async function buildFixtureReport(dir: string, broken = false): Promise<string> {
  const report = buildReport(fixtureEvaluations("fixture <experiment>"), {
    experiment: "fixture <experiment>",
    figures: new Map([["E6", [FIGURE]]]),
    contactSheets: [{ title: "synthetic-humans", caption: "contact sheet", pngBase64: PNG }],
    extraSections: broken ? [BROKEN, BADLY_LAID_OUT] : [],
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

/**
 * Per chart: how many series its colour scale has (0: no colour scale, one series) and whether
 * it draws a legend; the page's width and every element whose content is cut off sideways.
 */
const LAYOUT = `({
  pageWidth: document.documentElement.scrollWidth,
  charts: [...document.querySelectorAll(".chart")].map((el) => {
    let series = 0;
    try {
      series = el.vegaView.scale("color")?.domain().length ?? 0;
    } catch {
      series = 0; // no colour scale: a single series
    }
    return { id: el.id, series, legend: !!el.querySelector(".role-legend") };
  }),
  overflowing: [...document.querySelectorAll("main *")]
    .filter((e) => !(e instanceof SVGElement) && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
    .map((e) => e.tagName + "#" + e.id + "." + e.className + " " + e.clientWidth + "<" + e.scrollWidth),
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
      // Fits a 1,400-px window: no horizontal scroll, nothing cut off inside a scroll box, and
      // every chart with several series says which is which.
      await page.send("Emulation.setDeviceMetricsOverride", {
        width: 1400,
        height: 900,
        deviceScaleFactor: 1,
        mobile: false,
      });
      await inspect(page, file);
      const layout = await page.evaluate<{
        pageWidth: number;
        charts: { id: string; series: number; legend: boolean }[];
        overflowing: string[];
      }>(LAYOUT);
      assert.ok(layout.pageWidth <= 1400, `page is ${layout.pageWidth} px wide`);
      assert.deepEqual(layout.overflowing, []);
      assert.equal(layout.charts.length, 9);
      const unexplained = layout.charts.filter((c) => c.series > 1 && !c.legend);
      assert.deepEqual(unexplained, [], "a chart with several series has no legend");
      assert.ok(layout.charts.some((c) => c.id === "chart-ablation" && c.legend));
      await Deno.mkdir(ARTIFACTS, { recursive: true });
      const shot = join(ARTIFACTS, "report.png");
      await Deno.writeFile(shot, await page.screenshot(1400, 16000));
      console.log(`screenshot: ${shot}`);
      // The same checks catch a chart that fails to draw.
      page.consoleErrors.length = 0;
      const bad = await inspect(page, await buildFixtureReport(dir, true));
      assert.deepEqual(bad.undrawn, ["chart-broken"]);
      assert.match(page.consoleErrors.join("\n"), /chart chart-broken failed/);
      const badLayout = await page.evaluate<{
        pageWidth: number;
        charts: { id: string; series: number; legend: boolean }[];
        overflowing: string[];
      }>(LAYOUT);
      assert.ok(badLayout.pageWidth > 1400, "the 3,000-px chart went unseen");
      assert.ok(badLayout.overflowing.some((o) => o.startsWith("SECTION#bad-layout")));
      assert.deepEqual(
        badLayout.charts.filter((c) => c.series > 1 && !c.legend).map((c) => c.id),
        ["chart-nolegend"],
      );
    } finally {
      page?.close();
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
