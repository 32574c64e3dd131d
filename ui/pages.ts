/**
 * The run browser's pages as HTML strings (pure: data in, HTML out). Charts are Vega-Lite specs
 * drawn in the page by the vega bundles the server serves from node_modules (`/assets/*.js`):
 * nothing is fetched from beyond loopback.
 *
 * @module
 */
import { commitOf, duration, type LedgerEntry } from "../pipeline/mod.ts";
import { esc } from "../reports/html.ts";
import { lossCurvesSpec, type LossPoint } from "../reports/charts_runs.ts";
import { cellText, metricRows, type ParamRow, paramRows, type Table4Row } from "./compare.ts";
import type { RunFilter, RunNode } from "./data.ts";

/** Most runs a compare shows. */
export const MAX_COMPARE = 5;

const CSS = `
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #222; }
header { padding: 10px 24px; background: #1f4e79; color: #fff; }
header a { color: #fff; text-decoration: none; margin-right: 18px; }
main { padding: 8px 24px 40px; max-width: 1400px; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 26px; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 6px 0; }
td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f4f6f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.changed { background: #fff6cc; }
.muted { color: #777; font-size: 12px; }
.status-ok { color: #16661a; } .status-failed, .status-interrupted { color: #9b1c14; }
.wrap { overflow-wrap: anywhere; }
form.filter { margin: 10px 0; display: flex; gap: 10px; align-items: end; flex-wrap: wrap; }
form.filter label { display: flex; flex-direction: column; font-size: 12px; color: #555; }
pre.log { background: #f7f7f7; padding: 8px; max-height: 600px; overflow: auto; font-size: 12px; }
.figures img { max-width: 420px; border: 1px solid #ddd; margin: 4px; }
`;

const EMBED = `(async () => {
  for (const el of document.querySelectorAll(".chart")) {
    try {
      const spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
      const r = await vegaEmbed(el, spec, { actions: false, renderer: "svg" });
      el.dataset.rendered = "true";
      el.vegaView = r.view;
    } catch (e) {
      el.textContent = "Chart failed: " + e.message;
      console.error("chart " + el.id + " failed:", e);
    }
  }
  document.body.dataset.chartsDone = "true";
})();`;

/** A whole page. */
export function layout(title: string, body: string, charts = false): string {
  const scripts = charts
    ? ["vega", "vega-lite", "vega-embed"].map((s) => `<script src="/assets/${s}.js"></script>`)
      .join("")
    : "";
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${
    esc(title)
  } · KeypointGAN runs</title><link rel="icon" href="data:,"><style>${CSS}</style>${scripts}</head>
<body><header><a href="/"><strong>KeypointGAN runs</strong></a><a href="/">all runs</a></header>
<main><h1>${esc(title)}</h1>
${body}
</main>${
    charts
      ? `<script>${EMBED}</script>`
      : "<script>document.body.dataset.chartsDone = 'true'</script>"
  }</body></html>
`;
}

function chart(id: string, spec: unknown): string {
  const json = JSON.stringify(spec).replace(/</g, "\\u003c");
  return `<div class="chart" id="chart-${esc(id)}" data-spec="spec-${esc(id)}"></div>` +
    `<script type="application/json" id="spec-${esc(id)}">${json}</script>`;
}

function table(head: string[], rows: string[][], cls: (r: number, c: number) => string = () => "") {
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${
    rows.map((r, i) =>
      `<tr>${
        r.map((c, j) => `<td${cls(i, j) ? ` class="${cls(i, j)}"` : ""}>${c}</td>`).join("")
      }</tr>`
    ).join("\n")
  }</tbody></table>`;
}

/** `a[…], b[…] +5` with the whole list as a tooltip. */
function shortVariants(list: string): string {
  const parts = list.split(", ");
  const text = parts.length > 2 ? `${parts[0]} +${parts.length - 1}` : list;
  return `<span class="wrap" title="${esc(list)}">${esc(text)}</span>`;
}

const runLink = (e: LedgerEntry) => `<a href="/run/${esc(e.id)}">${esc(e.id)}</a>`;
const statusCell = (s: string) => `<span class="status-${esc(s)}">${esc(s)}</span>`;
const counts = (e: LedgerEntry) =>
  `${e.counts.ran ?? 0}/${e.counts.hit ?? 0}/${(e.counts.failed ?? 0) + (e.counts.skipped ?? 0)}`;

