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

/**
 * Below this spread a model's predictions count as collapsed (one pose for every image): its
 * predictions vary less than a quarter as much as the labels do. Φ collapsing to one skeleton is
 * the failure mode of the GAN variants (issue 15); the mean pose has spread 0.
 */
export const COLLAPSE_SPREAD = 0.25;

/**
 * The spread of predictions relative to the labels: Σ_{j,c} sd(pred_{·,j,c}) / Σ_{j,c}
 * sd(gt_{·,j,c}) over the `count` images of `[count, K, 2]` arrays (0 = the same pose for every
 * image, 1 = as varied as the labels). Collapse is detected, not hidden, with it.
 */
export function predictionSpread(
  pred: ArrayLike<number>,
  gt: ArrayLike<number>,
  count: number,
  numPoints: number,
): number {
  const sd = (a: ArrayLike<number>): number => {
    const d = numPoints * 2, mean = new Float64Array(d), sq = new Float64Array(d);
    for (let i = 0; i < count * d; i++) mean[i % d] += a[i] / count;
    for (let i = 0; i < count * d; i++) sq[i % d] += (a[i] - mean[i % d]) ** 2 / count;
    return sq.reduce((s, v) => s + Math.sqrt(v), 0);
  };
  const g = sd(gt);
  return g > 0 ? sd(pred) / g : 0;
}
