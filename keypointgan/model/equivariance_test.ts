import { deepStrictEqual, ok } from "node:assert/strict";
import { tf } from "../tf.ts";
import { Rng } from "../rng.ts";
import {
  EQUIVARIANCE_WARPS,
  sampleSimilarities,
  warpImages,
  warpKeypoints,
} from "./equivariance.ts";

Deno.test("the image warp moves a bright dot to where warpKeypoints moves its point", () => {
  const s = 33, n = 6;
  const warps = sampleSimilarities(new Rng(5), n, { rotation: 0.5, scale: 0.2, shift: 0.2 });
  // A 3×3 dot at pixel (20, 11) of every image, on −1.
  const img = tf.buffer([n, s, s, 1]);
  img.values.fill(-1);
  for (let i = 0; i < n; i++) {
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) img.set(1, i, 11 + dy, 20 + dx, 0);
    }
  }
  const x = img.toTensor() as tf.Tensor4D;
  const h = (s - 1) / 2;
  const k = tf.tensor3d(Array.from({ length: n }, () => [[20 / h - 1, 11 / h - 1]]), [n, 1, 2]);
  const moved = warpKeypoints(k, warps).arraySync();
  const out = warpImages(x, warps, -1).arraySync();
  for (let i = 0; i < n; i++) {
    // Centre of mass of the warped dot, in pixels.
    let m = 0, mx = 0, my = 0;
    out[i].forEach((row, yy) =>
      row.forEach(([v], xx) => {
        const wgt = v + 1;
        m += wgt, mx += wgt * xx, my += wgt * yy;
      })
    );
    const [u, v] = moved[i][0];
    const dx = mx / m - (u + 1) * h, dy = my / m - (v + 1) * h;
    ok(
      Math.hypot(dx, dy) < 0.35,
      `image ${i}: dot at (${mx / m}, ${my / m}), point at ${(u + 1) * h}, ${(v + 1) * h}`,
    );
  }
  tf.dispose([x, k]);
});

Deno.test("the identity warp leaves images and points unchanged; warps are seeded", () => {
  const id = { a: new Float32Array([1, 0, 0, 1]), t: new Float32Array([0, 0]) };
  const x = tf.randomUniform([1, 8, 8, 3], -1, 1, "float32", 1) as tf.Tensor4D;
  const k = tf.tensor3d([[[0.3, -0.2], [-0.9, 0.5]]]);
  deepStrictEqual(warpImages(x, id, -1).arraySync(), x.arraySync());
  deepStrictEqual(warpKeypoints(k, id).arraySync(), k.arraySync());
  const w = () => sampleSimilarities(new Rng(1), 4, EQUIVARIANCE_WARPS);
  deepStrictEqual(w(), w());
  tf.dispose([x, k]);
});
