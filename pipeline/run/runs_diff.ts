/**
 * `runs A B`: what changed between two runs of the ledger.
 *
 * By default only what differs: the runs' facts (commit, status, time, …), the params that
 * differ (one row per param when every variant changed it the same way, else one per variant)
 * and the stage metrics that differ at 4 significant digits, for the nodes both runs have;
 * nodes only one run has are counted. Numbers are rounded to 4 significant digits and every
 * cell is cut to fit the terminal (`width`, 120 columns by default). `--all` lists everything
 * (unchanged rows, nodes of one run only, full precision); `--json` gives the same data to
 * machines.
 *
 * @module
 */
import { type LedgerEntry, type LedgerNode, show } from "./ledger.ts";
import { duration, table } from "../common/table.ts";

/** One differing (or, with `all`, any) param. */
export interface ParamChange {
  readonly param: string;
  /** The variant labels it applies to (every variant of both runs: `["*all*"]`). */
  readonly variants: readonly string[];
  readonly a: unknown;
  readonly b: unknown;
}

/** One metric of a node both runs have. */
export interface MetricChange {
  readonly stage: string;
  readonly variants: readonly string[];
  readonly metric: string;
  readonly a: unknown;
  readonly b: unknown;
  /** b − a when both are numbers. */
  readonly delta?: number;
}

/** The comparison, as `--json` prints it. */
export interface RunsDiff {
  readonly a: RunFacts;
  readonly b: RunFacts;
  readonly facts: readonly { readonly fact: string; readonly a: string; readonly b: string }[];
  readonly params: readonly ParamChange[];
  readonly metrics: readonly MetricChange[];
  /** Metrics left out because they are equal (at 4 significant digits). */
  readonly unchangedMetrics: number;
  /** Nodes (`stage · variants`) that only one of the runs has. */
  readonly onlyIn: { readonly a: readonly string[]; readonly b: readonly string[] };
}

/** The heading facts of one run. */
export interface RunFacts {
  readonly id: string;
  readonly experiment: string;
  readonly commit: string;
  readonly status: string;
  readonly seconds: number;
  readonly executor: string;
  readonly set: readonly string[];
}

/** Every variant of both runs has the change. */
export const ALL_VARIANTS = "*all*";

const nodeId = (n: Pick<LedgerNode, "stage" | "variants">) =>
  `${n.stage} · ${n.variants.join(", ")}`;

/** The short commit id, with `*` when the tree was dirty, or `—`. */
export function commitOf(e: LedgerEntry): string {
  return e.git.commit === null ? "—" : `${e.git.commit.slice(0, 7)}${e.git.dirty ? "*" : ""}`;
}

function facts(e: LedgerEntry): RunFacts {
  return {
    id: e.id,
    experiment: e.experiment,
    commit: commitOf(e),
    status: e.status,
    seconds: e.seconds,
    executor: e.executor,
    set: e.set,
  };
}

/** Compares two ledger entries. */
export function diffRuns(a: LedgerEntry, b: LedgerEntry, opts: { all?: boolean } = {}): RunsDiff {
  const all = opts.all ?? false;
  const [fa, fb] = [facts(a), facts(b)];
  const factRows = [
    ["experiment", fa.experiment, fb.experiment],
    ["commit", fa.commit, fb.commit],
    ["status", fa.status, fb.status],
    ["time", duration(fa.seconds), duration(fb.seconds)],
    ["executor", fa.executor, fb.executor],
    ["--set", fa.set.join(" ") || "—", fb.set.join(" ") || "—"],
    ["backend", a.backends.join(", ") || "—", b.backends.join(", ") || "—"],
    ["nodes ran/cached", counts(a), counts(b)],
  ].filter(([k, x, y]) => all || x !== y || k === "time" || k === "commit")
    .map(([fact, x, y]) => ({ fact, a: x, b: y }));
  return {
    a: fa,
    b: fb,
    facts: factRows,
    params: paramChanges(a, b, all),
    ...metricChanges(a, b, all),
  };
}

