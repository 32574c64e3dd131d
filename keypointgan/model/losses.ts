/**
 * Loss terms (digest §4). Each takes and returns tensors; the training step weights them.
 *
 * @module
 */
import { tf } from "../tf.ts";

/** Mean squared error over all elements (PyTorch `MSELoss`). */
export function mse(a: tf.Tensor, b: tf.Tensor | number): tf.Scalar {
  return tf.mean(tf.squaredDifference(a, b));
}

/** Mean absolute error over all elements (PyTorch `L1Loss`). */
export function l1(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.mean(tf.abs(tf.sub(a, b)));
}

/** LSGAN: mean over scales of MSE(D_s(·), target), target 1 = real, 0 = fake (digest §4). */
export function lsgan(outputs: readonly tf.Tensor[], target: 0 | 1): tf.Scalar {
  const terms = outputs.map((o) => mse(o, target));
  return tf.div(tf.addN(terms), terms.length);
}

/** D's loss: 0.5 · [LSGAN(real, 1) + LSGAN(fake, 0)] (digest §4). */
export function discriminatorLoss(
  real: readonly tf.Tensor[],
  fake: readonly tf.Tensor[],
): tf.Scalar {
  return tf.mul(tf.add(lsgan(real, 1), lsgan(fake, 0)), 0.5);
}
