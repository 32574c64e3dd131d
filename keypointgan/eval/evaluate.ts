/**
 * Scores a model's predictions on a dataset: every protocol that applies, with and without
 * supervised post-processing, and the mean-pose baseline on the same test split. Pure — the
 * `evaluate` stage runs the model and hands the predictions in.
 *
 * @module
 */
import type { Dataset, Split } from "../data/types.ts";
import { meanPose, tilePose } from "./baselines.ts";
import { evaluateProtocols, type SplitContext } from "./protocols.ts";
import type { EvaluationRecord, Measurement, Predictor } from "./record.ts";
import { applyLinearMap, fitLinearMap, IllPosedFitError } from "./regression.ts";

/** Up to `max` indices spread evenly over `[0, count)` (all of them when `max` is 0 or ≥ count). */
export function stridedIndices(count: number, max: number): number[] {
  const n = max > 0 ? Math.min(max, count) : count;
  return Array.from({ length: n }, (_, i) => Math.floor((i * count) / n));
}

/** Rows `indices` of a `[N, …]` array with `row` values per item. */
export function gatherRows<T extends Float32Array | Uint8Array>(
  data: T,
  row: number,
  indices: readonly number[],
): T {
  const out = new (data.constructor as { new (n: number): T })(indices.length * row);
  indices.forEach((idx, i) => out.set(data.subarray(idx * row, (idx + 1) * row), i * row));
  return out;
}

/** What the model predicted: on the test split, and on `trainIndices` of the training split. */
export interface Predictions {
  /** [Ntest, K, 2] */
  readonly test: Float32Array;
  /** [trainIndices.length, K, 2] */
  readonly train: Float32Array;
  readonly trainIndices: readonly number[];
}

function splitContext(dataset: Dataset, split: Split): SplitContext {
  const h = dataset.header;
  return {
    activity: split.activity,
    activities: h.activities,
    imageSize: h.imageSize,
    originalSize: h.originalSize,
  };
}

/** Result of {@link scorePredictions}. */
export type Scores = Pick<EvaluationRecord, "measurements" | "postprocess">;

/**
 * Scores predictions: model on test and train frames, mean pose on test, and the model with
 * post-processing (a bias-free linear map fitted on the training frames' labels) on test.
 */
export function scorePredictions(dataset: Dataset, preds: Predictions, ridge = 0): Scores {
  const { header, train, test } = dataset;
  const k = header.numPoints, n = test.count, m = preds.trainIndices.length;
  const score = (predictor: Predictor, split: "test" | "train", xy: Float32Array, gt: Split) => {
    const count = split === "test" ? n : m;
    const gtXy = split === "test"
      ? gt.keypoints
      : gatherRows(gt.keypoints, k * 2, preds.trainIndices);
    const ctx = splitContext(dataset, gt);
    const activity = split === "test" ? gt.activity : preds.trainIndices.map((i) => gt.activity[i]);
    return evaluateProtocols(
      header.kind,
      { count, numPoints: k, xy },
      { count, numPoints: k, xy: gtXy },
      { ...ctx, activity },
    ).map((s): Measurement => ({ ...s, predictor, split }));
  };
  const measurements = [
    ...score("model", "test", preds.test, test),
    ...score("mean_pose", "test", tilePose(meanPose(train.keypoints, train.count, k), n), test),
  ];
  if (m > 0) measurements.push(...score("model", "train", preds.train, train));
  try {
    const gt = gatherRows(train.keypoints, k * 2, preds.trainIndices);
    const map = fitLinearMap(preds.train, gt, m, k * 2, k * 2, { ridge });
    measurements.push(
      ...score("model+postprocess", "test", applyLinearMap(map, preds.test, n), test),
    );
    return { measurements, postprocess: { status: "fitted", trainFrames: m, ridge } };
  } catch (e) {
    // A singular fit is a property of the predictions, not a bug: record it and keep the rest.
    if (!(e instanceof IllPosedFitError)) throw e;
    return { measurements, postprocess: { status: "failed", trainFrames: m, message: e.message } };
  }
}
