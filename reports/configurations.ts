/**
 * Groups evaluations into configurations (everything equal but the seeds) and measures a
 * table cell as mean ± sd over a configuration's seeds.
 *
 * @module
 */
import type { DatasetKind } from "../keypointgan/data/types.ts";
import type { FlipMode, ProtocolId } from "../keypointgan/eval/protocols.ts";
import type { EvaluationRecord, Predictor } from "../keypointgan/eval/record.ts";
import { mean, sampleSd } from "../keypointgan/eval/stats.ts";
import { VARIANT_NAMES, variantFlags, type VariantName } from "../keypointgan/model/variants.ts";
import type { EvaluationInput, OursCell } from "./types.ts";

/** Evaluations that differ only in their seeds (model seed, prior-subset seed, data seed). */
export interface Config {
  readonly id: string;
  readonly record: EvaluationRecord;
  /** Its evaluations, one per seed, in input order. */
  readonly members: readonly EvaluationInput[];
  /** Identity of the dataset (kind, name, prior source and data params without the seed). */
  readonly datasetId: string;
}

/** JSON with object keys sorted, so equal values give equal strings. */
export function canonical(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
  );
}

function without(obj: Readonly<Record<string, unknown>>, keys: readonly string[]) {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => !keys.includes(k)));
}

/** The dataset identity of a record (seed excluded). */
export function datasetId(r: EvaluationRecord): string {
  const d = r.dataset;
  return canonical({
    kind: d.kind,
    name: d.name,
    prior: d.priorSource,
    params: without(d.params, ["seed"]),
  });
}

/** Groups inputs into configurations, in order of first appearance; duplicates are dropped. */
export function groupConfigs(inputs: readonly EvaluationInput[]): Config[] {
  const byId = new Map<
    string,
    { record: EvaluationRecord; members: EvaluationInput[]; ds: string }
  >();
  const seen = new Set<string>();
  for (const input of inputs) {
    if (seen.has(input.provenance.artifactKey)) continue;
    seen.add(input.provenance.artifactKey);
    const r = input.record, ds = datasetId(r);
    const id = canonical({ ds, model: without(r.model.params, ["seed", "priorSeed"]) });
    const entry = byId.get(id) ?? { record: r, members: [], ds };
    entry.members.push(input);
    byId.set(id, entry);
  }
  return [...byId].map(([id, e]) => ({
    id,
    record: e.record,
    members: e.members,
    datasetId: e.ds,
  }));
}

/** Which configurations a cell draws from. */
export interface Selector {
  readonly kind: DatasetKind;
  /** Train variant preset name, or a predicate on the record (e.g. on flags). */
  readonly variant: string | ((r: EvaluationRecord) => boolean);
  /** Prior subset size (0 = full). Defaults to 0. */
  readonly priorSize?: number;
  /** Same-source prior (default) or a prior from another source (Table 2's 3DHP row). */
  readonly prior?: "same" | "cross";
}

/** What to read from a configuration's records. */
export interface MetricRef {
  readonly protocol: ProtocolId;
  readonly predictor: Predictor;
  /** Split name (default "test"; "train" = the post-processing split of synthetic data). */
  readonly split?: string;
  readonly flip?: FlipMode;
  /** `all` (default) or an activity name. */
  readonly column?: string;
}

/**
 * The primary dataset of a kind for a prior class: the first one in input order. Paper tables use
 * it so that, say, a second faces dataset in the experiment does not mix into Table 3.
 */
function primaryDataset(configs: readonly Config[], kind: DatasetKind, cross: boolean) {
  return configs.find((c) =>
    c.record.dataset.kind === kind && c.record.dataset.crossSourcePrior === cross
  )
    ?.datasetId;
}

/** The preset flags a record overrides (none for a name that is not a preset), as `flag value`. */
function overriddenFlags(r: EvaluationRecord): string[] {
  const name = r.model.variant;
  if (!(VARIANT_NAMES as readonly string[]).includes(name)) return [];
  const preset = variantFlags(name as VariantName);
  return (["conditional", "bottleneck", "secondCycle"] as const).filter((k) =>
    r.model.flags[k] !== undefined && r.model.flags[k] !== preset[k]
  ).map((k) => `${k} ${r.model.flags[k]}`);
}

/**
 * True when a record is the named variant preset with the preset's flags: a run that overrides a
 * flag (say `bottleneck` with `conditional: false`) is a different configuration, not that row.
 */
export function isPreset(r: EvaluationRecord, name: string): boolean {
  return r.model.variant === name && overriddenFlags(r).length === 0;
}

/**
 * A record's variant name with the flags it overrides, e.g. `bottleneck (conditional false)`:
 * two configurations of one preset must not share a chart series.
 */
export function variantLabel(r: EvaluationRecord): string {
  const changed = overriddenFlags(r);
  return changed.length ? `${r.model.variant} (${changed.join(", ")})` : r.model.variant;
}

/** Configurations matching a selector on the primary dataset of its kind and prior class. */
export function findConfigs(configs: readonly Config[], sel: Selector): Config[] {
  const cross = sel.prior === "cross";
  const ds = primaryDataset(configs, sel.kind, cross);
  return configs.filter((c) => {
    const r = c.record;
    const variantOk = typeof sel.variant === "string" ? isPreset(r, sel.variant) : sel.variant(r);
    return c.datasetId === ds && variantOk && r.model.priorSize === (sel.priorSize ?? 0);
  });
}

/** Why a metric is absent: a short note for the cell and the full reason for the notes. */
export interface Absent {
  readonly note: string;
  readonly detail: string;
}

/** A metric's value in one record, or why it is absent. */
export function readMetric(r: EvaluationRecord, m: MetricRef): number | Absent {
  const found = r.measurements.find((x) =>
    x.protocol === m.protocol && x.predictor === m.predictor && x.split === (m.split ?? "test") &&
    (m.flip === undefined || x.flip === m.flip)
  );
  if (!found) {
    if (m.predictor === "model+postprocess" && r.postprocess.status === "failed") {
      return {
        note: "post-processing failed",
        detail: `post-processing failed: ${r.postprocess.message}`,
      };
    }
    const what = `no ${m.protocol} ${m.predictor} ${m.split ?? "test"} measurement`;
    return { note: "not measured", detail: what };
  }
  const column = m.column ?? "all";
  const v = column === "all" ? found.all : found.perActivity[column];
  if (typeof v === "number") return v;
  return { note: "no test images", detail: `the split has no test images of activity "${column}"` };
}

/** A cell from the first matching configuration (mean ± sd over its seeds). */
export function measure(configs: readonly Config[], sel: Selector, m: MetricRef): OursCell {
  const [config] = findConfigs(configs, sel);
  if (!config) return { status: "not_run", note: "not run" };
  const values: number[] = [], refs: string[] = [];
  for (const member of config.members) {
    const v = readMetric(member.record, m);
    if (typeof v !== "number") {
      return { status: "failed", note: v.note, detail: `${member.provenance.ref}: ${v.detail}` };
    }
    values.push(v);
    refs.push(member.provenance.ref);
  }
  // A collapsed Φ (one skeleton for every image) is marked beside its number, never hidden.
  const collapsed = m.predictor === "mean_pose"
    ? 0
    : config.members.filter((x) => x.record.collapse?.collapsed).length;
  return {
    status: "measured",
    mean: mean(values),
    sd: sampleSd(values),
    values,
    refs,
    ...(collapsed > 0 ? { collapsed } : {}),
  };
}
