/**
 * Screenshot of a report (or any HTML file) in headless Chromium, after its charts are drawn:
 *
 *   deno run -A tests/screenshot.ts <report.html | http://127.0.0.1:…> <out.png> [width=1400] [maxHeight=2400]
 *
 * Prints console errors and any network request the page made (there should be none). Used to
 * make the README's screenshot from a real run's `report.html`.
 *
 * @module
 */
import { ensureChromium, launchChromium, Page } from "./cdp.ts";
import { resolve } from "node:path";

if (import.meta.main) {
  const [html, out, width = "1400", maxHeight = "2400"] = Deno.args;
  if (!html || !out) {
    console.error(
      "usage: deno run -A tests/screenshot.ts <report.html> <out.png> [width] [maxHeight]",
    );
    Deno.exit(2);
  }
  const chromium = await ensureChromium();
  if ("reason" in chromium) throw new Error(chromium.reason);
  const browser = await launchChromium(chromium.path);
  try {
    const page = await Page.open(browser.wsUrl);
    await page.send("Emulation.setDeviceMetricsOverride", {
      width: Number(width),
      height: 900,
      deviceScaleFactor: 1,
      mobile: false,
    });
    await page.goto(/^https?:/.test(html) ? html : `file://${resolve(html)}`);
    const done = await page.waitFor(
      `!document.querySelector(".chart") || document.body.dataset.chartsDone === "true"`,
      60_000,
    );
    await Deno.writeFile(out, await page.screenshot(Number(width), Number(maxHeight)));
    const external = page.requests.filter((u) =>
      !/^(file|data):/.test(u) && !u.startsWith("http://127.0.0.1:")
    );
    console.log(
      `${out}: charts ${
        done ? "drawn" : "NOT drawn"
      }; console errors: ${page.consoleErrors.length}; network requests: ${external.length}`,
    );
    for (const e of [...page.consoleErrors, ...external]) console.log(`  ${e}`);
    page.close();
  } finally {
    await browser.close();
  }
}