function counts(e: LedgerEntry): string {
  return `${e.counts.ran ?? 0}/${e.counts.hit ?? 0}`;
}

function paramChanges(a: LedgerEntry, b: LedgerEntry, all: boolean): ParamChange[] {
  const variants = union(Object.keys(a.params), Object.keys(b.params));
  // param → "a-value → b-value" → variants with that change
  const byParam = new Map<string, Map<string, { a: unknown; b: unknown; variants: string[] }>>();
  for (const v of variants) {
    for (const k of union(Object.keys(a.params[v] ?? {}), Object.keys(b.params[v] ?? {}))) {
      const [x, y] = [a.params[v]?.[k], b.params[v]?.[k]];
      if (!all && show(x) === show(y)) continue;
      const change = `${show(x)}\u0000${show(y)}`;
      const entry = byParam.get(k) ?? new Map();
      const group = entry.get(change) ?? { a: x, b: y, variants: [] };
      group.variants.push(v);
      entry.set(change, group);
      byParam.set(k, entry);
    }
  }
  const out: ParamChange[] = [];
  for (const [param, changes] of byParam) {
    for (const g of changes.values()) {
      const everywhere = g.variants.length === variants.length && variants.length > 1;
      out.push({ param, variants: everywhere ? [ALL_VARIANTS] : g.variants, a: g.a, b: g.b });
    }
  }
  return out;
}

function metricChanges(
  a: LedgerEntry,
  b: LedgerEntry,
  all: boolean,
): Pick<RunsDiff, "metrics" | "unchangedMetrics" | "onlyIn"> {
  const byId = (e: LedgerEntry) => new Map(e.nodes.map((n) => [nodeId(n), n]));
  const [na, nb] = [byId(a), byId(b)];
  const metrics: MetricChange[] = [];
  let unchanged = 0;
  // Results first: stages downstream-first (the ledger lists nodes in DAG order), nodes of a
  // stage in their order.
  const stages = [...new Set([...na.values()].map((n) => n.stage))].reverse();
  const ordered = [...na].sort(([, x], [, y]) => stages.indexOf(x.stage) - stages.indexOf(y.stage));
  for (const [id, x] of ordered) {
    const y = nb.get(id);
    if (y === undefined) continue;
    const [sa, sb] = [x.summary ?? {}, y.summary ?? {}];
    for (const metric of union(Object.keys(sa), Object.keys(sb))) {
      const [va, vb] = [sa[metric], sb[metric]];
      const numbers = typeof va === "number" && typeof vb === "number";
      const same = numbers ? fmtNumber(va) === fmtNumber(vb) : show(va) === show(vb);
      if (same && !all) {
        unchanged++;
        continue;
      }
      metrics.push({
        stage: x.stage,
        variants: x.variants,
        metric,
        a: va,
        b: vb,
        ...(numbers ? { delta: vb - va } : {}),
      });
    }
  }
  const only = (m: Map<string, LedgerNode>, other: Map<string, LedgerNode>) =>
    [...m.keys()].filter((id) => !other.has(id));
  return { metrics, unchangedMetrics: unchanged, onlyIn: { a: only(na, nb), b: only(nb, na) } };
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

/** 4 significant digits, no trailing zeros; integers as they are; exponent when far from 1. */
export function fmtNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e9) return String(x);
  const ax = Math.abs(x);
  if (ax !== 0 && (ax >= 1e6 || ax < 1e-3)) return x.toExponential(3).replace(/\.?0+e/, "e");
  return String(Number(x.toPrecision(4)));
}

function fmtValue(v: unknown, full: boolean): string {
  if (typeof v === "number") return full ? String(v) : fmtNumber(v);
  return show(v);
}

