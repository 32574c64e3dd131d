import assert from "node:assert/strict";
import type { Measurement } from "../keypointgan/eval/record.ts";
import { fixtureEvaluations } from "../tests/fixtures/evaluations.ts";
import { checkClaims, clearlyBelow } from "./claims.ts";
import type { EvaluationInput } from "./types.ts";

const verdicts = (inputs: EvaluationInput[]) =>
  Object.fromEntries(checkClaims(inputs).map((c) => [c.id, c.verdict]));

Deno.test("claims: every claim is judged on the full fixture, with evidence and refs", () => {
  const claims = checkClaims(fixtureEvaluations());
  assert.deepEqual(claims.map((c) => c.id), [
    "ablation-order/humans",
    "second-cycle/humans",
    "bottleneck-needs-conditional/humans",
    "conditional-alone/humans",
    "ablation-order/faces",
    "second-cycle/faces",
    "bottleneck-needs-conditional/faces",
    "prior-50/humans",
    "prior-50/faces",
    "beats-mean-pose/humans",
    "closes-half-gap/humans",
    "approaches-supervised/humans",
    "beats-mean-pose/faces",
    "closes-half-gap/faces",
    "approaches-supervised/faces",
    "beats-mean-pose/cats",
    "closes-half-gap/cats",
    "approaches-supervised/cats",
    "postprocess-lowers/faces",
    "cross-source-prior/humans",
  ]);
  const v = Object.fromEntries(claims.map((c) => [c.id, c]));
  assert.equal(v["ablation-order/humans"].verdict, "holds");
  assert.match(
    v["ablation-order/humans"].evidence,
    /^KeypointGAN 2\.\d\d ± 0\.\d\d \[E6–E8\]; \+ skeleton-bottleneck 3\.10 \[E5\]/,
  );
  assert.deepEqual(v["second-cycle/humans"].refs, ["E6", "E7", "E8", "E9"]);
  // the fixture's faces: KeypointGAN closes ~60 % of the mean-pose → supervised gap (< 75 %)
  assert.equal(v["approaches-supervised/faces"].verdict, "does not hold");
  assert.match(v["approaches-supervised/faces"].evidence, /gap closed 59\.\d %/);
  assert.equal(v["bottleneck-needs-conditional/faces"].verdict, "not measured in this run");
  assert.equal(
    v["bottleneck-needs-conditional/faces"].evidence,
    "bottleneck without conditional: not run",
  );
});

/** The fixture with one variant's headline errors multiplied by `factor`. */
function scaled(kind: string, variant: string, factor: number): EvaluationInput[] {
  return fixtureEvaluations().map((i) => {
    if (i.record.dataset.kind !== kind || i.record.model.variant !== variant) return i;
    const measurements = i.record.measurements.map((m): Measurement =>
      m.predictor === "model" ? { ...m, all: m.all * factor } : m
    );
    return { ...i, record: { ...i.record, measurements } };
  });
}

Deno.test("claims: a claim that fails on the data is reported as not holding", () => {
  // make the second cycle beneficial on faces: the paper's claim must then fail
  assert.equal(
    verdicts(scaled("faces", "keypointgan_cycle", 0.5))["second-cycle/faces"],
    "does not hold",
  );
  // + conditional 20 % better than CycleGAN: "does not help" no longer holds
  assert.equal(
    verdicts(scaled("humans", "conditional", 0.8))["conditional-alone/humans"],
    "does not hold",
  );
  // bottleneck better than KeypointGAN breaks the ordering
  assert.equal(
    verdicts(scaled("humans", "bottleneck", 0.5))["ablation-order/humans"],
    "does not hold",
  );
});

Deno.test("claims: a supervised model worse than the mean pose leaves no gap to close", () => {
  const c = checkClaims(scaled("humans", "supervised", 5)).find((x) =>
    x.id === "approaches-supervised/humans"
  )!;
  assert.equal(c.verdict, "does not hold");
  assert.match(
    c.evidence,
    /the supervised model does not beat the mean pose here: no gap to close$/,
  );
});

Deno.test("claims: with no evaluations nothing is claimed as holding", () => {
  const claims = checkClaims([]);
  assert.ok(claims.every((c) => c.verdict === "not measured in this run" && c.refs.length === 0));
});

/** The fixture with `collapse` set on one variant's records. */
function collapsedFixture(kind: string, variant: string): EvaluationInput[] {
  return fixtureEvaluations().map((i) => {
    if (i.record.dataset.kind !== kind || i.record.model.variant !== variant) return i;
    const collapse = { split: "test", spread: 0.05, threshold: 0.25, collapsed: true };
    return { ...i, record: { ...i.record, collapse } };
  });
}

Deno.test("claims: a collapsed KeypointGAN neither beats the mean pose nor closes the gap", () => {
  const ok = verdicts(fixtureEvaluations());
  assert.equal(ok["beats-mean-pose/humans"], "holds");
  assert.equal(ok["closes-half-gap/humans"], "holds");
  const bad = checkClaims(collapsedFixture("humans", "keypointgan"));
  const v = Object.fromEntries(bad.map((c) => [c.id, c]));
  assert.equal(v["beats-mean-pose/humans"].verdict, "does not hold");
  assert.equal(v["closes-half-gap/humans"].verdict, "does not hold");
  // the mark is in the evidence, beside the number (3 seeds, all collapsed)
  assert.match(
    v["beats-mean-pose/humans"].evidence,
    /KeypointGAN [\d.]+ ± [\d.]+ \(collapsed 3\/3\)/,
  );
});

Deno.test("claims: closes-half-gap compares the raw error with mean − ½ (mean − supervised)", () => {
  const c = checkClaims(fixtureEvaluations()).find((x) => x.id === "closes-half-gap/faces")!;
  assert.match(c.evidence, /target ≤ [\d.]+; gap closed 59\.\d %/);
  assert.equal(c.verdict, "holds");
  // KeypointGAN at 1.5× its error closes less than half of the gap
  assert.equal(
    verdicts(scaled("faces", "keypointgan", 1.5))["closes-half-gap/faces"],
    "does not hold",
  );
});

Deno.test("claims: with seeds, an ordering needs a gap larger than the pooled sd", () => {
  const m = (mean: number, sd: number | null) => ({
    status: "measured" as const,
    mean,
    sd,
    values: sd === null ? [mean] : [mean - sd, mean, mean + sd],
    refs: [],
  });
  assert.equal(clearlyBelow(m(2, null), m(2.01, null)), true);
  assert.equal(clearlyBelow(m(2, 0.5), m(2.3, 0.5)), false);
  assert.equal(clearlyBelow(m(2, 0.1), m(2.3, 0.1)), true);
  assert.equal(clearlyBelow(m(2.3, 0.1), m(2, 0.1)), false);
});
