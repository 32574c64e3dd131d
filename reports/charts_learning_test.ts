import assert from "node:assert/strict";
import { fixtureEvaluations } from "../tests/fixtures/evaluations.ts";
import { learningChart } from "./charts_learning.ts";
import type { EvaluationInput } from "./types.ts";

/** The fixture with a learning curve on every humans KeypointGAN seed (seed i: error − i). */
function withCurves(): EvaluationInput[] {
  let seed = 0;
  return fixtureEvaluations().map((i) => {
    const r = i.record;
    if (r.dataset.kind !== "humans" || r.model.variant !== "keypointgan" || r.model.priorSize) {
      return i;
    }
    const s = seed++;
    const heldOut = {
      metric: "val_err_min",
      step: [100, 200, 300],
      error: [20 - s, 12 - s, 10 - s],
      spread: [0.5, 0.8, 0.9],
    };
    return { ...i, record: { ...r, heldOut } };
  });
}

Deno.test("learning chart: none without held-out curves", () => {
  assert.equal(learningChart(fixtureEvaluations(), "humans"), null);
});

Deno.test("learning chart: the mean over seeds with its sd, and the baseline rules", () => {
  const c = learningChart(withCurves(), "humans")!;
  assert.equal(c.id, "learning-humans");
  const layers = c.spec.layer as { data: { values: Record<string, unknown>[] } }[];
  const line = layers[1].data.values.filter((v) => v.series === "keypointgan");
  assert.deepEqual(line.map((v) => v.step), [100, 200, 300]);
  const seeds = line[0].seeds as number;
  assert.ok(seeds >= 2, `${seeds} seeds`);
  // seeds 0..n−1 at 20 − i: mean 20 − (n − 1)/2
  assert.ok(Math.abs((line[0].error as number) - (20 - (seeds - 1) / 2)) < 1e-9);
  assert.ok((line[0].hi as number) > (line[0].lo as number));
  const rules = layers[2].data.values.map((v) => v.series);
  assert.deepEqual(rules, ["mean pose (test)", "supervised Φ∘η (test)"]);
});

Deno.test("learning chart: a preset with an overridden flag is its own series", () => {
  const curve = { metric: "val_err_min", step: [100, 200], error: [9, 8], spread: [0.8, 0.8] };
  const base = withCurves().find((i) =>
    i.record.dataset.kind === "humans" && i.record.model.variant === "keypointgan" &&
    !i.record.model.priorSize
  )!;
  // Distinct artifacts with distinct params: two configurations of the `bottleneck` preset.
  const as = (flags: Record<string, unknown>, key: string): EvaluationInput => ({
    ...base,
    provenance: { ...base.provenance, ref: key, artifactKey: key },
    record: {
      ...base.record,
      heldOut: curve,
      model: {
        ...base.record.model,
        variant: "bottleneck",
        flags: { ...base.record.model.flags, ...flags },
        artifactKey: key,
        params: { ...base.record.model.params, variant: "bottleneck", ...flags },
      },
    },
  });
  const inputs = [
    ...withCurves(),
    as({ conditional: true, bottleneck: true, secondCycle: "bottleneck" }, "b1"),
    as({ conditional: false, bottleneck: true, secondCycle: "bottleneck" }, "b2"),
  ];
  const layers = learningChart(inputs, "humans")!.spec.layer as {
    data: { values: Record<string, unknown>[] };
  }[];
  const series = new Set(layers[1].data.values.map((v) => v.series));
  assert.ok(series.has("bottleneck"), [...series].join(", "));
  assert.ok(series.has("bottleneck (conditional false)"), [...series].join(", "));
});
