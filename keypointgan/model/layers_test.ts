import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { NATIVE_BACKENDS, nativeSkipReason, rand } from "../native/test_util.ts";
import {
  batchNorm,
  BN_MOMENTUM,
  NORM_EPS,
  normalize,
  upsample2x,
  upsample2xSlices,
} from "./layers.ts";
import { RUNNING_STATS } from "../native/kernels_reduce.ts";
import { initBatchNorm, ParamStore } from "./params.ts";
import { Rng } from "../rng.ts";

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

/** The normalisation as before issue 16's fused op: autodiff through `tf.moments`. */
function momentsNorm(x: tf.Tensor4D, axes: number[]): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, axes, true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, NORM_EPS)));
}

/** Normalised axes and shapes: tiny, and the small tier's sizes (several threads' parts). */
const CASES: [number[], [number, number, number, number]][] = [
  [[1, 2], [2, 6, 5, 3]],
  [[0, 1, 2], [2, 6, 5, 3]],
  [[1, 2], [8, 64, 64, 4]],
  [[0, 1, 2], [8, 32, 32, 16]],
  [[0, 1, 2], [8, 8, 8, 64]],
];

for (const backend of ["cpu", ...(nativeSkipReason ? [] : NATIVE_BACKENDS)]) {
  Deno.test(`normalize: the custom-gradient op equals autodiff of the moments chain (${backend})`, async () => {
    await tf.setBackend(backend);
    for (const [axes, shape] of CASES) {
      tf.tidy(() => {
        const n = shape.reduce((a, b) => a * b);
        const x = tf.tensor4d(rand(n, 7, -2, 3), shape);
        const r = tf.tensor4d(rand(n, 8), shape);
        const loss = (f: (t: tf.Tensor4D) => tf.Tensor4D) => (t: tf.Tensor) =>
          tf.sum(tf.mul(tf.square(f(t as tf.Tensor4D)), r));
        const fused = (t: tf.Tensor4D) => normalize(t, axes, false).y;
        const ref = (t: tf.Tensor4D) => momentsNorm(t, axes);
        // The forward pass runs the same kernels: the same bits.
        assert.deepEqual(fused(x).dataSync(), ref(x).dataSync());
        const got = tf.grad(loss(fused))(x), want = tf.grad(loss(ref))(x);
        assert.ok(
          maxDiff(got, want) < 1e-5 * tf.max(tf.abs(want)).dataSync()[0],
          `axes ${axes} of [${shape}]`,
        );
      });
    }
    // BatchNorm keeps the running statistics exactly as before.
    tf.tidy(() => {
      const store = new ParamStore();
      initBatchNorm(store, "bn", 3, new Rng(1));
      const x = tf.tensor4d(rand(2 * 4 * 4 * 3, 9, -1, 2), [2, 4, 4, 3]);
      batchNorm(store, "bn", x, { training: true });
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      const want = tf.add(tf.mul(tf.zeros([3]), 0.9), tf.mul(mean, 0.1));
      assert.deepEqual(store.get("bn/mean").dataSync(), want.dataSync());
      const unbiased = tf.mul(variance, 32 / 31);
      const wantVar = tf.add(tf.mul(tf.ones([3]), 0.9), tf.mul(unbiased, 0.1));
      assert.deepEqual(store.get("bn/var").dataSync(), wantVar.dataSync());
      store.dispose();
    });
  });

  Deno.test(`upsample2x: one ResizeBilinear equals the slice chain, values and gradients (${backend})`, async () => {
    await tf.setBackend(backend);
    for (const [h, w] of [[1, 1], [1, 3], [4, 4], [5, 3]]) {
      tf.tidy(() => {
        const x = tf.tensor4d(rand(2 * h * w * 3, 3), [2, h, w, 3]);
        const r = tf.tensor4d(rand(2 * 4 * h * w * 3, 4), [2, 2 * h, 2 * w, 3]);
        const loss = (f: (t: tf.Tensor4D) => tf.Tensor4D) => (t: tf.Tensor) =>
          tf.sum(tf.mul(tf.square(f(t as tf.Tensor4D)), r));
        assert.ok(maxDiff(upsample2x(x), upsample2xSlices(x)) < 1e-6, `${h}×${w}`);
        const got = tf.grad(loss(upsample2x))(x), want = tf.grad(loss(upsample2xSlices))(x);
        assert.ok(maxDiff(got, want) < 1e-5, `${h}×${w} gradient`);
      });
    }
  });
}

