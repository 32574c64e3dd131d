/**
 * Held-out monitoring during training: every `evalEvery` steps, predict p = η(Φ(x)) on a fixed,
 * evenly spaced subset of the test split and log the dataset's protocol error next to the
 * losses (`val_err`, and `val_err_min` for the flip-invariant human protocol). It reads the
 * test labels only to report; nothing it computes reaches a gradient, an RNG or a checkpoint,
 * so training is identical with monitoring on or off.
 *
 * @module
 */
import type { Dataset } from "../data/types.ts";
import type { PhiOutput } from "./arch.ts";
import { predictionSpread } from "../eval/baselines.ts";
import { evaluateProtocols } from "../eval/protocols.ts";
import { SKELETONS } from "../skeletons.ts";
import { tf } from "../tf.ts";
import { keypointRegressor, poseEncoder } from "./networks.ts";
import { type RenderOptions, renderSkeleton } from "./render.ts";
import type { ParamStore } from "./params.ts";

/**
 * η's error on perfectly rendered test poses, p = η(β(p_gt)): the floor of KeypointGAN's error
 * (Φ can at best produce β(p_gt)). Same protocol and keys as the training monitor.
 */
export function regressorFloor(
  store: ParamStore,
  ds: Dataset,
  edges: readonly (readonly [number, number])[],
  render: RenderOptions,
  frames: number,
): Record<string, number> {
  const test = ds.test, h = ds.header, k = h.numPoints;
  if (frames <= 0 || test.count === 0) return {};
  const idx = spread(test.count, frames);
  const gt = new Float32Array(idx.length * k * 2);
  const activity = new Int32Array(idx.length);
  idx.forEach((j, i) => {
    gt.set(test.keypoints.subarray(j * k * 2, (j + 1) * k * 2), i * k * 2);
    activity[i] = test.activity[j];
  });
  const pred = new Float32Array(gt.length);
  for (let a = 0; a < idx.length; a += 64) {
    const n = Math.min(64, idx.length - a);
    pred.set(
      tf.tidy(() => {
        const p = tf.tensor3d(gt.subarray(a * k * 2, (a + n) * k * 2), [n, k, 2]);
        return keypointRegressor(store, renderSkeleton(p, edges, h.imageSize, render)).dataSync();
      }),
      a * k * 2,
    );
  }
  return scoreKeypoints(ds, pred, gt, activity);
}

/** The headline protocol error (and its flip-invariant flavour) of predictions vs labels. */
function scoreKeypoints(
  ds: Dataset,
  pred: Float32Array,
  gt: Float32Array,
  activity: Int32Array,
): Record<string, number> {
  const h = ds.header, k = h.numPoints, count = activity.length;
  if (SKELETONS[h.kind].numPoints !== k) {
    return { val_err: meanError(pred, gt), val_spread: predictionSpread(pred, gt, count, k) };
  }
  const ctx = {
    activity,
    activities: h.activities,
    imageSize: h.imageSize,
    originalSize: h.originalSize,
  };
  const scores = evaluateProtocols(
    h.kind,
    { xy: pred, count, numPoints: k },
    { xy: gt, count, numPoints: k },
    ctx,
  );
  const head = scores[0];
  const min = scores.find((x) => x.protocol === head.protocol && x.flip === "min");
  return {
    val_err: head.all,
    ...(min && min !== head ? { val_err_min: min.all } : {}),
    // 0 = one pose for every image (collapse), 1 = as varied as the labels.
    val_spread: predictionSpread(pred, gt, count, k),
  };
}

/** Computes the monitored errors for the current weights. */
export type Monitor = (store: ParamStore) => Record<string, number>;

const EVAL = { training: false } as const;

/** Evenly spaced frame indices of a split (all activities are represented). */
function spread(count: number, frames: number): number[] {
  const n = Math.min(count, frames);
  return Array.from({ length: n }, (_, i) => Math.floor((i * count) / n));
}

/** A monitor over `frames` test frames of `ds`, or null when `frames` is 0 or the split is empty. */
export function makeMonitor(
  ds: Dataset,
  frames: number,
  batch = 64,
  phiOutput: PhiOutput = "linear",
): Monitor | null {
  const test = ds.test, h = ds.header;
  if (frames <= 0 || test.count === 0) return null;
  const idx = spread(test.count, frames);
  const s = h.imageSize, k = h.numPoints, px = s * s * 3;
  const images = new Uint8Array(idx.length * px); // [n, S, S, 3]
  const gt = new Float32Array(idx.length * k * 2); // [n, K, 2]
  const activity = new Int32Array(idx.length);
  idx.forEach((j, i) => {
    images.set(test.images.subarray(j * px, (j + 1) * px), i * px);
    gt.set(test.keypoints.subarray(j * k * 2, (j + 1) * k * 2), i * k * 2);
    activity[i] = test.activity[j];
  });
  return (store) => {
    const pred = new Float32Array(gt.length);
    for (let a = 0; a < idx.length; a += batch) {
      const n = Math.min(batch, idx.length - a);
      const out = tf.tidy(() => {
        const x = tf.sub(
          tf.div(
            tf.tensor4d(images.subarray(a * px, (a + n) * px), [n, s, s, 3], "float32"),
            127.5,
          ),
          1,
        ) as tf.Tensor4D; // [n, S, S, 3] in [-1, 1]
        return keypointRegressor(store, poseEncoder(store, x, EVAL, phiOutput)).dataSync();
      });
      pred.set(out, a * k * 2);
    }
    return scoreKeypoints(ds, pred, gt, activity);
  };
}

/** Mean L2 over all points in [0, 1] units ×100 (for layouts no protocol knows). */
function meanError(pred: Float32Array, gt: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < gt.length; i += 2) {
    sum += Math.hypot(pred[i] - gt[i], pred[i + 1] - gt[i + 1]);
  }
  return (sum / (gt.length / 2)) * 50;
}
