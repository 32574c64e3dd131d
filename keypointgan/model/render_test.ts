import { deepStrictEqual, ok } from "node:assert/strict";
import { tf } from "../tf.ts";
import { NATIVE_BACKENDS, nativeSkipReason, rand, relError, runOn } from "../native/test_util.ts";
import { upsample2x } from "./layers.ts";
import { renderSkeleton } from "./render.ts";
import { softArgmax } from "./soft_argmax.ts";
import { decoder, initAll, keypointRegressor, poseEncoder } from "./networks.ts";
import { ParamStore } from "./params.ts";
import { Rng } from "../rng.ts";

const S = 5; // grid linspace(-1, 1, 5) = [-1, -0.5, 0, 0.5, 1]
const sigma2 = 0.04;
const expected = (d2: number) => 2 * Math.exp(-Math.sqrt(d2 + 1e-6) / sigma2) - 1;
const close = (a: number, b: number, tol = 1e-5) => ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

function render(points: number[][], edges: [number, number][], size = S): Float32Array {
  return tf.tidy(() =>
    renderSkeleton(tf.tensor3d([points]), edges, size).dataSync() as Float32Array
  );
}

Deno.test("β: a horizontal segment, its endpoint clamp and off-line pixels match hand values", () => {
  const v = render([[-0.5, 0], [0.5, 0]], [[0, 1]]); // row 2 is y = 0
  close(v[2 * S + 2], expected(0)); // on the segment: 2·exp(−0.001/0.04) − 1 ≈ 0.951
  close(v[2 * S + 2], 2 * Math.exp(-0.001 / 0.04) - 1);
  close(v[2 * S + 0], expected(0.25)); // x = −1 lies left of p_i: clamped to the endpoint, d = 0.5
  close(v[1 * S + 2], expected(0.25)); // (0, −0.5): perpendicular distance 0.5
  close(v[0 * S + 4], expected(0.25 + 1)); // (1, −1): endpoint (0.5, 0), d² = 0.25 + 1
});

Deno.test("β: the image is the max over edges", () => {
  const two = render([[-1, -1], [1, -1], [-1, 1], [1, 1]], [[0, 1], [2, 3]]);
  const a = render([[-1, -1], [1, -1], [-1, 1], [1, 1]], [[0, 1]]);
  const b = render([[-1, -1], [1, -1], [-1, 1], [1, 1]], [[2, 3]]);
  two.forEach((v, i) => close(v, Math.max(a[i], b[i])));
});

Deno.test("β: analytic gradient w.r.t. keypoints matches central differences", () => {
  const p0 = [[-0.3, 0.1], [0.4, -0.2], [0.1, 0.6]];
  const edges: [number, number][] = [[0, 1], [1, 2]];
  const w = tf.randomNormal([1, 8, 8, 1], 0, 1, "float32", 3);
  const f = (p: tf.Tensor3D): tf.Scalar =>
    tf.sum(tf.mul(renderSkeleton(p, edges, 8, { sigma: 0.4, distance: "linear" }), w));
  const g = tf.grad((p: tf.Tensor) => f(p as tf.Tensor3D))(tf.tensor3d([p0])).dataSync();
  const h = 1e-3;
  for (let k = 0; k < 6; k++) {
    const plus = p0.flat(), minus = p0.flat();
    plus[k] += h, minus[k] -= h;
    const num = (tf.tidy(() => f(tf.tensor3d(plus, [1, 3, 2])).dataSync()[0]) -
      tf.tidy(() => f(tf.tensor3d(minus, [1, 3, 2])).dataSync()[0])) / (2 * h);
    ok(
      Math.abs(num - g[k]) < 2e-2 * Math.max(1, Math.abs(num)),
      `coordinate ${k}: numeric ${num} analytic ${g[k]}`,
    );
  }
  w.dispose();
});

