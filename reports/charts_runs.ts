/**
 * Vega-Lite specs drawn from the evaluations themselves: training curves of every loss per
 * variant, and the error distribution per keypoint.
 *
 * @module
 */
import type { DatasetKind } from "../keypointgan/data/types.ts";
import { PROTOCOLS } from "../keypointgan/eval/protocols.ts";
import type { Measurement, TrainingCurves } from "../keypointgan/eval/record.ts";
import { OURS, PAPER, SCHEMA, type Spec } from "./chart_common.ts";
import { findConfigs, groupConfigs } from "./configurations.ts";
import type { ChartBlock, EvaluationInput } from "./types.ts";

/** One logged loss value: the panel (`loss`), the colour (`variant`), the line (`run`). */
export interface LossPoint {
  readonly loss: string;
  readonly variant: string;
  readonly run: string;
  readonly step: number;
  readonly value: number;
}

/** The points of one run's condensed curves (nulls, i.e. unlogged buckets, are skipped). */
export function lossPoints(curves: TrainingCurves, variant: string, run: string): LossPoint[] {
  return curves.lossNames.flatMap((loss) =>
    curves.values[loss].flatMap((value, i) =>
      value === null ? [] : [{ loss, variant, run, step: curves.step[i], value }]
    )
  );
}

/**
 * Vega-Lite spec of training curves: one panel per loss, one line per run, coloured by variant.
 * Shared by the report's training chart and the notebook's training-run display.
 */
export function lossCurvesSpec(values: readonly LossPoint[]): Spec {
  return {
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
        color: {
          field: "variant",
          type: "nominal",
          legend: { labelLimit: 320, orient: "bottom", columns: 3, title: "variant" },
        },
        detail: { field: "run" },
        tooltip: [{ field: "variant" }, { field: "run" }, { field: "step" }, {
          field: "value",
          format: ".4g",
        }],
      },
    },
  };
}

/** Training curves of every logged loss, one panel per loss, one line per variant and seed. */
export function trainingChart(
  inputs: readonly EvaluationInput[],
  kind: DatasetKind,
): ChartBlock | null {
  const values: LossPoint[] = [];
  for (const { record: r, provenance: p } of inputs) {
    if (r.dataset.kind !== kind) continue;
    const label = r.model.priorSize > 0
      ? `${r.model.variant} (prior ${r.model.priorSize})`
      : r.model.variant;
    values.push(...lossPoints(r.training, label, p.ref));
  }
  if (values.length === 0) return null;
  return {
    id: `training-${kind}`,
    title: `Training curves (${kind})`,
    caption:
      "Every logged loss per variant (one line per seed), bucket means of the train stage's metrics.jsonl.",
    spec: lossCurvesSpec(values),
  };
}

/** Widest plot area of a chart in the report (a 1,400-px window less margins, axis, legend). */
export const MAX_PLOT_WIDTH = 1180;

/** ≈ 11 px per box, at most {@link MAX_PLOT_WIDTH}. */
export function keypointChartWidth(points: number, predictors: number): number {
  return Math.min(MAX_PLOT_WIDTH, Math.max(240, points * predictors * 11));
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
  const predictors = base ? ["KeypointGAN", "mean pose"] : ["KeypointGAN"];
  const enc = {
    x: {
      field: "keypoint",
      type: "nominal",
      sort: names,
      title: null,
      // 68 face landmarks in a fixed width: every name, turned, small where many.
      axis: { labelAngle: -90, labelFontSize: names.length > 40 ? 8 : 10, labelOverlap: false },
    },
    xOffset: { field: "predictor", sort: predictors },
    color: {
      field: "predictor",
      type: "nominal",
      scale: { domain: predictors, range: [OURS, PAPER] },
      legend: { title: null, orient: "top", direction: "horizontal", symbolType: "square" },
    },
  };
  return {
    id: `keypoints-${kind}`,
    title: `Error per keypoint (${kind}, ${config.members[0].provenance.ref})`,
    caption: `${
      PROTOCOLS[protocol].unit
    }; box: 25–75 %, whiskers: 5–95 %, bar: median, over test images.`,
    spec: {
      $schema: SCHEMA,
      // A fixed width (not a step per box) so that 68 landmarks fit a 1,400-px window.
      width: keypointChartWidth(names.length, predictors.length),
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