/** `/`: every run, filterable; pick 2–5 to compare. */
export function runsPage(runs: LedgerEntry[], all: LedgerEntry[], filter: RunFilter): string {
  const options = (values: string[], selected?: string) =>
    `<option value="">(any)</option>` +
    [...new Set(values)].sort().map((v) =>
      `<option${v === selected ? " selected" : ""}>${esc(v)}</option>`
    ).join("");
  const form = `<form class="filter" method="get" action="/">
<label>experiment<select name="experiment">${
    options(all.map((e) => e.experiment), filter.experiment)
  }</select></label>
<label>status<select name="status">${
    options(all.map((e) => e.status), filter.status)
  }</select></label>
<label>commit<input name="commit" size="9" value="${
    esc(filter.commit ?? "")
  }" placeholder="prefix"></label>
<button>filter</button></form>`;
  const rows = runs.map((e) => [
    `<input type="checkbox" name="ids" value="${esc(e.id)}">`,
    runLink(e),
    esc(e.experiment),
    statusCell(e.status),
    counts(e),
    duration(e.seconds),
    `<code>${esc(commitOf(e))}</code>`,
    esc(e.backends.join(", ")),
    `<span class="wrap">${esc(e.set.join(" "))}</span>`,
  ]);
  const list = runs.length
    ? `<form method="get" action="/compare">${
      table(
        [
          "",
          "run",
          "experiment",
          "status",
          "ran/cached/failed",
          "time",
          "commit",
          "backend",
          "--set",
        ],
        rows,
      )
    }<button id="compare">compare the selected runs (2–${MAX_COMPARE})</button></form>`
    : all.length
    ? `<p>No runs match.</p>`
    : `<p>No runs recorded in this store yet: <code>deno task smoke</code> (minutes) or ` +
      `<code>deno task ablation</code> records one; <code>--store DIR</code> opens another store.</p>`;
  return layout(
    "Runs",
    `<p class="muted">${runs.length} of ${all.length} runs in the ledger (newest first). ` +
      `* after a commit = uncommitted changes.</p>${form}${list}`,
  );
}

function paramsHtml(rows: ParamRow[], runs: LedgerEntry[]): string {
  if (!rows.length) return `<p>The same params.</p>`;
  return table(
    ["param", "variants", ...runs.map((r) => esc(r.id))],
    rows.map((p) => [
      `<code>${esc(p.param)}</code>`,
      p.variants.length
        ? `<span class="wrap">${esc(p.variants.join(", "))}</span>`
        : "(every variant)",
      ...p.values.map((v) => `<code>${esc(v)}</code>`),
    ]),
  );
}

/** `/run/:id`: one run. */
export function runPage(
  run: LedgerEntry,
  extra: { curves: LossPoint[]; tables: Table4Row[]; figures: { key: string; file: string }[] },
): string {
  const facts = table(["", ""], [
    ["experiment", esc(run.experiment)],
    ["status", statusCell(run.status)],
    ["time", `${duration(run.seconds)} (${esc(run.started)} → ${esc(run.finished)})`],
    ["commit", `<code>${esc(commitOf(run))}</code>`],
    ["executor", esc(run.executor)],
    ["--set", esc(run.set.join(" ") || "—")],
    ["command", `<code class="wrap">${esc(run.argv.join(" "))}</code>`],
    ["host · deno · os", esc(`${run.host} · ${run.deno} · ${run.os}`)],
  ]);
  const params = table(
    ["variant", "params (differing from defaults)"],
    Object.entries(run.params).map(([v, p]) => [
      esc(v),
      `<span class="wrap">${
        Object.entries(p).map(([k, x]) => `<code>${esc(k)}=${esc(cellText(x))}</code>`).join(" ")
      }</span>`,
    ]),
  );
  const nodes = table(
    ["stage", "variants", "result", "time", "metrics", "artifact"],
    run.nodes.map((n) => [
      esc(n.stage),
      `<span class="wrap">${
        esc(n.variants.length > 3 ? `${n.variants.length} variants` : n.variants.join(", "))
      }</span>`,
      `${statusCell(n.status)}${n.error ? `<div class="muted wrap">${esc(n.error)}</div>` : ""}`,
      duration(n.seconds),
      `<span class="wrap">${
        Object.entries(n.summary ?? {}).map(([k, v]) => `${esc(k)}=${esc(cellText(v))}`).join(" ")
      }</span>`,
      nodeLinks(run, n),
    ]),
  );
  const curves = extra.curves.length
    ? chart("curves", lossCurvesSpec(extra.curves))
    : `<p class="muted">No training curves (no train artifact of this run in the store).</p>`;
  const t4 = table4Html(extra.tables, [run]);
  const figs = extra.figures.length
    ? `<div class="figures">${
      extra.figures.map((f) =>
        `<a href="/artifact/${f.key}/${esc(f.file)}"><img alt="${
          esc(f.file)
        }" src="/artifact/${f.key}/${esc(f.file)}"></a>`
      ).join("")
    }</div>`
    : `<p class="muted">No figures in the store for this run.</p>`;
  return layout(
    `Run ${run.id}`,
    `${facts}<h2>Table 4 (with the paper's values)</h2>${t4}<h2>Nodes</h2>${nodes}` +
      `<h2>Training curves</h2>${curves}<h2>Figures</h2>${figs}` +
      `<h2>Params</h2><details><summary>${
        Object.keys(run.params).length
      } variants: the params that differ from the defaults</summary>${params}</details>`,
    extra.curves.length > 0,
  );
}

