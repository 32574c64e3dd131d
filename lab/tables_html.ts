/**
 * HTML (and text) of evaluations and of the report for the notebook, drawn with the report's
 * own builders: `buildTables` fills the paper tables from evaluation records, `blockHtml`
 * renders tables, claims and provenance exactly as in report.html, `renderTableText` as in the
 * terminal. Only the per-evaluation measurement grid is laid out here.
 *
 * @module
 */
import { PROTOCOLS } from "../keypointgan/eval/protocols.ts";
import type { EvaluationRecord, Measurement } from "../keypointgan/eval/record.ts";
import { fmt } from "../reports/format.ts";
import { blockHtml, esc } from "../reports/html.ts";
import { renderTableText } from "../reports/render_text.ts";
import { buildTables } from "../reports/tables.ts";
import type { ClaimResult, EvaluationInput, PaperTable, ProvenanceRow } from "../reports/types.ts";

/** An evaluation with the names the notebook knows it by. */
export interface LabeledEvaluation {
  readonly handle: {
    readonly label: string;
    readonly key: string;
    readonly ref: { runId: string };
  };
  readonly record: EvaluationRecord;
}

const PREDICTORS = ["model", "model+postprocess", "mean_pose"] as const;

/** `test · simplified_h36m · flip-invariant`: one group of the measurement grid. */
function groupOf(m: Measurement): string {
  const flip = m.flip === null ? "" : m.flip === "min" ? " · flip-invariant" : " · as labelled";
  return `${m.split} · ${m.protocol}${flip}`;
}

/** Group → predictor → one value per evaluation (undefined where it has none). */
function grid(items: readonly LabeledEvaluation[]) {
  const groups = new Map<string, { unit: string; rows: Map<string, (number | undefined)[]> }>();
  items.forEach(({ record }, col) => {
    for (const m of record.measurements) {
      const g = groups.get(groupOf(m)) ??
        { unit: PROTOCOLS[m.protocol].unit, rows: new Map() };
      groups.set(groupOf(m), g);
      const row = g.rows.get(m.predictor) ?? new Array(items.length).fill(undefined);
      row[col] = m.all;
      g.rows.set(m.predictor, row);
    }
  });
  for (const g of groups.values()) {
    g.rows = new Map(
      [...g.rows].sort(([a], [b]) =>
        PREDICTORS.indexOf(a as never) - PREDICTORS.indexOf(b as never)
      ),
    );
  }
  return groups;
}

/**
 * Short column names: the matrix cells every label shares are dropped
 * (`cyclegan[prepare_data.dataset=humans]` → `cyclegan` when all are humans runs).
 */
export function shortLabels(labels: readonly string[]): { names: string[]; shared: string } {
  const parse = (l: string) => {
    const m = /^(.*?)\[(.*)\]$/.exec(l);
    return m ? { name: m[1], cells: m[2].split(",") } : { name: l, cells: [] };
  };
  const parsed = labels.map(parse);
  const shared = parsed[0]?.cells.filter((c) => parsed.every((p) => p.cells.includes(c))) ?? [];
  const names = parsed.map((p) => {
    const rest = p.cells.filter((c) => !shared.includes(c));
    return rest.length ? `${p.name}[${rest.join(",")}]` : p.name;
  });
  const unique = new Set(names).size === names.length;
  return unique ? { names, shared: shared.join(", ") } : { names: [...labels], shared: "" };
}

interface Section {
  /** Group title (`test · simplified_h36m · flip-invariant (unit)`), or "" for one flat section. */
  readonly title: string;
  readonly rows: readonly { readonly label: string; readonly values: (number | undefined)[] }[];
}

/**
 * One evaluation: a row per protocol group, a column per predictor. Several: a section per
 * protocol group, a row per predictor, a column per run.
 */
function pivot(items: readonly LabeledEvaluation[]): { head: string[]; sections: Section[] } {
  const groups = grid(items);
  if (items.length > 1) {
    return {
      head: shortLabels(items.map((i) => i.handle.label)).names,
      sections: [...groups].map(([group, g]) => ({
        title: `${group} (${g.unit})`,
        rows: [...g.rows].map(([label, values]) => ({ label, values })),
      })),
    };
  }
  const head = PREDICTORS.filter((p) => [...groups.values()].some((g) => g.rows.has(p)));
  const rows = [...groups].map(([group, g]) => ({
    label: `${group} (${g.unit})`,
    values: head.map((p) => g.rows.get(p)?.[0]),
  }));
  return { head: [...head], sections: [{ title: "", rows }] };
}

