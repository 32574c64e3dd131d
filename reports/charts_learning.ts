/**
 * The learning-curve chart (issue 15): held-out error against the training step, one line per
 * variant (the mean over seeds, with a ±1 sd band when there are several), beside the mean-pose
 * baseline and the supervised Φ∘η's test error as horizontal rules — so whether a variant has
 * flattened, and below which line, is visible at a glance.
 *
 * @module
 */
import type { DatasetKind } from "../keypointgan/data/types.ts";
import { mean, sampleSd } from "../keypointgan/eval/stats.ts";
import { SCHEMA, type Spec } from "./chart_common.ts";
import { headline } from "./claims.ts";
import { groupConfigs, measure, variantLabel } from "./configurations.ts";
import type { ChartBlock, EvaluationInput } from "./types.ts";

/** Mean and sd over seeds at each logged step (steps every seed logged). */
function seedStats(curves: readonly { step: readonly number[]; error: readonly number[] }[]) {
  const byStep = new Map<number, number[]>();
  for (const c of curves) {
    c.step.forEach((s, i) => byStep.set(s, [...(byStep.get(s) ?? []), c.error[i]]));
  }
  return [...byStep.entries()].filter(([, v]) => v.length === curves.length).sort(([a], [b]) =>
    a - b
  )
    .map(([step, v]) => ({ step, mean: mean(v), sd: sampleSd(v) ?? 0, seeds: v.length }));
}

/** Held-out error vs step per variant with the mean-pose and supervised lines, or null. */
export function learningChart(
  inputs: readonly EvaluationInput[],
  kind: DatasetKind,
): ChartBlock | null {
  const configs = groupConfigs(inputs).filter((c) => c.record.dataset.kind === kind);
  const lines: Spec[] = [];
  for (const c of configs) {
    const curves = c.members.flatMap((m) => (m.record.heldOut ? [m.record.heldOut] : []));
    if (curves.length === 0 || curves.length < c.members.length) continue;
    const r = c.record;
    const prior = [
      ...(r.model.priorSize > 0 ? [`prior ${r.model.priorSize}`] : []),
      ...(r.dataset.crossSourcePrior ? [`prior ${r.dataset.priorSource}`] : []),
    ];
    const base = variantLabel(r);
    const variant = prior.length > 0 ? `${base} (${prior.join(", ")})` : base;
    for (const s of seedStats(curves)) {
      lines.push({
        series: variant,
        step: s.step,
        error: s.mean,
        lo: s.mean - s.sd,
        hi: s.mean + s.sd,
        seeds: s.seeds,
      });
    }
  }
  if (lines.length === 0) return null;
  const rules: Spec[] = [];
  const meanPose = measure(configs, { kind, variant: "keypointgan" }, headline(kind, "mean_pose"));
  if (meanPose.status === "measured") {
    rules.push({ series: "mean pose (test)", error: meanPose.mean });
  }
  const sup = measure(configs, { kind, variant: "supervised" }, headline(kind, "model"));
  if (sup.status === "measured") rules.push({ series: "supervised Φ∘η (test)", error: sup.mean });
  const color = {
    field: "series",
    type: "nominal",
    title: "variant / baseline",
    legend: { orient: "bottom", columns: 3, labelLimit: 320 },
  };
  return {
    id: `learning-${kind}`,
    title: `Learning curves (${kind})`,
    caption: "Held-out error of η(Φ(x)) on test frames during training (the train stage's " +
      "monitor, every evalEvery steps; the mean over seeds with a ±1 sd band), beside the " +
      "mean-pose baseline and the supervised Φ∘η's final test error (dashed).",
    spec: {
      $schema: SCHEMA,
      width: 560,
      height: 260,
      layer: [
        {
          data: { values: lines },
          mark: { type: "errorband", opacity: 0.2 },
          encoding: {
            x: { field: "step", type: "quantitative" },
            y: { field: "lo", type: "quantitative", title: "held-out error" },
            y2: { field: "hi" },
            color,
          },
        },
        {
          data: { values: lines },
          mark: { type: "line", point: true, strokeWidth: 1.5 },
          encoding: {
            x: { field: "step", type: "quantitative", title: "training step" },
            y: { field: "error", type: "quantitative", scale: { zero: false } },
            color,
            tooltip: [{ field: "series" }, { field: "step" }, {
              field: "error",
              format: ".3g",
            }, { field: "seeds" }],
          },
        },
        ...(rules.length > 0
          ? [{
            data: { values: rules },
            mark: { type: "rule", strokeDash: [6, 4], strokeWidth: 1.5 },
            encoding: { y: { field: "error", type: "quantitative" }, color },
          }]
          : []),
      ],
    },
  };
}
