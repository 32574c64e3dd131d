import assert from "node:assert/strict";
import type { Dataset, Split } from "../data/types.ts";
import { condenseCurves, parseJsonLines } from "./curves.ts";
import { gatherRows, scorePredictions, stridedIndices } from "./score.ts";

/** A tiny cats dataset whose keypoints are random-ish but deterministic. */
function catSplit(count: number, offset: number): Split {
  const keypoints = Float32Array.from(
    { length: count * 9 * 2 },
    (_, i) => Math.sin(i * 1.7 + offset) * 0.8,
  );
  const zeros = () => new Int32Array(count);
  return {
    count,
    images: new Uint8Array(count * 4 * 4 * 3),
    keypoints,
    video: zeros(),
    frame: zeros(),
    activity: zeros(),
    subject: zeros(),
  };
}

function catDataset(): Dataset {
  return {
    header: {
      format: "keypointgan-dataset",
      formatVersion: 1,
      kind: "cats",
      name: "cats-test",
      imageSize: 4,
      numPoints: 9,
      skeleton: "cat9",
      pairMode: "video",
      maxGap: 1,
      activities: [],
      subjects: ["s0"],
      originalSize: 4,
      extraSplits: [],
      evalSplits: ["test"],
      postprocessSplit: "train",
      source: {},
      arrays: {},
    },
    train: catSplit(40, 0),
    test: catSplit(10, 100),
    prior: {
      count: 0,
      keypoints: new Float32Array(),
      video: new Int32Array(),
      frame: new Int32Array(),
      source: "test",
    },
    extra: {},
  };
}

/** Applies a fixed linear distortion to every keypoint (x' = 0.8x + 0.3y, y' = −0.2x + 1.1y). */
function distort(xy: Float32Array): Float32Array {
  const out = new Float32Array(xy.length);
  for (let i = 0; i < xy.length; i += 2) {
    out[i] = 0.8 * xy[i] + 0.3 * xy[i + 1];
    out[i + 1] = -0.2 * xy[i] + 1.1 * xy[i + 1];
  }
  return out;
}

Deno.test("scorePredictions: post-processing undoes a linear distortion; baseline and train scored", () => {
  const ds = catDataset();
  const fitIndices = stridedIndices(ds.train.count, 30);
  const preds = {
    eval: { test: distort(ds.test.keypoints) },
    fit: distort(gatherRows(ds.train.keypoints, 18, fitIndices)),
    fitIndices,
  };
  const { measurements, postprocess } = scorePredictions(ds, preds);
  assert.equal(postprocess.status, "fitted");
  const get = (p: string, s: string) =>
    measurements.find((m) => m.predictor === p && m.split === s)!;
  assert.ok(get("model", "test").all > 1, "the distorted predictions are wrong");
  assert.ok(get("model+postprocess", "test").all < 1e-3, "post-processing recovers them");
  assert.ok(get("mean_pose", "test").all > 1);
  assert.equal(get("model", "train").count, 30);
  assert.deepEqual(measurements.map((m) => `${m.predictor}/${m.split}`), [
    "model/test",
    "mean_pose/test",
    "model+postprocess/test",
    "model/train",
  ]);
});

Deno.test("scorePredictions: too few training frames records a failed fit, keeps the rest", () => {
  const ds = catDataset();
  const fitIndices = stridedIndices(ds.train.count, 5); // 5 samples for an 18-dim map
  const preds = {
    eval: { test: ds.test.keypoints },
    fit: gatherRows(ds.train.keypoints, 18, fitIndices),
    fitIndices,
  };
  const { measurements, postprocess } = scorePredictions(ds, preds);
  assert.equal(postprocess.status, "failed");
  assert.match((postprocess as { message: string }).message, /at least 18 samples/);
  assert.equal(measurements.find((m) => m.predictor === "model")!.all, 0);
});

Deno.test("stridedIndices and gatherRows", () => {
  assert.deepEqual(stridedIndices(10, 4), [0, 2, 5, 7]);
  assert.deepEqual(stridedIndices(3, 0), [0, 1, 2]);
  assert.deepEqual(Array.from(gatherRows(new Float32Array([0, 1, 2, 3, 4, 5]), 2, [2, 0])), [
    4,
    5,
    0,
    1,
  ]);
});

Deno.test("curves: jsonl parsing names the bad line; condensing averages buckets", () => {
  assert.throws(() => parseJsonLines('{"step":1}\n{oops', "m.jsonl"), /m\.jsonl:2: not JSON/);
  assert.throws(
    () => parseJsonLines('{"loss":1}', "m.jsonl"),
    /m\.jsonl:1: expected a numeric "step"/,
  );
  const rows = parseJsonLines(
    [1, 2, 3, 4].map((s) => JSON.stringify({ step: s, t: 0, a: s * 10, b: s === 4 ? null : 1 }))
      .join("\n"),
    "m.jsonl",
  );
  const c = condenseCurves(rows, ["a", "b"], 2);
  assert.deepEqual(c.step, [2, 4]); // mean of steps 1,2 rounds to 2; of 3,4 to 4
  assert.deepEqual(c.values, { a: [15, 35], b: [1, 1] });
  assert.deepEqual(condenseCurves([], ["a"]).step, []);
});

Deno.test("scorePredictions: every evaluation split is scored; the map comes from postprocessSplit", () => {
  const base = catDataset();
  const ds: Dataset = {
    ...base,
    header: {
      ...base.header,
      extraSplits: ["helen-train", "helen-test"],
      evalSplits: ["test", "helen-test"],
      postprocessSplit: "helen-train",
    },
    extra: { "helen-train": catSplit(30, 7), "helen-test": catSplit(6, 9) },
  };
  const fitIndices = stridedIndices(30, 0);
  const preds = {
    eval: {
      test: distort(ds.test.keypoints),
      "helen-test": distort(ds.extra["helen-test"].keypoints),
    },
    fit: distort(ds.extra["helen-train"].keypoints),
    fitIndices,
  };
  const s = scorePredictions(ds, preds);
  assert.equal(s.postprocess.split, "helen-train");
  assert.ok(s.map !== null);
  assert.deepEqual(s.measurements.map((m) => `${m.predictor}/${m.split}`), [
    "model/test",
    "mean_pose/test",
    "model+postprocess/test",
    "model/helen-test",
    "mean_pose/helen-test",
    "model+postprocess/helen-test",
    "model/helen-train",
  ]);
  const pp = s.measurements.find((m) =>
    m.predictor === "model+postprocess" && m.split === "helen-test"
  )!;
  assert.ok(pp.all < 1e-3);
  assert.throws(
    () =>
      scorePredictions({ ...ds, header: { ...ds.header, evalSplits: ["test", "nope"] } }, preds),
    /has no split "nope" \(it has: train, test, helen-train, helen-test\)/,
  );
});