const cell = (v: number | undefined) => (v === undefined ? "—" : fmt(v));

function measurementHtml(items: readonly LabeledEvaluation[]): string {
  const { head, sections } = pivot(items);
  const shared = items.length > 1 ? shortLabels(items.map((i) => i.handle.label)).shared : "";
  const body = sections.map((s) =>
    (s.title
      ? `<tr class="group"><th colspan="${head.length + 1}">${esc(s.title)}</th></tr>`
      : "") +
    s.rows.map((r) =>
      `<tr><th class="row" style="white-space: nowrap; max-width: none">${esc(r.label)}</th>${
        r.values.map((v) => `<td><span class="ours">${cell(v)}</span></td>`).join("")
      }</tr>`
    ).join("")
  ).join("\n");
  return `<h3>Measurements (lower is better)</h3>` +
    (shared ? `<p class="muted">every run: ${esc(shared)}</p>` : "") +
    `<div class="scroll"><table class="paper-table"><thead><tr><th></th>${
      head.map((h) => `<th>${esc(h)}</th>`).join("")
    }</tr></thead><tbody>${body}</tbody></table></div>`;
}

function measurementText(items: readonly LabeledEvaluation[]): string {
  const { head, sections } = pivot(items);
  const width = Math.max(...head.map((h) => h.length), 8);
  const lw = Math.max(...sections.flatMap((s) => s.rows.map((r) => r.label.length + 2)));
  return [
    `${"".padEnd(lw)} ${head.map((h) => h.padStart(width)).join(" ")}`,
    ...sections.flatMap((s) => [
      ...(s.title ? [s.title] : []),
      ...s.rows.map((r) =>
        `${(s.title ? `  ${r.label}` : r.label).padEnd(lw)} ${
          r.values.map((v) => cell(v).padStart(width)).join(" ")
        }`
      ),
    ]),
  ].join("\n");
}

/** The paper tables the evaluations fill: only rows with one of our numbers in them. */
export function filledTables(items: readonly LabeledEvaluation[]): PaperTable[] {
  const inputs: EvaluationInput[] = items.map(({ handle, record }, i) => ({
    record,
    provenance: {
      ref: `E${i + 1}`,
      experiment: "notebook",
      variants: [handle.label],
      runId: handle.ref.runId,
      artifactKey: handle.key,
    },
  }));
  return buildTables(inputs)
    .map((t) => ({
      ...t,
      rows: t.rows.filter((r) => Object.values(r.cells).some((c) => c.ours.status === "measured")),
    }))
    .filter((t) => t.rows.length > 0);
}

/** One or more evaluations side by side: the measurement grid, then the paper rows they fill. */
export function evaluationHtml(
  items: readonly LabeledEvaluation[],
): { html: string; text: string } {
  const tables = filledTables(items);
  const refs = items.map((i, n) => `E${n + 1} = ${i.handle.label}`).join(", ");
  const notes = items.flatMap((i) => i.record.notes.map((n) => `${i.handle.label}: ${n}`));
  const html = measurementHtml(items) +
    (tables.length
      ? `<h3>Paper rows these numbers fill</h3><p class="muted">${esc(refs)}</p>` +
        tables.map((table) => blockHtml({ type: "table", table })).join("\n")
      : "") +
    (notes.length
      ? `<ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>`
      : "");
  const text = [measurementText(items), ...tables.map(renderTableText), ...notes].join("\n");
  return { html, text };
}

/** The report artifact's `tables.json` / `claims.json` (the fields shown here). */
export interface ReportFiles {
  readonly tables: {
    readonly tables: readonly PaperTable[];
    readonly evaluations: readonly ProvenanceRow[];
  };
  readonly claims: { readonly claims: readonly ClaimResult[] };
}

/** Tables 1–5 (ours beside the paper), the claims, and the provenance the refs link to. */
export function reportHtml(
  tables: ReportFiles["tables"],
  claims: ReportFiles["claims"],
): string {
  const held = claims.claims.filter((c) => c.verdict === "holds").length;
  const failed = claims.claims.filter((c) => c.verdict === "does not hold").length;
  return tables.tables.map((table) => blockHtml({ type: "table", table })).join("\n") +
    `<h3>Paper claims (${held} hold, ${failed} do not hold, ${
      claims.claims.length - held - failed
    } not measured)</h3>` +
    blockHtml({ type: "claims", claims: claims.claims }) +
    `<details><summary>Provenance of the evaluations (E1…)</summary>${
      blockHtml({ type: "provenance", rows: tables.evaluations })
    }</details>`;
}
