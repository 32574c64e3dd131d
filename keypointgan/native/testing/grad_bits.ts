/**
 * Prints a digest of the bits of a few convolutions, their gradients and a matmul computed on the
 * `native` backend, for `threads_test.ts`, which runs it under several thread counts.
 * Prints `skip: <reason>` when the native backend cannot load here.
 */
import { createHash } from "node:crypto";
import { nativeSkipReason, rand } from "../test_util.ts";
import { tf } from "../../tf.ts";

if (nativeSkipReason !== undefined) {
  console.log(`skip: ${nativeSkipReason}`);
} else {
  await tf.setBackend("native");
  const hash = createHash("sha256");
  const add = (t: tf.Tensor) => hash.update(new Uint8Array(t.dataSync().slice().buffer));
  // The small tier's shapes: wide-and-short (64 px, 4 ch) and deep-and-small (8 px, 64 ch),
  // and the direct-convolution path (few channels: the 7×7 3→4 input conv, an odd 5×5 4→3).
  const shapes = [
    [8, 64, 4, 8, 3],
    [8, 8, 64, 64, 4],
    [16, 32, 16, 16, 3],
    [8, 64, 3, 4, 7],
    [3, 37, 4, 3, 5],
  ];
  for (const [b, s, cin, cout, k] of shapes) {
    const x = tf.tensor4d(rand(b * s * s * cin, s + cin), [b, s, s, cin]);
    const dy = tf.tensor4d(rand(b * s * s * cout, s + cout), [b, s, s, cout]);
    const w = tf.tensor4d(rand(k * k * cin * cout, k + cout), [k, k, cin, cout]);
    const f = (xx: tf.Tensor, ww: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 1, "same"), dy));
    add(tf.conv2d(x, w, 1, "same")); // Conv2D
    for (const g of tf.grads(f)([x, w])) add(g); // Conv2DBackpropInput, Conv2DBackpropFilter
  }
  const a = tf.tensor2d(rand(512 * 300, 1), [512, 300]);
  add(tf.matMul(a, tf.tensor2d(rand(300 * 200, 2), [300, 200])));
  console.log(hash.digest("hex"));
}
