import assert from "node:assert/strict";
import { tf } from "../tf.ts";

/** Max |a − b| of two tensors. */
function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

Deno.test("conv2d: numeric padding equals tf.pad + 'valid' (PyTorch padding), values and gradients", () => {
  for (
    const [size, k, stride, pad] of [[8, 3, 1, 1], [8, 3, 2, 1], [9, 3, 2, 1], [10, 4, 2, 1], [
      7,
      4,
      1,
      1,
    ], [16, 7, 1, 3]]
  ) {
    tf.tidy(() => {
      const x = tf.randomNormal([2, size, size, 3], 0, 1, "float32", 1) as tf.Tensor4D;
      const w = tf.randomNormal([k, k, 3, 5], 0, 1, "float32", 2) as tf.Tensor4D;
      const numeric = (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad)));
      const explicit = (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.square(
            tf.conv2d(
              tf.pad(a as tf.Tensor4D, [[0, 0], [pad, pad], [pad, pad], [0, 0]]),
              b as tf.Tensor4D,
              stride,
              "valid",
            ),
          ),
        );
      const ga = tf.grads(numeric)([x, w]), gb = tf.grads(explicit)([x, w]);
      const where = `size ${size} k ${k} stride ${stride} pad ${pad}`;
      assert.ok(
        maxDiff(
          tf.conv2d(x, w, stride, pad),
          tf.conv2d(tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]]), w, stride, "valid"),
        ) < 1e-4,
        where,
      );
      assert.ok(maxDiff(ga[0], gb[0]) < 1e-3, `dx ${where}`);
      assert.ok(maxDiff(ga[1], gb[1]) < 1e-2, `dw ${where}`);
    });
  }
});