function nodeLinks(run: LedgerEntry, n: RunNode): string {
  const links = [`<a href="/artifact/${esc(n.key)}/manifest.json">manifest</a>`];
  if (n.stage === "report") links.push(`<a href="/artifact/${esc(n.key)}/report.html">report</a>`);
  if (n.log) links.push(`<a href="/log/${esc(run.id)}/${esc(n.key)}">log</a>`);
  return `<code title="${esc(n.key)}">${esc(n.key.slice(0, 10))}</code> ${links.join(" · ")}`;
}

function table4Html(rows: Table4Row[], runs: LedgerEntry[]): string {
  if (!rows.length) {
    return `<p class="muted">No Table 4 (the run has no report artifact in the store).</p>`;
  }
  return table(
    ["row", "dataset", ...runs.map((r) => `ours: ${esc(r.id)}`), "paper"],
    rows.map((r) => [esc(r.label), esc(r.column), ...r.ours.map(esc), esc(r.paper)]),
    (
      i,
      j,
    ) => (j >= 2 && j < 2 + runs.length && new Set(rows[i].ours).size > 1
      ? "num changed"
      : j >= 2
      ? "num"
      : ""),
  );
}

/** `/compare?ids=a,b,…`: 2–5 runs side by side. */
export function comparePage(
  runs: LedgerEntry[],
  extra: { curves: LossPoint[]; tables: Table4Row[]; all: boolean },
): string {
  const facts = table(
    ["", ...runs.map(runLink)],
    [
      ["experiment", ...runs.map((r) => esc(r.experiment))],
      ["status", ...runs.map((r) => statusCell(r.status))],
      ["time", ...runs.map((r) => duration(r.seconds))],
      ["commit", ...runs.map((r) => `<code>${esc(commitOf(r))}</code>`)],
      ["--set", ...runs.map((r) => esc(r.set.join(" ") || "—"))],
    ],
  );
  const metrics = metricRows(runs, extra.all);
  const ids = runs.map((r) => r.id).join(",");
  const metricsHtml = metrics.length
    ? table(
      ["stage", "variants", "metric", ...runs.map((r) => esc(r.id))],
      metrics.map((m) => [
        esc(m.stage),
        shortVariants(m.variants),
        esc(m.metric),
        ...m.values.map((v) => esc(cellText(v))),
      ]),
      (i, j) => (j >= 3 ? (metrics[i].changed ? "num changed" : "num") : ""),
    )
    : `<p>No metric differs.</p>`;
  const toggle = extra.all
    ? `<a href="/compare?ids=${esc(ids)}">only what differs</a>`
    : `<a href="/compare?ids=${esc(ids)}&amp;all=1">every metric</a>`;
  const curves = extra.curves.length
    ? chart("curves", compareCurvesSpec(extra.curves))
    : `<p class="muted">No training curves in the store for these runs.</p>`;
  return layout(
    `Compare ${runs.length} runs`,
    `${facts}<h2>Params that differ</h2>${paramsHtml(paramRows(runs), runs)}` +
      `<h2>Table 4, side by side with the paper</h2>${table4Html(extra.tables, runs)}` +
      `<h2>Training curves (one colour per run; pick the variant below the chart)</h2>${curves}` +
      `<h2>Metrics (${extra.all ? "all" : "those that differ"}) · ${toggle}</h2>${metricsHtml}`,
    extra.curves.length > 0,
  );
}

/**
 * Training curves of several runs overlaid: one panel per loss, one colour per run, one
 * variant at a time (a select under the chart; the first variant the runs share by default).
 */
export function compareCurvesSpec(points: readonly LossPoint[]): Record<string, unknown> {
  const variants = [...new Set(points.map((p) => p.variant))].sort();
  const runs = [...new Set(points.map((p) => p.run))];
  const shared =
    variants.find((v) => runs.every((r) => points.some((p) => p.run === r && p.variant === v))) ??
      variants[0];
  const spec = lossCurvesSpec(points) as Record<string, unknown> & {
    spec: Record<string, unknown>;
  };
  return {
    ...spec,
    params: [{
      name: "pick",
      value: shared,
      bind: { input: "select", options: variants, name: "variant " },
    }],
    transform: [{ filter: "datum.variant === pick" }],
    spec: {
      ...spec.spec,
      encoding: {
        ...(spec.spec.encoding as Record<string, unknown>),
        color: {
          field: "run",
          type: "nominal",
          scale: { domain: runs },
          legend: { title: "run", orient: "bottom", labelLimit: 320 },
        },
        detail: { field: "variant" },
      },
    },
  };
}

/** A log file. */
export function logPage(run: LedgerEntry, node: RunNode, text: string): string {
  return layout(
    `Log of ${node.stage} · ${node.variants.slice(0, 2).join(", ")}`,
    `<p>${runLink(run)} · node <code>${esc(node.key)}</code></p><pre class="log">${
      esc(text)
    }</pre>`,
  );
}

/** Not found / bad request. */
export function errorPage(title: string, message: string): string {
  return layout(title, `<p>${esc(message)}</p><p><a href="/">all runs</a></p>`);
}
