/**
 * The marginal soft-argmax of η (digest §2.2, `extract_points`): x is the softmax over
 * columns of the row-averaged heatmap, weighted by linspace(−1, 1, W); y likewise with rows
 * and columns swapped. Not a 2-D softmax.
 *
 * @module
 */
import { tf } from "../tf.ts";

/**
 * @param heatmaps `[B, H, W, K]`
 * @returns keypoints `[B, K, 2]` as (x, y) in [−1, 1]
 */
export function softArgmax(heatmaps: tf.Tensor4D): tf.Tensor3D {
  return tf.tidy(() => {
    const [, h, w] = heatmaps.shape;
    const mx = tf.transpose(tf.mean(heatmaps, 1), [0, 2, 1]); // [B, K, W]
    const my = tf.transpose(tf.mean(heatmaps, 2), [0, 2, 1]); // [B, K, H]
    const x = tf.sum(tf.mul(tf.softmax(mx), tf.linspace(-1, 1, w)), -1); // [B, K]
    const y = tf.sum(tf.mul(tf.softmax(my), tf.linspace(-1, 1, h)), -1); // [B, K]
    return tf.stack([x, y], -1) as tf.Tensor3D;
  });
}
