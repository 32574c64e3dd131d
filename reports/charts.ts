/**
 * Vega-Lite specs of the report, data inlined (deterministic: no dates, no paths):
 * per-activity bars ours vs paper (Table 1), ablation bars with seed error bars (Table 4),
 * the prior-size curve (Table 5), training curves of every loss per variant, and the error
 * distribution per keypoint.
 *
 * @module
 */
import type { DatasetKind } from "../keypointgan/data/types.ts";
import { PROTOCOLS } from "../keypointgan/eval/protocols.ts";
import type { Measurement } from "../keypointgan/eval/record.ts";
import { PRIOR_SIZES } from "./paper/table5.ts";
import { type Config, findConfigs, groupConfigs } from "./select.ts";
import type { ChartBlock, EvaluationInput, PaperTable } from "./types.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const OURS = "#1f77b4", PAPER = "#bbbbbb";

type Spec = Record<string, unknown>;

/** Table 1's KeypointGAN row: ours (mean ± sd) vs the paper, per activity. */
export function activityChart(table1: PaperTable): ChartBlock | null {
  const row = table1.rows.find((r) => r.label === "KeypointGAN (ours)");
  if (!row) return null;
  const values = table1.columns.flatMap((col) => {
    const c = row.cells[col.key], out: Spec[] = [];
    if (c.ours.status === "measured") {
      const sd = c.ours.sd ?? 0;
      out.push({
        activity: col.label,
        source: "ours",
        error: c.ours.mean,
        lo: c.ours.mean - sd,
        hi: c.ours.mean + sd,
      });
    }
    if (c.paper.kind === "value") {
      out.push({ activity: col.label, source: "paper", error: c.paper.value });
    }
    return out;
  });
  if (!values.some((v) => v.source === "ours")) return null;
  const x = {
    field: "activity",
    type: "nominal",
    sort: table1.columns.map((c) => c.label),
    title: null,
  };
  return {
    id: "activities",
    title: "Table 1 per activity: KeypointGAN, ours vs paper",
    caption:
      "Simplified-H3.6M error (% of image size, flip-invariant); error bars: ± sd over seeds.",
    spec: {
      $schema: SCHEMA,
      width: 420,
      height: 220,
      data: { values },
      encoding: { x },
      layer: [{
        mark: "bar",
        encoding: {
          xOffset: { field: "source" },
          y: { field: "error", type: "quantitative", title: "error (% of image size)" },
          color: { field: "source", scale: { domain: ["ours", "paper"], range: [OURS, PAPER] } },
          tooltip: [{ field: "activity" }, { field: "source" }, { field: "error", format: ".2f" }],
        },
      }, {
        transform: [{ filter: "datum.source === 'ours'" }],
        mark: { type: "rule", color: "black" },
        encoding: {
          xOffset: { datum: "ours" },
          y: { field: "lo", type: "quantitative" },
          y2: { field: "hi" },
        },
      }],
    },
  };
}

/** Per-seed values of Table 4's rows, for error bars. */
function ablationValues(configs: readonly Config[], table4: PaperTable): Spec[] {
  const byRef = new Map(configs.flatMap((c) => c.members.map((m) => [m.provenance.ref, m])));
  return table4.rows.flatMap((row, order) =>
    table4.columns.flatMap((col) => {
      const c = row.cells[col.key], out: Spec[] = [];
      const base = { dataset: col.label, variant: row.label, order };
      if (c.paper.kind === "value") out.push({ ...base, kind: "paper", value: c.paper.value });
      if (c.ours.status === "measured") {
        c.ours.values.forEach((value, i) => {
          const ref = c.ours.status === "measured" ? c.ours.refs[i] : "";
          out.push({
            ...base,
            kind: "ours",
            value,
            ref,
            seed: byRef.get(ref)?.record.model.seed ?? null,
          });
        });
      }
      return out;
    })
  );
}

