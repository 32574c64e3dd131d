/**
 * Vega-Lite specs of the paper tables, data inlined (deterministic: no dates, no paths): Table 1
 * per activity (ours vs paper), Table 4 ablation bars with seed error bars, Table 5 prior-size
 * curve.
 *
 * @module
 */
import { OURS, PAPER, SCHEMA, type Spec } from "./chart_common.ts";
import { PRIOR_SIZES } from "./paper/table5.ts";
import { type Config, findConfigs, groupConfigs } from "./configurations.ts";
import type { ChartBlock, EvaluationInput, PaperTable } from "./types.ts";

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
  // One legend for the three marks (the red tick is the paper's value).
  const key = {
    ours: "ours (mean over seeds)",
    seed: "ours, one seed (± sd)",
    paper: "paper (red tick)",
  };
  const color = (k: keyof typeof key) => ({
    datum: key[k],
    type: "nominal",
    scale: { domain: Object.values(key), range: [OURS, "black", "#d62728"] },
    legend: { title: null, orient: "top", direction: "horizontal", symbolType: "square" },
  });
  return {
    id: "ablation",
    title: "Table 4 ablation: ours (bars, ± sd over seeds) vs the paper (red ticks)",
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
            mark: { type: "bar" },
            encoding: {
              x: { aggregate: "mean", field: "value", type: "quantitative", title: "error" },
              color: color("ours"),
            },
          },
          {
            transform: [ours],
            mark: { type: "errorbar", extent: "stdev", color: "black", ticks: true },
            encoding: { x: { field: "value", type: "quantitative", title: null } },
          },
          {
            transform: [ours],
            mark: { type: "point", size: 12, filled: true },
            encoding: {
              x: { field: "value", type: "quantitative", title: null },
              color: color("seed"),
              tooltip: [{ field: "variant" }, { field: "seed" }, { field: "ref" }, {
                field: "value",
                format: ".2f",
              }],
            },
          },
          {
            transform: [{ filter: "datum.kind === 'paper'" }],
            mark: { type: "tick", thickness: 3 },
            encoding: {
              x: { field: "value", type: "quantitative" },
              color: color("paper"),
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
  const poses = values.map((v) => v.poses as number);
  const x = {
    field: "poses",
    type: "quantitative",
    scale: { type: "log", domain: [Math.min(...poses) / 1.6, Math.max(...poses) * 1.6] },
    title: "prior poses used",
    // Ticks only at the sizes measured, short labels (5k), never overlapping: the log scale's
    // own ticks (every 1-2-5) overlapped at this width.
    axis: {
      values: [...new Set(poses)].sort((a, b) => a - b),
      format: "~s",
      labelOverlap: "greedy",
      labelAngle: 0,
      grid: false,
    },
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
