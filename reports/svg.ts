/**
 * Headless chart rendering: Vega-Lite → Vega → SVG, in Deno, no browser.
 *
 * @module
 */
import * as vega from "vega";
import * as vl from "vega-lite";

/** Compiles a Vega-Lite spec (throws on an invalid one, naming the chart). */
export function compileVegaLite(spec: Record<string, unknown>, id = "chart"): vega.Spec {
  try {
    // deno-lint-ignore no-explicit-any
    return vl.compile(spec as any).spec;
  } catch (e) {
    throw new Error(`chart "${id}": invalid Vega-Lite spec: ${(e as Error).message}`);
  }
}

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: Record<string, unknown>, id = "chart"): Promise<string> {
  const view = new vega.View(vega.parse(compileVegaLite(spec, id)), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
