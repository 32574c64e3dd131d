/**
 * Keypoints of many images with a trained model, in batches (the `evaluate` stage's inference).
 *
 * @module
 */
import { predictKeypoints, type TrainedModel } from "../model/infer.ts";

/** Predictions for `n` images of `images`, `batch` at a time; non-finite output is an error. */
export function predictAll(
  model: TrainedModel,
  images: Uint8Array,
  n: number,
  batch: number,
  tick: (k: number) => void,
): Float32Array {
  const k = model.numPoints, px = images.length / Math.max(n, 1), out = new Float32Array(n * k * 2);
  for (let i = 0; i < n; i += batch) {
    const m = Math.min(batch, n - i);
    out.set(predictKeypoints(model, images.subarray(i * px, (i + m) * px), m), i * k * 2);
    tick(m);
  }
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new Error(`the model predicted ${out[bad]} for image ${Math.floor(bad / (k * 2))}`);
  }
  return out;
}