/** Table 4 as bars: ours (mean over seeds, ± sd) with the paper's value as a tick. */
export function ablationChart(
  inputs: readonly EvaluationInput[],
  table4: PaperTable,
): ChartBlock | null {
  const all = ablationValues(groupConfigs(inputs), table4);
  // Only the datasets this experiment measured (a column of paper ticks alone says nothing).
  const measured = new Set(all.filter((v) => v.kind === "ours").map((v) => v.dataset));
  const values = all.filter((v) => measured.has(v.dataset));
  if (values.length === 0) return null;
  const y = {
    field: "variant",
    type: "nominal",
    sort: table4.rows.map((r) => r.label),
    title: null,
    axis: { labelLimit: 320 },
  };
  const ours = { filter: "datum.kind === 'ours'" };
  return {
    id: "ablation",
    title: "Table 4 ablation: ours (bars, ± sd over seeds) vs paper (ticks)",
    caption:
      "Humans: Simplified-H3.6M (% of image size); faces: 300-W (% of inter-ocular distance).",
    spec: {
      $schema: SCHEMA,
      data: { values },
      facet: {
        column: { field: "dataset", title: null, sort: table4.columns.map((c) => c.label) },
      },
      resolve: { scale: { x: "independent" } },
      spec: {
        width: 240,
        encoding: { y },
        layer: [
          {
            transform: [ours],
            mark: { type: "bar", color: OURS },
            encoding: {
              x: { aggregate: "mean", field: "value", type: "quantitative", title: "error" },
            },
          },
          {
            transform: [ours],
            mark: { type: "errorbar", extent: "stdev", color: "black", ticks: true },
            encoding: { x: { field: "value", type: "quantitative", title: null } },
          },
          {
            transform: [ours],
            mark: { type: "point", color: "black", size: 12, filled: true },
            encoding: {
              x: { field: "value", type: "quantitative", title: null },
              tooltip: [{ field: "variant" }, { field: "seed" }, { field: "ref" }, {
                field: "value",
                format: ".2f",
              }],
            },
          },
          {
            transform: [{ filter: "datum.kind === 'paper'" }],
            mark: { type: "tick", color: "#d62728", thickness: 3 },
            encoding: {
              x: { field: "value", type: "quantitative" },
              tooltip: [{ field: "value", title: "paper" }],
            },
          },
        ],
      },
    },
  };
}

/** Table 5 as curves: error against the number of prior poses actually used (log scale). */
export function priorChart(inputs: readonly EvaluationInput[]): ChartBlock | null {
  const configs = groupConfigs(inputs);
  const series = [
    { kind: "humans" as const, label: "humans", protocol: "simplified_h36m", predictor: "model" },
    { kind: "faces" as const, label: "faces", protocol: "face_iod", predictor: "model" },
    {
      kind: "faces" as const,
      label: "faces + post-proc.",
      protocol: "face_iod",
      predictor: "model+postprocess",
    },
  ];
  let values = series.flatMap((s) =>
    PRIOR_SIZES.flatMap((priorSize) =>
      findConfigs(configs, { kind: s.kind, variant: "keypointgan", priorSize }).slice(0, 1).flatMap(
        (c) =>
          c.members.flatMap((m) => {
            const x = m.record.measurements.find((v) =>
              v.protocol === s.protocol && v.predictor === s.predictor && v.split === "test" &&
              v.flip !== "plain"
            );
            return x
              ? [{
                series: s.label,
                poses: m.record.model.priorUsed,
                error: x.all,
                ref: m.provenance.ref,
              }]
              : [];
          }),
      )
    )
  );
  // A curve needs at least two prior sizes.
  const sizes = (label: unknown) =>
    new Set(values.filter((v) => v.series === label).map((v) => v.poses)).size;
  values = values.filter((v) => sizes(v.series) >= 2);
  if (values.length === 0) return null;
  const poses = values.map((v) => v.poses);
  const x = {
    field: "poses",
    type: "quantitative",
    scale: { type: "log", domain: [Math.min(...poses) / 1.6, Math.max(...poses) * 1.6] },
    title: "prior poses used",
  };
  return {
    id: "prior",
    title: "Table 5: error vs size of the unpaired prior",
    caption: "KeypointGAN; mean over seeds with ± sd; 'full' uses every prior pose of the dataset.",
    spec: {
      $schema: SCHEMA,
      data: { values },
      facet: { column: { field: "series", title: null, sort: series.map((s) => s.label) } },
      resolve: { scale: { y: "independent" } },
      spec: {
        width: 200,
        height: 180,
        encoding: { x },
        layer: [
          {
            mark: { type: "line", point: true, color: OURS },
            encoding: {
              y: { aggregate: "mean", field: "error", type: "quantitative", title: "error" },
            },
          },
          {
            mark: { type: "errorbar", extent: "stdev", ticks: true },
            encoding: { y: { field: "error", type: "quantitative", title: null } },
          },
        ],
      },
    },
  };
}

