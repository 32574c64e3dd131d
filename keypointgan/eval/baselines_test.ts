import assert from "node:assert/strict";
import { COLLAPSE_SPREAD, meanPose, predictionSpread, tilePose } from "./baselines.ts";

// Three images of two keypoints `[3, 2, 2]`.
const GT = Float32Array.from([0, 0, 1, 1, 0.5, 0, 1, 0.5, -0.5, 0.2, 0.3, -1]);

Deno.test("predictionSpread: 1 for the labels themselves, 0 for one pose everywhere", () => {
  assert.equal(predictionSpread(GT, GT, 3, 2), 1);
  const mean = tilePose(meanPose(GT, 3, 2), 3);
  assert.equal(predictionSpread(mean, GT, 3, 2), 0);
  assert.ok(0 < COLLAPSE_SPREAD && COLLAPSE_SPREAD < 1);
});

Deno.test("predictionSpread: shrinking predictions towards their mean scales the spread", () => {
  const m = meanPose(GT, 3, 2);
  const shrunk = GT.map((v, i) => m[i % 4] + 0.1 * (v - m[i % 4]));
  assert.ok(Math.abs(predictionSpread(shrunk, GT, 3, 2) - 0.1) < 1e-6);
  assert.ok(predictionSpread(shrunk, GT, 3, 2) < COLLAPSE_SPREAD);
});
