/**
 * Scores a model's predictions on a dataset: every protocol that applies on every evaluation
 * split (`header.evalSplits`, "test" first), with and without supervised post-processing, and
 * the mean-pose baseline on the same splits. Pure — the `evaluate` stage runs the model and
 * hands the predictions in.
 *
 * Both the post-processing map and the mean pose come from the labelled split named by
 * `header.postprocessSplit` (the training split for synthetic data; e.g. 300-W train for real
 * faces): the "training labels" of the protocol (digest §6.5).
 *
 * @module
 */
import type { Dataset, Split } from "../data/types.ts";
import { COLLAPSE_SPREAD, meanPose, predictionSpread, tilePose } from "./baselines.ts";
import { evaluateProtocols } from "./protocols.ts";
import type { EvaluationRecord, Measurement, Predictor } from "./record.ts";
import { applyLinearMap, fitLinearMap, IllPosedFitError, type LinearMap } from "./regression.ts";

/** Up to `max` indices spread evenly over `[0, count)` (all of them when `max` is 0 or ≥ count). */
export function stridedIndices(count: number, max: number): number[] {
  const n = max > 0 ? Math.min(max, count) : count;
  return Array.from({ length: n }, (_, i) => Math.floor((i * count) / n));
}

/** Rows `indices` of a `[N, …]` array with `row` values per item. */
export function gatherRows<T extends Float32Array | Uint8Array | Int32Array>(
  data: T,
  row: number,
  indices: readonly number[],
): T {
  const out = new (data.constructor as { new (n: number): T })(indices.length * row);
  indices.forEach((idx, i) => out.set(data.subarray(idx * row, (idx + 1) * row), i * row));
  return out;
}

/** A split of the dataset by name ("train", "test" or an extra split); a clear error otherwise. */
export function splitByName(dataset: Dataset, name: string): Split {
  if (name === "train") return dataset.train;
  if (name === "test") return dataset.test;
  const split = dataset.extra[name];
  if (!split) {
    const known = ["train", "test", ...Object.keys(dataset.extra)].join(", ");
    throw new Error(`dataset "${dataset.header.name}" has no split "${name}" (it has: ${known})`);
  }
  return split;
}

/** The frames of `split` at `indices`, with their ground truth and activities. */
export function subsetSplit(
  split: Split,
  numPoints: number,
  imageSize: number,
  indices: readonly number[],
): Split {
  return {
    count: indices.length,
    images: gatherRows(split.images, imageSize * imageSize * 3, indices),
    keypoints: gatherRows(split.keypoints, numPoints * 2, indices),
    video: gatherRows(split.video, 1, indices),
    frame: gatherRows(split.frame, 1, indices),
    activity: gatherRows(split.activity, 1, indices),
    subject: gatherRows(split.subject, 1, indices),
  };
}

/** What the model predicted. */
export interface Predictions {
  /** Evaluation split name → `[N, K, 2]` predictions on all its frames. */
  readonly eval: Readonly<Record<string, Float32Array>>;
  /** `[fitIndices.length, K, 2]` predictions on frames `fitIndices` of the post-processing split. */
  readonly fit: Float32Array;
  readonly fitIndices: readonly number[];
}

/** Result of {@link scorePredictions}: the record's scores and the fitted map (null if failed). */
export type Scores = Pick<EvaluationRecord, "measurements" | "postprocess" | "collapse"> & {
  readonly map: LinearMap | null;
};

function scoreSplit(
  dataset: Dataset,
  name: string,
  split: Split,
  predictor: Predictor,
  xy: Float32Array,
) {
  const h = dataset.header, k = h.numPoints;
  const scores = evaluateProtocols(h.kind, { count: split.count, numPoints: k, xy }, {
    count: split.count,
    numPoints: k,
    xy: split.keypoints,
  }, {
    activity: split.activity,
    activities: h.activities,
    imageSize: h.imageSize,
    originalSize: h.originalSize,
  });
  return scores.map((s): Measurement => ({ ...s, predictor, split: name }));
}

/**
 * Scores predictions: on every evaluation split the model, the mean pose and the model with
 * post-processing; and the model on the post-processing split's frames (the "train" error).
 */
export function scorePredictions(dataset: Dataset, preds: Predictions, ridge = 0): Scores {
  const h = dataset.header, k = h.numPoints;
  const fitName = h.postprocessSplit;
  const fitSplit = subsetSplit(splitByName(dataset, fitName), k, h.imageSize, preds.fitIndices);
  const m = fitSplit.count;
  let map: ReturnType<typeof fitLinearMap> | string;
  try {
    map = fitLinearMap(preds.fit, fitSplit.keypoints, m, k * 2, k * 2, { ridge });
  } catch (e) {
    // A singular fit is a property of the predictions, not a bug: record it and keep the rest.
    if (!(e instanceof IllPosedFitError)) throw e;
    map = e.message;
  }
  const mean = meanPose(fitSplit.keypoints, m, k);
  const measurements: Measurement[] = [];
  for (const name of h.evalSplits) {
    const split = splitByName(dataset, name), xy = preds.eval[name];
    if (!xy) throw new Error(`no predictions for evaluation split "${name}"`);
    measurements.push(...scoreSplit(dataset, name, split, "model", xy));
    measurements.push(
      ...scoreSplit(dataset, name, split, "mean_pose", tilePose(mean, split.count)),
    );
    if (typeof map !== "string") {
      measurements.push(
        ...scoreSplit(
          dataset,
          name,
          split,
          "model+postprocess",
          applyLinearMap(map, xy, split.count),
        ),
      );
    }
  }
  if (m > 0) measurements.push(...scoreSplit(dataset, fitName, fitSplit, "model", preds.fit));
  const first = splitByName(dataset, h.evalSplits[0]);
  const spread = predictionSpread(preds.eval[h.evalSplits[0]], first.keypoints, first.count, k);
  const collapse = {
    split: h.evalSplits[0],
    spread,
    threshold: COLLAPSE_SPREAD,
    collapsed: spread < COLLAPSE_SPREAD,
  };
  const postprocess = typeof map === "string"
    ? { status: "failed" as const, split: fitName, trainFrames: m, message: map }
    : { status: "fitted" as const, split: fitName, trainFrames: m, ridge };
  return { measurements, postprocess, collapse, map: typeof map === "string" ? null : map };
}
