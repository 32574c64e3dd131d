import assert from "node:assert/strict";
import { fixtureEvaluations } from "../tests/fixtures/evaluations.ts";
import { figureRefs } from "./figure_select.ts";

Deno.test("figureRefs: main = first KeypointGAN and CycleGAN seed per dataset at the full prior", () => {
  const inputs = fixtureEvaluations();
  const label = (ref: string) =>
    inputs.find((i) => i.provenance.ref === ref)!.provenance.variants[0];
  assert.deepEqual([...figureRefs(inputs, "main")].map(label).sort(), [
    "cats/keypointgan",
    "faces/cyclegan/seed=1",
    "faces/keypointgan/seed=1",
    "humans/cyclegan/seed=1",
    "humans/keypointgan/seed=1",
    "humans/mocap-prior",
  ]);
  assert.equal(figureRefs(inputs, "all").size, inputs.length);
  assert.equal(figureRefs(inputs, "none").size, 0);
});
