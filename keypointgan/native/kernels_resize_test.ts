/**
 * Resize kernels: native forward passes against the stock CPU kernels; gradients of the native
 * backends and of the `cpu` backend (whose stock resize gradients keypointgan/tf.ts replaces:
 * TF.js 4.22's ignore halfPixelCenters / break at batch > 1) by the adjoint identity
 * ⟨R x, dy⟩ = ⟨x, Rᵀ dy⟩, and against each other.
 */
import { equal as assertEquals, ok as assert } from "node:assert/strict";
import { tf } from "../tf.ts";
import { compareWithCpu, NATIVE_BACKENDS, nativeSkipReason, rand, runOn } from "./test_util.ts";

const ignore = nativeSkipReason !== undefined;

interface ResizeCase {
  x: [number, number, number, number];
  size: [number, number];
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

const CASES: ResizeCase[] = [
  { x: [2, 4, 4, 3], size: [8, 8], alignCorners: false, halfPixelCenters: true },
  { x: [1, 5, 3, 2], size: [10, 6], alignCorners: false, halfPixelCenters: true },
  { x: [2, 8, 8, 1], size: [4, 4], alignCorners: false, halfPixelCenters: true },
  { x: [2, 4, 5, 2], size: [7, 9], alignCorners: true, halfPixelCenters: false },
  { x: [2, 4, 4, 3], size: [8, 8], alignCorners: false, halfPixelCenters: false },
  { x: [1, 6, 6, 4], size: [3, 5], alignCorners: false, halfPixelCenters: false },
];

const label = (c: ResizeCase) =>
  `x[${c.x}] → ${c.size} align=${c.alignCorners} halfPixel=${c.halfPixelCenters}`;

Deno.test({
  name: "native bilinear and nearest resize forward passes match the stock CPU kernels",
  ignore,
  async fn() {
    for (const c of CASES) {
      const n = c.x.reduce((a, b) => a * b);
      const problem = await compareWithCpu(() => {
        const x = tf.tensor4d(rand(n, 3), c.x);
        return [
          tf.image.resizeBilinear(x, c.size, c.alignCorners, c.halfPixelCenters),
          tf.image.resizeNearestNeighbor(x, c.size, c.alignCorners, c.halfPixelCenters),
        ];
      }, 1e-6);
      assertEquals(problem, undefined, `${label(c)}: ${problem}`);
    }
  },
});

Deno.test({
  name: "native resize gradients match the cpu backend's",
  ignore,
  async fn() {
    for (const c of CASES) {
      const attrs = { alignCorners: c.alignCorners, halfPixelCenters: c.halfPixelCenters };
      for (const kernel of ["ResizeBilinearGrad", "ResizeNearestNeighborGrad"]) {
        const xs = c.x;
        const dys = [c.x[0], c.size[0], c.size[1], c.x[3]] as [number, number, number, number];
        const problem = await compareWithCpu(() => {
          const x = tf.tensor4d(rand(xs.reduce((a, b) => a * b), 5), xs);
          const dy = tf.tensor4d(rand(dys.reduce((a, b) => a * b), 6), dys);
          return tf.engine().runKernel(kernel, { images: x, dy }, attrs) as tf.Tensor;
        }, 1e-5);
        assertEquals(problem, undefined, `${kernel} ${label(c)}: ${problem}`);
      }
    }
  },
});

Deno.test({
  name: "native and cpu resize gradients are the exact adjoints of the forward passes",
  ignore,
  async fn() {
    for (const c of CASES) {
      const n = c.x.reduce((a, b) => a * b), m = c.x[0] * c.size[0] * c.size[1] * c.x[3];
      const xv = rand(n, 7), dyv = rand(m, 8);
      for (const backend of [...NATIVE_BACKENDS, "cpu"]) {
        for (const bilinear of [true, false]) {
          const [fwd, back] = await runOn(backend, () => {
            const x = tf.tensor4d(xv, c.x), dy = tf.tensor4d(dyv, [c.x[0], ...c.size, c.x[3]]);
            const f = bilinear ? tf.image.resizeBilinear : tf.image.resizeNearestNeighbor;
            const g = tf.grad((t: tf.Tensor) =>
              tf.sum(tf.mul(f(t as tf.Tensor4D, c.size, c.alignCorners, c.halfPixelCenters), dy))
            );
            return [f(x, c.size, c.alignCorners, c.halfPixelCenters), g(x)];
          });
          const lhs = dot(fwd.values, dyv), rhs = dot(xv, back.values);
          assert(
            Math.abs(lhs - rhs) <= 1e-5 * Math.max(1, Math.abs(lhs)),
            `${backend} ${bilinear ? "bilinear" : "nearest"} ${
              label(c)
            }: ⟨Rx,dy⟩=${lhs} ⟨x,Rᵀdy⟩=${rhs}`,
          );
        }
      }
    }
  },
});

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
