/**
 * The local, read-only run browser (`deno task ui`, cli/ui.ts) over the ledger and the store (what MLflow's UI
 * gives, with the paper's value beside our numbers). `Deno.serve` on 127.0.0.1 only; it writes
 * nothing and fetches nothing beyond loopback (the vega bundles come from node_modules).
 *
 *   /                      the runs (filter by experiment, status, commit); tick 2–5 to compare
 *   /run/ID                a run: facts, params, nodes (metrics, artifact manifests, logs),
 *                          Table 4 with the paper's values, training curves, figures
 *   /compare?ids=A,B,…     2–5 runs: changed params, metrics side by side, curves overlaid,
 *                          Table 4 rows side by side with the paper's (`&all=1`: every metric)
 *   /artifact/KEY/PATH     a file of an artifact (manifest.json, report.html, figures, …)
 *   /log/ID/KEY            a node's log
 *
 * @module
 */
import { join } from "node:path";
import type { LedgerEntry } from "../pipeline/mod.ts";
import { loadVegaScripts, type VegaScripts } from "../reports/vendor.ts";
import { table4Rows } from "./compare.ts";
import { type RunNode, UiData } from "./data.ts";
import { comparePage, errorPage, logPage, MAX_COMPARE, runPage, runsPage } from "./pages.ts";

const MIME: Record<string, string> = {
  html: "text/html; charset=utf-8",
  json: "application/json; charset=utf-8",
  jsonl: "text/plain; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  md: "text/plain; charset=utf-8",
  csv: "text/plain; charset=utf-8",
  log: "text/plain; charset=utf-8",
  png: "image/png",
  webp: "image/webp",
  svg: "image/svg+xml",
};

const html = (body: string, status = 200) =>
  new Response(body, { status, headers: { "content-type": MIME.html } });

/** The request handler over a store (exported for tests). */
export function handler(data: UiData, scripts: () => Promise<VegaScripts>) {
  return async (req: Request): Promise<Response> => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response("read-only", { status: 405 });
    }
    const url = new URL(req.url);
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    try {
      if (parts.length === 0) {
        const filter = {
          experiment: url.searchParams.get("experiment") || undefined,
          status: url.searchParams.get("status") || undefined,
          commit: url.searchParams.get("commit") || undefined,
        };
        return html(runsPage(await data.runs(filter), await data.runs(), filter));
      }
      if (parts[0] === "assets" && parts.length === 2) {
        const s = await scripts();
        const code =
          { "vega.js": s.vega, "vega-lite.js": s.vegaLite, "vega-embed.js": s.vegaEmbed }[
            parts[1]
          ];
        if (code !== undefined) {
          return new Response(code, { headers: { "content-type": "text/javascript" } });
        }
      }
      if (parts[0] === "run" && parts.length === 2) return await runRoute(data, parts[1]);
      if (parts[0] === "compare") return await compareRoute(data, url);
      if (parts[0] === "artifact" && parts.length >= 3) {
        const path = parts.slice(2).join("/");
        const bytes = await data.artifactFile(parts[1], path);
        if (!bytes) {
          return html(errorPage("Not found", `no file ${path} in artifact ${parts[1]}`), 404);
        }
        const ext = path.split(".").pop() ?? "";
        return new Response(bytes as Uint8Array<ArrayBuffer>, {
          headers: { "content-type": MIME[ext] ?? "application/octet-stream" },
        });
      }
      if (parts[0] === "log" && parts.length === 3) {
        const run = await data.run(parts[1]);
        const node = run?.nodes.find((n) => n.key === parts[2]);
        const text = node ? await data.log(node) : undefined;
        if (!run || !node || text === undefined) {
          return html(errorPage("Not found", `no log of node ${parts[2]} in run ${parts[1]}`), 404);
        }
        return html(logPage(run, node, text));
      }
      return html(errorPage("Not found", `no page ${url.pathname}`), 404);
    } catch (e) {
      console.error(`ui: ${url.pathname}: ${(e as Error).stack ?? e}`);
      return html(errorPage("Error", (e as Error).message), 500);
    }
  };
}

async function runRoute(data: UiData, id: string): Promise<Response> {
  const run = await data.run(id);
  if (!run) return html(errorPage("Not found", `no run (or several) match "${id}"`), 404);
  const curves = await data.curves(run, (n) => variantOf(n));
  const tables = table4Rows([await data.tables(run)]);
  return html(runPage(run, { curves, tables, figures: await figures(data, run) }));
}

async function compareRoute(data: UiData, url: URL): Promise<Response> {
  const ids = url.searchParams.getAll("ids").flatMap((s) => s.split(",")).map((s) => s.trim())
    .filter(Boolean);
  if (ids.length < 2 || ids.length > MAX_COMPARE) {
    return html(
      errorPage("Pick 2–5 runs", `compare needs 2 to ${MAX_COMPARE} runs, got ${ids.length}`),
      400,
    );
  }
  const runs: LedgerEntry[] = [];
  for (const id of ids) {
    const r = await data.run(id);
    if (!r) return html(errorPage("Not found", `no run (or several) match "${id}"`), 404);
    runs.push(r);
  }
  const curves = (await Promise.all(
    runs.map((r) => data.curves(r, (n) => variantOf(n))),
  )).flat();
  const tables = table4Rows(await Promise.all(runs.map((r) => data.tables(r))));
  return html(comparePage(runs, { curves, tables, all: url.searchParams.get("all") === "1" }));
}

function variantOf(n: RunNode): string {
  return n.variants.length > 2
    ? `${n.variants[0]} +${n.variants.length - 1}`
    : n.variants.join(", ");
}

/** The PNG/WebP figures of the run's evaluate artifacts (at most 12). */
async function figures(data: UiData, run: LedgerEntry): Promise<{ key: string; file: string }[]> {
  const out: { key: string; file: string }[] = [];
  for (const n of run.nodes.filter((n) => n.stage === "evaluate")) {
    try {
      for await (const e of Deno.readDir(join(data.store.artifactDir(n.key), "figures"))) {
        if (e.isFile && /\.(png|webp)$/.test(e.name)) {
          out.push({ key: n.key, file: `figures/${e.name}` });
        }
      }
    } catch {
      // not in the store
    }
    if (out.length >= 12) break;
  }
  return out.sort((a, b) => a.file.localeCompare(b.file)).slice(0, 12);
}

/** Starts the server on 127.0.0.1 (exported for tests). */
export function serve(
  storeDir: string,
  opts: { port?: number; signal?: AbortSignal; onListen?: (addr: Deno.NetAddr) => void } = {},
): Deno.HttpServer<Deno.NetAddr> {
  const data = new UiData(storeDir);
  let cached: Promise<VegaScripts> | undefined;
  return Deno.serve({
    hostname: "127.0.0.1",
    port: opts.port ?? 8787,
    signal: opts.signal,
    onListen: opts.onListen ?? (() => {}),
  }, handler(data, () => cached ??= loadVegaScripts()));
}
