/**
 * Rich display for the Deno Jupyter kernel: MIME bundles (`text/html`, `image/png` base64,
 * Vega-Lite) returned by `[JUPYTER_DISPLAY]()`, which the kernel calls on a cell's value and on
 * `Deno.jupyter.display(obj)`. Outside Jupyter the same objects print as text.
 *
 * @module
 */
import { REPORT_CSS } from "../reports/html_style.ts";
import { renderSvg } from "../reports/svg.ts";

/**
 * The key the Deno kernel looks up on a cell's value (`Deno.jupyter.$display` is this symbol;
 * `Symbol.for` keeps this module importable outside the kernel, where `Deno.jupyter` throws).
 */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** A Jupyter MIME bundle: MIME type → data (strings; JSON types as objects). */
export type MimeBundle = Record<string, string | object>;

/** Something the kernel can display. */
export interface Displayable {
  [JUPYTER_DISPLAY](): MimeBundle | Promise<MimeBundle>;
}

/** MIME type of Vega-Lite specs understood by JupyterLab, Notebook 7 and VS Code. */
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

/** True inside `deno jupyter` (where `Deno.jupyter` exists; elsewhere reading it throws). */
export function inJupyter(): boolean {
  try {
    return typeof (Deno as unknown as { jupyter?: unknown }).jupyter === "object";
  } catch {
    return false;
  }
}

/** `Deno.jupyter.display` (raw bundle), or undefined outside the kernel. */
export function jupyterDisplay():
  | ((bundle: MimeBundle, opts: { display_id?: string; update?: boolean }) => Promise<void>)
  | undefined {
  if (!inJupyter()) return undefined;
  const j = (Deno as unknown as {
    jupyter: {
      display(obj: unknown, opts: Record<string, unknown>): Promise<void>;
    };
  }).jupyter;
  return (bundle, opts) => j.display(bundle, { raw: true, ...opts });
}

/**
 * How long a cell waits after its last display, so the kernel has published it before the cell
 * ends. Deno 2.9's kernel forwards displays from the REPL thread through a separate drain loop
 * that runs concurrently with the execute reply: a display still queued when the kernel reports
 * the cell idle is dropped by front ends and nbconvert, or lands in the next cell. Measured by
 * `bench/notebook_displays.ts --load` (80 cells each showing 300 kB, both cores busy): 11 of 560
 * displays lost with no wait, 0 of 800 with a wait of 20–200 ms.
 */
export const DISPLAY_SETTLE_MS = 200;

/** Inside Jupyter: waits {@link DISPLAY_SETTLE_MS} so the queued displays reach the notebook. */
export async function settleDisplays(): Promise<void> {
  if (inJupyter()) await new Promise((r) => setTimeout(r, DISPLAY_SETTLE_MS));
}

/**
 * Displays each value now, inside the cell (`Deno.jupyter.display`, awaited, then
 * {@link settleDisplays}); outside Jupyter, prints its text form. Prefer `await show(x)` to ending
 * a cell with `x`: the kernel publishes a cell's final value after the cell's own code ended, and
 * loses it more often (measured: 11 of 100 results lost); its console output can also be lost or
 * land in the next cell, so `show("text")` for messages.
 */
export async function show(...values: unknown[]): Promise<void> {
  const j = inJupyter()
    ? (Deno as unknown as { jupyter: { display(v: unknown, o?: object): Promise<void> } }).jupyter
    : undefined;
  for (const v of values) {
    // Text goes out as a display too: console output can land in the wrong cell or be lost.
    if (j && typeof v === "string") await j.display({ "text/plain": v }, { raw: true });
    else if (j) await j.display(v);
    else if (v && typeof v === "object" && JUPYTER_DISPLAY in v) {
      console.log((await (v as Displayable)[JUPYTER_DISPLAY]())["text/plain"] ?? v);
    } else console.log(v);
  }
  await settleDisplays();
}

/** Base64 of bytes (chunked: `String.fromCharCode` takes a bounded number of arguments). */
export function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/**
 * The report's stylesheet scoped to `.kpg-lab`, so tables in a notebook look like the HTML
 * report's without restyling the notebook page (`body`, `header`, `h2` … stay untouched).
 */
export const LAB_CSS = REPORT_CSS.split("}")
  .map((rule) => rule.trim())
  .filter((rule) => rule.includes("{"))
  .flatMap((rule) => {
    const [selectors, body] = rule.split("{");
    const scoped = selectors.split(",").map((s) => s.trim())
      .filter((s) => !/^(\*|body|header|main|footer|nav|h1|h2|section)\b/.test(s))
      .map((s) => (s === ":root" ? ".kpg-lab" : `.kpg-lab ${s}`));
    return scoped.length ? [`${scoped.join(", ")} {${body}}`] : [];
  })
  .join("\n");

/** HTML wrapped in the scoped stylesheet (one `<style>` per output: outputs stand alone). */
export function labHtml(inner: string): string {
  return `<div class="kpg-lab"><style>${LAB_CSS}\n.kpg-lab .muted { color: #777; }</style>${inner}</div>`;
}

/**
 * A chart: the Vega-Lite spec under the v5 MIME type (its `$schema` set to v5 to match; the
 * specs use nothing newer), plus the same chart rendered headless to SVG (the report's
 * renderer) for front ends without a Vega-Lite renderer and for `nbconvert --to html`.
 */
export async function chartBundle(
  spec: Record<string, unknown>,
  text: string,
): Promise<MimeBundle> {
  return {
    [VEGA_LITE_MIME]: { ...spec, $schema: "https://vega.github.io/schema/vega-lite/v5.json" },
    "image/svg+xml": await renderSvg(spec),
    "text/plain": text,
  };
}

/** A displayable value from a bundle (for `Deno.jupyter.display` or a cell's last value). */
export function displayable(bundle: MimeBundle): Displayable {
  return { [JUPYTER_DISPLAY]: () => bundle };
}

/** A PNG file as a displayable image, with a caption as its text form. */
export async function pngDisplay(path: string, caption: string): Promise<Displayable> {
  return displayable({ "image/png": base64(await Deno.readFile(path)), "text/plain": caption });
}
