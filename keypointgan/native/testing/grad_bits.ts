/**
 * Prints a digest of the bits of a few convolutions, their gradients, a matmul, the fused
 * normalisation and β's fused edge images (forward and gradient) computed on the `native` backend, for
 * `threads_test.ts`, which runs it under several thread counts.
 * Prints `skip: <reason>` when the native backend cannot load here.
 */
import { createHash } from "node:crypto";
import { nativeSkipReason, rand } from "../test_util.ts";
import { tf } from "../../tf.ts";
import { normalize } from "../../model/layers.ts";
import { renderSkeleton } from "../../model/render.ts";

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
  // Φ's stride-2 4 → 8 conv at 64 px, batch 8 (a GEMM cut into chunks): with a cut that
  // depended on the threads, its last short chunk ran through OpenBLAS's small-matrix kernels.
  {
    const x = tf.tensor4d(rand(8 * 64 * 64 * 4, 11), [8, 64, 64, 4]);
    const w = tf.tensor4d(rand(9 * 4 * 8, 12), [3, 3, 4, 8]);
    const dy = tf.tensor4d(rand(8 * 32 * 32 * 8, 13), [8, 32, 32, 8]);
    const f = (xx: tf.Tensor, ww: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 2, 1), dy));
    add(tf.conv2d(x, w, 2, 1));
    for (const g of tf.grads(f)([x, w])) add(g);
  }
  const a = tf.tensor2d(rand(512 * 300, 1), [512, 300]);
  add(tf.matMul(a, tf.tensor2d(rand(300 * 200, 2), [300, 200])));
  // Rows split into parts: each part's M·N·K crosses OpenBLAS's small-matrix threshold (100³)
  // between 1 and 2 threads unless the split is fixed.
  add(
    tf.matMul(tf.tensor2d(rand(8192 * 36, 3), [8192, 36]), tf.tensor2d(rand(36 * 8, 4), [36, 8])),
  );
  // The fused normalisation (KpgNormalize / KpgNormalizeGrad): BatchNorm and InstanceNorm
  // statistics at the small tier's sizes, and the closed-form gradient.
  for (
    const [shape, axes] of [[[8, 64, 64, 4], [0, 1, 2]], [[8, 64, 64, 8], [1, 2]], [[8, 8, 8, 64], [
      0,
      1,
      2,
    ]]]
  ) {
    const n = shape.reduce((p, q) => p * q);
    const x = tf.tensor4d(rand(n, 21), shape as [number, number, number, number]);
    const r = tf.tensor4d(rand(n, 22), shape as [number, number, number, number]);
    const { y, mean, variance } = normalize(x, axes, true);
    add(y), add(mean!), add(variance!);
    add(
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(normalize(t as tf.Tensor4D, axes, false).y, r)))(x),
    );
  }
  // β's fused edge images and their gradient at the small tier's size (64 px, batch 8).
  {
    const edges = Array.from({ length: 31 }, (_, i) => [i, (i * 7 + 3) % 32] as [number, number]);
    const p = tf.tensor3d(rand(8 * 32 * 2, 31, -0.9, 0.9), [8, 32, 2]);
    const r = tf.tensor4d(rand(8 * 64 * 64, 32), [8, 64, 64, 1]);
    add(renderSkeleton(p, edges, 64));
    add(
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(renderSkeleton(t as tf.Tensor3D, edges, 64), r)))(p),
    );
  }
  console.log(hash.digest("hex"));
}