function fmtDelta(d: MetricChange, full: boolean): [string, string] {
  if (d.delta === undefined) return ["", ""];
  const s = full ? String(d.delta) : fmtNumber(d.delta);
  const a = d.a as number;
  const pct = a !== 0 && Number.isFinite(d.delta / a)
    ? `${d.delta >= 0 ? "+" : ""}${(100 * d.delta / Math.abs(a)).toFixed(1)}%`
    : "";
  return [d.delta > 0 ? `+${s}` : s, pct];
}

/** `cyclegan[prepare_data.dataset=humans]` → `cyclegan[…dataset=humans]` within `max`. */
function variantText(variants: readonly string[]): string {
  if (variants.length === 1 && variants[0] === ALL_VARIANTS) return "(every variant)";
  const short = variants.map((v) =>
    v.replace(
      /\[([^\]]*)\]/,
      (_, inner: string) =>
        `[${inner.split(",").map((kv) => kv.replace(/^[a-z_]+\.(?=\w+=)/, "")).join(",")}]`,
    )
  );
  return short.length <= 2 ? short.join(", ") : `${short[0]} +${short.length - 1}`;
}

/** Cuts `s` to `max` characters with an ellipsis in the middle (both ends stay readable). */
export function fit(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 1) return s.slice(0, max);
  const head = Math.ceil((max - 1) / 2);
  return `${s.slice(0, head)}…${s.slice(s.length - (max - 1 - head))}`;
}

/** A table no wider than `width`: the widest columns are cut first. */
function fittedTable(head: string[], rows: string[][], width: number): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  // cli-table3 draws "│ " before every cell, " " after it and "│" at the end.
  const overhead = 3 * head.length + 1;
  while (widths.reduce((s, w) => s + w, 0) + overhead > width) {
    const i = widths.indexOf(Math.max(...widths));
    if (widths[i] <= 6) break;
    widths[i]--;
  }
  return table(
    head.map((h, i) => fit(h, widths[i])),
    rows.map((r) => r.map((c, i) => fit(c, widths[i]))),
  );
}

/** The comparison for a terminal of `width` columns (`all`: no cuts, full precision). */
export function renderDiff(d: RunsDiff, opts: { width?: number; all?: boolean } = {}): string {
  const all = opts.all ?? false;
  const width = all ? Infinity : opts.width ?? 120;
  const t = (head: string[], rows: string[][]) =>
    all ? table(head, rows) : fittedTable(head, rows, width);
  const out: string[] = [];
  out.push(t(["", "A", "B"], [
    ["run", d.a.id, d.b.id],
    ...d.facts.map((f) => [f.fact, f.a, f.b]),
  ]));
  if (d.params.length) {
    out.push(`params that differ (${d.params.length}):`);
    out.push(t(
      ["param", "variants", "A", "B"],
      d.params.map((
        p,
      ) => [p.param, variantText(p.variants), fmtValue(p.a, all), fmtValue(p.b, all)]),
    ));
  } else out.push("params: the same");
  if (d.metrics.length) {
    out.push(
      `metrics that differ (${d.metrics.length}${
        d.unchangedMetrics ? `; ${d.unchangedMetrics} equal to 4 digits not shown` : ""
      }):`,
    );
    out.push(t(
      ["stage", "variant", "metric", "A", "B", "Δ", "Δ%"],
      d.metrics.map((m) => [
        m.stage,
        variantText(m.variants),
        m.metric,
        fmtValue(m.a, all),
        fmtValue(m.b, all),
        ...fmtDelta(m, all),
      ]),
    ));
  } else out.push(`metrics: the same (${d.unchangedMetrics} compared)`);
  const { a, b } = d.onlyIn;
  if (a.length || b.length) {
    if (all) {
      for (const [side, ids] of [["A", a], ["B", b]] as const) {
        if (ids.length) out.push(`only in ${side}:\n${ids.map((id) => `  ${id}`).join("\n")}`);
      }
    } else {
      out.push(
        `nodes in one run only: ${a.length} in A, ${b.length} in B (--all lists them; --json for machines)`,
      );
    }
  }
  return out.join("\n");
}
