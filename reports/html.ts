/**
 * The self-contained HTML report: one file, working offline (vega, vega-lite and vega-embed
 * inlined), every text HTML-escaped, charts drawn in the browser from their Vega-Lite specs.
 *
 * @module
 */
import { oursText, paperText, refsText } from "./format.ts";
import { REPORT_CSS } from "./html_style.ts";
import type {
  Block,
  ClaimResult,
  FigureBlock,
  PaperTable,
  ProvenanceRow,
  Report,
} from "./types.ts";
import type { VegaScripts } from "./vendor.ts";

/** Escapes text for HTML element content and attribute values. */
export function esc(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Makes text safe inside a `<script>` element. */
function scriptSafe(code: string): string {
  return code.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

function refLinks(refs: readonly string[]): string {
  return refs.map((r) => `<a href="#ref-${esc(r)}">${esc(r)}</a>`).join(" ");
}

function tableHtml(t: PaperTable): string {
  const head = `<tr><th></th>${t.columns.map((c) => `<th>${esc(c.label)}</th>`).join("")}</tr>`;
  let group = "";
  const body = t.rows.map((row) => {
    const g = row.group !== group
      ? `<tr class="group"><th colspan="${t.columns.length + 1}">${esc(row.group)}</th></tr>`
      : "";
    group = row.group;
    const cells = t.columns.map((c) => {
      const cell = row.cells[c.key], o = cell.ours;
      const cls = o.status === "measured" ? "ours" : `ours missing ${o.status}`;
      const refs = o.status === "measured" ? `<span class="refs">${refLinks(o.refs)}</span>` : "";
      const title = o.status === "measured" && o.values.length > 1
        ? ` title="per seed: ${esc(o.values.map((v) => v.toFixed(3)).join(", "))} (${
          esc(refsText(o))
        })"`
        : o.status !== "measured" && o.detail
        ? ` title="${esc(o.detail)}"`
        : "";
      return `<td${title}><span class="${cls}">${esc(oursText(o))}</span>` +
        `<span class="paper">paper: ${esc(paperText(cell.paper))}</span>${refs}</td>`;
    }).join("");
    return `${g}<tr><th class="row">${esc(row.label)}</th>${cells}</tr>`;
  }).join("\n");
  const notes = t.notes.map((n) => `<li>${esc(n)}</li>`).join("");
  return `<div class="table-block" id="${esc(t.id)}"><h3>${esc(t.title)}</h3><p class="caption">${
    esc(t.caption)
  }</p>` +
    `<div class="scroll"><table class="paper-table"><thead>${head}</thead><tbody>${body}</tbody></table></div>` +
    `<ul class="notes">${notes}</ul></div>`;
}

function claimsHtml(claims: readonly ClaimResult[]): string {
  const rows = claims.map((c) => {
    const cls = c.verdict === "holds"
      ? "holds"
      : c.verdict === "does not hold"
      ? "fails"
      : "unmeasured";
    return `<tr><td><span class="verdict ${cls}">${esc(c.verdict)}</span></td>` +
      `<td><strong>${esc(c.claim)}</strong><div class="small">${esc(c.source)} · rule: ${
        esc(c.rule)
      }</div></td>` +
      `<td>${esc(c.evidence)}</td></tr>`;
  }).join("\n");
  return `<table class="claims"><thead><tr><th>verdict</th><th>claim</th><th>our evidence</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>`;
}

/** `data:` URL of a figure's bytes. */
function dataUrl(f: FigureBlock): string {
  return `data:${f.mime ?? "image/png"};base64,${f.pngBase64}`;
}

/**
 * Images that appear more than once (the same contact sheet or figure in two sections) are
 * stored once: the `<img>` names the asset and a script fills its `src` (see {@link ASSETS}).
 */
class Assets {
  readonly #uses = new Map<string, number>();
  readonly #ids = new Map<string, string>();
  count(f: FigureBlock): void {
    const url = dataUrl(f);
    this.#uses.set(url, (this.#uses.get(url) ?? 0) + 1);
  }
  /** The `src="…"` or `data-asset="…"` attribute of an image. */
  attr(f: FigureBlock): string {
    const url = dataUrl(f);
    if ((this.#uses.get(url) ?? 1) <= 1) return `src="${url}"`;
    let id = this.#ids.get(url);
    if (id === undefined) this.#ids.set(url, id = `a${this.#ids.size}`);
    return `data-asset="${id}"`;
  }
  /** The shared assets as one JSON script (empty when nothing repeats). */
  script(): string {
    if (this.#ids.size === 0) return "";
    const map = Object.fromEntries([...this.#ids].map(([url, id]) => [id, url]));
    return `<script type="application/json" id="assets">${JSON.stringify(map)}</script>\n` +
      `<script>${ASSETS}</script>`;
  }
}

/** Fills the `src` of every `<img data-asset>` from the shared assets. */
const ASSETS = `(() => {
  const assets = JSON.parse(document.getElementById("assets").textContent);
  for (const img of document.querySelectorAll("img[data-asset]")) img.src = assets[img.dataset.asset];
})();`;

function figuresHtml(title: string, figures: readonly FigureBlock[], assets?: Assets): string {
  const items = figures.map((f) =>
    `<figure class="png"><img alt="${esc(f.title)}" ${
      assets ? assets.attr(f) : `src="${dataUrl(f)}"`
    }>` +
    `<figcaption><strong>${esc(f.title)}</strong> ${esc(f.caption)}</figcaption></figure>`
  ).join("");
  return `<h3>${esc(title)}</h3><div class="figures">${items}</div>`;
}

/** Provenance columns: header → cell HTML. */
const PROVENANCE_COLUMNS: readonly [string, (r: ProvenanceRow) => string][] = [
  ["ref", (r) => esc(r.ref)],
  ["variants", (r) => esc(r.variants.join(", "))],
  ["dataset", (r) => esc(r.dataset)],
  ["variant", (r) => esc(r.variant)],
  ["prior", (r) => (r.priorSize === 0 ? "full" : esc(r.priorSize))],
  ["seed", (r) => esc(r.seed ?? "")],
  ["tier", (r) => esc(r.tier ?? "")],
  ["backend", (r) => esc(r.backend ?? "")],
  ["perceptual", (r) => esc(r.perceptual ?? "")],
  ["steps", (r) => esc(r.steps ?? "")],
  ["train params that vary", (r) => esc(r.params)],
  ["run", (r) => esc(r.runId)],
  ["evaluation", (r) => key(r.artifactKey)],
  ["train", (r) => key(r.trainKey)],
  ["data", (r) => key(r.dataKey)],
];

const key = (k: string) => `<code title="${esc(k)}">${esc(k.slice(0, 12))}</code>`;

function provenanceHtml(rows: readonly ProvenanceRow[]): string {
  const head = PROVENANCE_COLUMNS.map(([h]) => `<th>${esc(h)}</th>`).join("");
  const body = rows.map((r) => {
    const cells = PROVENANCE_COLUMNS.map(([, f]) => `<td>${f(r)}</td>`).join("");
    return `<tr id="ref-${esc(r.ref)}">${cells}</tr>`;
  }).join("\n");
  return `<div class="scroll"><table class="provenance"><thead><tr>${head}</tr></thead>` +
    `<tbody>${body}</tbody></table></div>`;
}

/** One block as HTML (also used by the notebook to show tables and claims inline). */
export function blockHtml(b: Block, assets?: Assets): string {
  switch (b.type) {
    case "text":
      return b.paragraphs.map((p) => `<p>${esc(p)}</p>`).join("\n");
    case "table":
      return tableHtml(b.table);
    case "claims":
      return claimsHtml(b.claims);
    case "chart": {
      const c = b.chart, json = JSON.stringify(c.spec).replace(/</g, "\\u003c");
      return `<figure class="chart-block"><h3>${esc(c.title)}</h3>` +
        `<div class="chart" id="chart-${esc(c.id)}" data-spec="spec-${esc(c.id)}"></div>` +
        `<figcaption>${esc(c.caption)}</figcaption></figure>` +
        `<script type="application/json" id="spec-${esc(c.id)}">${json}</script>`;
    }
    case "figures":
      return figuresHtml(b.title, b.figures, assets);
    case "provenance":
      return provenanceHtml(b.rows);
  }
}

/** Draws every chart with vega-embed; failures are shown in place and logged as errors. */
const EMBED = `(async () => {
  for (const el of document.querySelectorAll(".chart")) {
    try {
      const spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
      const result = await vegaEmbed(el, spec, { actions: false, renderer: "svg" });
      el.dataset.rendered = "true";
      el.vegaView = result.view; // for tests: its scales (how many series a chart shows)
    } catch (e) {
      el.textContent = "Chart failed: " + e.message;
      console.error("chart " + el.id + " failed:", e);
    }
  }
  document.body.dataset.chartsDone = "true";
})();`;

/** The report as one self-contained HTML document. */
export function renderHtml(report: Report, scripts: VegaScripts): string {
  const nav = report.sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join(" · ");
  const assets = new Assets();
  for (const s of report.sections) {
    for (const b of s.blocks) if (b.type === "figures") b.figures.forEach((f) => assets.count(f));
  }
  const sections = report.sections.map((s) =>
    `<section id="${esc(s.id)}"><h2>${esc(s.title)}</h2>\n${
      s.blocks.map((b) => blockHtml(b, assets)).join("\n")
    }\n</section>`
  ).join("\n");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(report.title)}</title><style>${REPORT_CSS}</style>
<script>${scriptSafe(scripts.vega)}</script>
<script>${scriptSafe(scripts.vegaLite)}</script>
<script>${scriptSafe(scripts.vegaEmbed)}</script>
</head><body>
<header><h1>${esc(report.title)}</h1><nav>${nav}</nav></header>
<main>
${sections}
</main>
<footer>Self-contained report (works offline; ${esc(scripts.versions)} inlined).</footer>
${assets.script()}<script>${EMBED}</script>
</body></html>
`;
}
