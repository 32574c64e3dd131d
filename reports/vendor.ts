/**
 * The browser builds of vega, vega-lite and vega-embed, read from the installed npm packages
 * (the versions pinned in deno.json), so the HTML report can inline them and work offline.
 * The only file I/O in reports/.
 *
 * @module
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** Minified browser bundles to inline, with their versions. */
export interface VegaScripts {
  readonly vega: string;
  readonly vegaLite: string;
  readonly vegaEmbed: string;
  /** "vega 6.4.0, vega-lite 6.5.0, vega-embed 7.3.0" */
  readonly versions: string;
}

async function packageBundle(name: string): Promise<{ code: string; version: string }> {
  const entry = createRequire(import.meta.url).resolve(name);
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    let pkg: { name?: string; version?: string; unpkg?: string; jsdelivr?: string };
    try {
      pkg = JSON.parse(await Deno.readTextFile(join(dir, "package.json")));
    } catch {
      continue;
    }
    if (pkg.name !== name) continue;
    const file = pkg.unpkg ?? pkg.jsdelivr;
    if (!file) throw new Error(`${name}: package.json names no browser bundle (unpkg/jsdelivr)`);
    return { code: await Deno.readTextFile(join(dir, file)), version: pkg.version ?? "?" };
  }
  throw new Error(`${name}: cannot find its package.json above ${entry}`);
}

/** Reads the three bundles from node_modules (a clear error if the packages are missing). */
export async function loadVegaScripts(): Promise<VegaScripts> {
  const [vega, vegaLite, vegaEmbed] = await Promise.all(
    ["vega", "vega-lite", "vega-embed"].map(packageBundle),
  );
  return {
    vega: vega.code,
    vegaLite: vegaLite.code,
    vegaEmbed: vegaEmbed.code,
    versions:
      `vega ${vega.version}, vega-lite ${vegaLite.version}, vega-embed ${vegaEmbed.version}`,
  };
}