/** Training curves of every logged loss, one panel per loss, one line per variant and seed. */
export function trainingChart(
  inputs: readonly EvaluationInput[],
  kind: DatasetKind,
): ChartBlock | null {
  const values: Spec[] = [];
  for (const { record: r, provenance: p } of inputs) {
    if (r.dataset.kind !== kind) continue;
    const label = r.model.priorSize > 0
      ? `${r.model.variant} (prior ${r.model.priorSize})`
      : r.model.variant;
    for (const loss of r.training.lossNames) {
      r.training.values[loss].forEach((value, i) => {
        if (value !== null) {
          values.push({ loss, variant: label, run: p.ref, step: r.training.step[i], value });
        }
      });
    }
  }
  if (values.length === 0) return null;
  return {
    id: `training-${kind}`,
    title: `Training curves (${kind})`,
    caption:
      "Every logged loss per variant (one line per seed), bucket means of the train stage's metrics.jsonl.",
    spec: {
      $schema: SCHEMA,
      data: { values },
      facet: { field: "loss", type: "nominal", title: null },
      columns: 3,
      resolve: { scale: { y: "independent" } },
      spec: {
        width: 200,
        height: 120,
        mark: { type: "line", strokeWidth: 1.2 },
        encoding: {
          x: { field: "step", type: "quantitative" },
          y: { field: "value", type: "quantitative", title: null, scale: { zero: false } },
          color: { field: "variant", type: "nominal", legend: { labelLimit: 320 } },
          detail: { field: "run" },
          tooltip: [{ field: "variant" }, { field: "run" }, { field: "step" }, {
            field: "value",
            format: ".4g",
          }],
        },
      },
    },
  };
}

function keypointRows(m: Measurement, predictor: string): Spec[] {
  return m.perKeypoint.map((k, index) => ({ keypoint: k.name, index, predictor, ...k.dist }));
}

/** Distribution of the error per keypoint (KeypointGAN vs the mean pose) on the test split. */
export function keypointChart(
  inputs: readonly EvaluationInput[],
  kind: DatasetKind,
): ChartBlock | null {
  const [config] = findConfigs(groupConfigs(inputs), { kind, variant: "keypointgan" });
  if (!config) return null;
  const r = config.members[0].record;
  const protocol = kind === "humans"
    ? "simplified_h36m"
    : kind === "faces"
    ? "face_iod"
    : "cat_eyes";
  const pick = (p: string) =>
    r.measurements.find((m) =>
      m.protocol === protocol && m.predictor === p && m.split === "test" && m.flip !== "plain"
    );
  const model = pick("model"), base = pick("mean_pose");
  if (!model) return null;
  const values = [
    ...keypointRows(model, "KeypointGAN"),
    ...(base ? keypointRows(base, "mean pose") : []),
  ];
  const names = model.perKeypoint.map((k) => k.name);
  const eps = Math.max(...values.map((v) => v.q95 as number)) * 0.004;
  const enc = {
    x: { field: "keypoint", type: "nominal", sort: names, title: null },
    xOffset: { field: "predictor" },
    color: { field: "predictor", type: "nominal", scale: { range: [OURS, PAPER] } },
  };
  return {
    id: `keypoints-${kind}`,
    title: `Error per keypoint (${kind}, ${config.members[0].provenance.ref})`,
    caption: `${
      PROTOCOLS[protocol].unit
    }; box: 25–75 %, whiskers: 5–95 %, bar: median, over test images.`,
    spec: {
      $schema: SCHEMA,
      width: { step: names.length > 40 ? 14 : 22 },
      height: 200,
      data: { values },
      encoding: enc,
      layer: [
        {
          mark: "rule",
          encoding: {
            y: { field: "q05", type: "quantitative", title: "error" },
            y2: { field: "q95" },
          },
        },
        {
          mark: { type: "bar", width: { band: 0.8 } },
          encoding: {
            y: { field: "q25", type: "quantitative" },
            y2: { field: "q75" },
            tooltip: ["keypoint", "predictor", "mean", "median", "q25", "q75", "q95"].map((
              field,
            ) => ({ field })),
          },
        },
        {
          // A thin bar (not a tick, which VL places at the offset band's edge) marks the median.
          transform: [{ calculate: `datum.median - ${eps}`, as: "medLo" }, {
            calculate: `datum.median + ${eps}`,
            as: "medHi",
          }],
          mark: { type: "bar", width: { band: 0.8 }, color: "black" },
          encoding: {
            y: { field: "medLo", type: "quantitative" },
            y2: { field: "medHi" },
            color: { value: "black" },
          },
        },
      ],
    },
  };
}

/** Every chart the evaluations support, in report order. */
export function buildCharts(
  inputs: readonly EvaluationInput[],
  tables: readonly PaperTable[],
): ChartBlock[] {
  const table = (id: string) => tables.find((t) => t.id === id);
  const kinds: DatasetKind[] = ["humans", "faces", "cats"];
  return [
    table("table1") ? activityChart(table("table1")!) : null,
    table("table4") ? ablationChart(inputs, table("table4")!) : null,
    priorChart(inputs),
    ...kinds.map((k) => keypointChart(inputs, k)),
    ...kinds.map((k) => trainingChart(inputs, k)),
  ].filter((c): c is ChartBlock => c !== null);
}
