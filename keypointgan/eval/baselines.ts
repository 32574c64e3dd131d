/**
 * Reference predictors measured on the same test split as the model.
 *
 * The mean-pose baseline predicts, for every test image, the mean of the training split's
 * ground-truth keypoints: any useful pose recogniser must beat it. (The supervised upper bound,
 * the paper's "Newell et al." analogue, is a trained model: the `supervised` train variant.)
 *
 * @module
 */

/** Mean of `[N, K, 2]` keypoints over N, as `[K, 2]` (float64 accumulation). */
export function meanPose(
  keypoints: ArrayLike<number>,
  count: number,
  numPoints: number,
): Float32Array {
  if (count <= 0) throw new Error("mean pose: the training split has no labelled frames");
  if (keypoints.length !== count * numPoints * 2) {
    throw new Error(`mean pose: expected ${count}×${numPoints}×2 values, got ${keypoints.length}`);
  }
  const sum = new Float64Array(numPoints * 2);
  for (let i = 0; i < keypoints.length; i++) sum[i % sum.length] += keypoints[i];
  return Float32Array.from(sum, (s) => s / count);
}

/** The same `[K, 2]` pose repeated for `count` images, as `[count, K, 2]`. */
export function tilePose(pose: Float32Array, count: number): Float32Array {
  const out = new Float32Array(count * pose.length);
  for (let i = 0; i < count; i++) out.set(pose, i * pose.length);
  return out;
}