Deno.test("soft-argmax of a one-hot heatmap returns its location", () => {
  const [h, wd] = [16, 16];
  const data = new Float32Array(h * wd * 2).fill(-1e4);
  data[(3 * wd + 12) * 2 + 0] = 1e4; // point 0 at row 3, column 12
  data[(9 * wd + 0) * 2 + 1] = 1e4; // point 1 at row 9, column 0
  const p = tf.tidy(() => softArgmax(tf.tensor4d(data, [1, h, wd, 2])).dataSync());
  const g = (i: number) => -1 + (2 * i) / (wd - 1);
  [g(12), g(3), g(0), g(9)].forEach((v, i) => close(p[i], v, 1e-4));
});

Deno.test("×2 upsampling equals PyTorch align_corners=False (TF.js resizeBilinear half-pixel forward)", () => {
  const x = tf.randomNormal([1, 3, 4, 2], 0, 1, "float32", 5) as tf.Tensor4D;
  const a = upsample2x(x).dataSync(),
    b = tf.image.resizeBilinear(x, [6, 8], false, true).dataSync();
  a.forEach((v, i) => close(v, b[i]));
  x.dispose();
});

Deno.test("bottleneck wiring: Ψ's input depends on Φ(x) only through η's keypoints", () => {
  const store = new ParamStore();
  const cfg = {
    imageSize: 16,
    width: 0.0625,
    numPoints: 5,
    conditional: true,
    dScales: 1,
    dLayers: 2,
    imageDiscriminator: false,
  };
  initAll(store, cfg, new Rng(4));
  const edges: [number, number][] = [[0, 1], [1, 2], [1, 3], [1, 4]];
  tf.tidy(() => {
    const y = poseEncoder(
      store,
      tf.randomUniform([1, 16, 16, 3], -1, 1, "float32", 1) as tf.Tensor4D,
      { training: false },
    );
    const psiIn = (yy: tf.Tensor4D) => renderSkeleton(keypointRegressor(store, yy), edges, 16);
    // However large Φ's (unbounded) output is, Ψ only sees a rendering of K keypoints: values stay in
    // β's range and equal β(η(y)) exactly; without the bottleneck Ψ would see y itself.
    const y2 = tf.mul(y, 1e6) as tf.Tensor4D;
    ok(y2.abs().max().dataSync()[0] > 1);
    const s2 = psiIn(y2);
    ok(s2.max().dataSync()[0] <= 0.952 && s2.min().dataSync()[0] >= -1);
    const p2 = keypointRegressor(store, y2);
    ok(renderSkeleton(p2, edges, 16).sub(s2).abs().max().dataSync()[0] === 0);
    const app = tf.zeros([1, 16, 16, 3]) as tf.Tensor4D;
    const out = decoder(store, psiIn(y), app, { training: false });
    deepStrictEqual(out.shape, [1, 16, 16, 3]);
  });
  store.dispose();
});

for (const distance of ["linear", "squared"] as const) {
  Deno.test(`β: the fused edge images and max over edges (native) equal the kernel chain (cpu), values and gradients, ties and a zero-length edge included (${distance})`, async () => {
    if (nativeSkipReason) return;
    // Edges 0–1 and 1–2 share joint 1 (pixels equidistant from both tie exactly); 2–2 has
    // zero length (the 1e-6 floor of its squared length).
    const p = [[-0.5, 0.2], [0, 0], [0.5, 0.2], [0.1, -0.6], [-0.3, 0.7]];
    const edges: [number, number][] = [[0, 1], [1, 2], [3, 4], [0, 3], [2, 2]];
    const w = rand(2 * 9 * 9, 5);
    const opts = { sigma: 0.3, distance };
    const f = () => {
      const pts = tf.tensor3d([p, p.map(([x, y]) => [y * 0.8, -x])]);
      const wt = tf.tensor4d(w, [2, 9, 9, 1]);
      const loss = (t: tf.Tensor) =>
        tf.sum(tf.mul(renderSkeleton(t as tf.Tensor3D, edges, 9, opts), wt));
      return [renderSkeleton(pts, edges, 9, opts), tf.grad(loss)(pts)];
    };
    const ref = await runOn("cpu", f);
    for (const backend of NATIVE_BACKENDS) {
      const got = await runOn(backend, f);
      ok(relError(got[0].values, ref[0].values) < 1e-6, `${backend}: image`);
      ok(relError(got[1].values, ref[1].values) < 1e-5, `${backend}: gradient`);
    }
  });
}
