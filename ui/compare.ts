/**
 * Comparing 2–5 runs side by side: the params that differ (one row per param when every variant
 * changed the same way), the metrics of the nodes they share (those that differ at 4
 * significant digits, or all), and Table 4's rows per run beside the paper's value.
 *
 * @module
 */
import { fmtNumber, type LedgerEntry, show } from "../pipeline/mod.ts";
import { oursText, paperText } from "../reports/format.ts";
import type { PaperTable } from "../reports/types.ts";

/** One param across the runs. */
export interface ParamRow {
  readonly param: string;
  /** Variant labels it applies to; empty = every variant of every run. */
  readonly variants: readonly string[];
  /** Per run, its value (`—` where unset = default). */
  readonly values: readonly string[];
}

/** The params whose values differ between the runs. */
export function paramRows(runs: readonly LedgerEntry[]): ParamRow[] {
  const variants = [...new Set(runs.flatMap((r) => Object.keys(r.params)))];
  const groups = new Map<string, { param: string; values: string[]; variants: string[] }>();
  for (const v of variants) {
    const keys = new Set(runs.flatMap((r) => Object.keys(r.params[v] ?? {})));
    for (const k of keys) {
      const values = runs.map((r) => show(r.params[v]?.[k]));
      if (new Set(values).size <= 1) continue;
      const id = `${k}\u0000${values.join("\u0000")}`;
      const g = groups.get(id) ?? { param: k, values, variants: [] };
      g.variants.push(v);
      groups.set(id, g);
    }
  }
  return [...groups.values()].map((g) => ({
    param: g.param,
    values: g.values,
    variants: g.variants.length === variants.length && variants.length > 1 ? [] : g.variants,
  }));
}

/** One metric of a node (stage · variants) across the runs. */
export interface MetricRow {
  readonly stage: string;
  readonly variants: string;
  readonly metric: string;
  /** Per run, the value (undefined: the run has no such node or metric). */
  readonly values: readonly unknown[];
  readonly changed: boolean;
}

/** Order of the stages in the metrics table. */
const STAGE_ORDER = ["evaluate", "report", "train", "pretrain_regressor", "prepare_data"];

/** The stage summaries of the nodes the runs have, side by side (evaluations first). */
export function metricRows(runs: readonly LedgerEntry[], all = false): MetricRow[] {
  const ids: string[] = [];
  const byRun = runs.map((r) => {
    const m = new Map<string, LedgerEntry["nodes"][number]>();
    for (const n of r.nodes) {
      const id = `${n.stage}\u0000${n.variants.join(", ")}`;
      if (!ids.includes(id)) ids.push(id);
      m.set(id, n);
    }
    return m;
  });
  // The evaluation's numbers first: they are what a comparison is usually about.
  const rank = (id: string) => {
    const i = STAGE_ORDER.indexOf(id.split("\u0000")[0]);
    return i < 0 ? STAGE_ORDER.length : i;
  };
  ids.sort((a, b) => rank(a) - rank(b));
  const out: MetricRow[] = [];
  for (const id of ids) {
    const nodes = byRun.map((m) => m.get(id));
    if (!all && nodes.some((n) => n === undefined)) continue; // compare what they share
    const [stage, variants] = id.split("\u0000");
    const metrics = [...new Set(nodes.flatMap((n) => Object.keys(n?.summary ?? {})))];
    for (const metric of metrics) {
      const values = nodes.map((n) => n?.summary?.[metric]);
      const texts = values.map(cellText);
      const changed = new Set(texts).size > 1;
      if (changed || all) out.push({ stage, variants, metric, values, changed });
    }
  }
  return out;
}

/** A value for a table cell: numbers to 4 significant digits. */
export function cellText(v: unknown): string {
  return typeof v === "number" ? fmtNumber(v) : v === undefined ? "—" : show(v);
}

/** Table 4's rows: per row and column, each run's value and the paper's. */
export interface Table4Row {
  readonly label: string;
  readonly column: string;
  readonly paper: string;
  readonly ours: readonly string[];
}

/** Table 4 of each run (its report node's tables.json) with the paper's values beside. */
export function table4Rows(tablesPerRun: readonly PaperTable[][]): Table4Row[] {
  const t4 = tablesPerRun.map((ts) => ts.find((t) => t.id === "table4"));
  const first = t4.find((t) => t !== undefined);
  if (!first) return [];
  const out: Table4Row[] = [];
  for (const row of first.rows) {
    for (const col of first.columns) {
      const cell = row.cells[col.key];
      const cells = t4.map((t) => t?.rows.find((r) => r.label === row.label)?.cells[col.key]?.ours);
      if (!cells.some((o) => o?.status === "measured")) continue;
      const ours = cells.map((o) => (o === undefined ? "—" : oursText(o)));
      const paper = cell ? paperText(cell.paper) : "—";
      out.push({ label: row.label, column: col.label, paper, ours });
    }
  }
  return out;
}