for (const backend of ["cpu", ...(nativeSkipReason ? [] : NATIVE_BACKENDS)]) {
  Deno.test(`batchNorm (+ ReLU): values, running statistics and gradients w.r.t. x, gamma, beta equal the kernel chain (${backend})`, async () => {
    await tf.setBackend(backend);
    for (const shape of [[2, 6, 5, 3], [8, 32, 32, 8], [8, 8, 8, 64]] as const) {
      for (const relu of [false, true]) {
        tf.tidy(() => {
          const c = shape[3], n = shape.reduce((a: number, b: number) => a * b, 1);
          const store = new ParamStore();
          initBatchNorm(store, "bn", c, new Rng(2));
          store.get("bn/beta").assign(tf.tensor1d(rand(c, 3, -0.5, 0.5)));
          const x = tf.tensor4d(rand(n, 4, -1, 2), [...shape]);
          const r = tf.tensor4d(rand(n, 5), [...shape]);
          const g = store.get("bn/gamma"), b = store.get("bn/beta");
          const ref = (t: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
            const v = tf.add(tf.mul(momentsNorm(t as tf.Tensor4D, [0, 1, 2]), gg), bb);
            return relu ? tf.relu(v) : v;
          };
          const mode = { training: true };
          const got = batchNorm(store, "bn", x, mode, relu);
          assert.deepEqual(got.dataSync(), ref(x, g, b).dataSync(), `[${shape}] relu ${relu}`);
          const { mean, variance } = tf.moments(x, [0, 1, 2]);
          const wantMean = tf.mul(mean, 0.1);
          assert.deepEqual(store.get("bn/mean").dataSync(), wantMean.dataSync());
          const wantVar = tf.add(
            tf.mul(tf.ones([c]), 0.9),
            tf.mul(tf.mul(variance, n / c / (n / c - 1)), 0.1),
          );
          assert.deepEqual(store.get("bn/var").dataSync(), wantVar.dataSync());
          const fusedAt = (t: tf.Tensor) =>
            tf.sum(tf.mul(batchNorm(store, "bn", t as tf.Tensor4D, mode, relu), r)) as tf.Scalar;
          const refAt = (t: tf.Tensor) => tf.sum(tf.mul(ref(t, g, b), r)) as tf.Scalar;
          const pg = (f: (t: tf.Tensor) => tf.Scalar) => {
            const vg = tf.variableGrads(() => f(x), [g, b]).grads;
            return [tf.grad(f)(x), vg[g.name], vg[b.name]];
          };
          const ga = pg(fusedAt), gb = pg(refAt);
          for (let k = 0; k < 3; k++) {
            const scale = tf.max(tf.abs(gb[k])).dataSync()[0];
            assert.ok(
              maxDiff(ga[k], gb[k]) <= 1e-5 * scale + 1e-7,
              `[${shape}] relu ${relu} grad ${k}`,
            );
          }
          store.dispose();
        });
      }
    }
  });
}

for (const backend of nativeSkipReason ? [] : NATIVE_BACKENDS) {
  Deno.test(`batchNorm's running statistics: one KpgRunningStats equals the Multiply/Add chain bit for bit (${backend})`, async () => {
    await tf.setBackend(backend);
    tf.tidy(() => {
      for (const [c, n] of [[4, 32768], [32, 512], [64, 392], [3, 1]]) {
        const [rm, rv] = [tf.tensor1d(rand(c, 90, -1, 1)), tf.tensor1d(rand(c, 91, 0.1, 3))];
        const mean = tf.tensor4d(rand(c, 92, -2, 2), [1, 1, 1, c]);
        const variance = tf.tensor4d(rand(c, 93, 0, 4), [1, 1, 1, c]);
        const [m, v] = tf.engine().runKernel(
          RUNNING_STATS,
          { runMean: rm, runVar: rv, mean, variance },
          { momentum: BN_MOMENTUM, count: n },
        ) as tf.Tensor[];
        const unbiased = tf.mul(tf.reshape(variance, [c]), n / Math.max(n - 1, 1));
        const wantM = tf.add(
          tf.mul(rm, 1 - BN_MOMENTUM),
          tf.mul(tf.reshape(mean, [c]), BN_MOMENTUM),
        );
        const wantV = tf.add(tf.mul(rv, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM));
        assert.deepEqual(m.dataSync(), wantM.dataSync(), `mean, C ${c}, n ${n}`);
        assert.deepEqual(v.dataSync(), wantV.dataSync(), `variance, C ${c}, n ${n}`);
      }
    });
  });
}
