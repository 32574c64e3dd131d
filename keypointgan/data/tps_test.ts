import assert from "node:assert/strict";
import { Rng } from "../rng.ts";
import {
  IDENTITY_WARP,
  inverseWarpPoint,
  sampleWarp,
  TPS_DEFAULTS,
  warpImage,
  warpKeypoints,
  warpPoint,
} from "./tps.ts";

const S = 64;

/** White image with dark 1-px grid lines at columns/rows 4, 12, 20, …; intersections as keypoints. */
function gridImage(): { image: Uint8Array; points: Float32Array } {
  const image = new Uint8Array(S * S * 3).fill(255);
  const lines = Array.from({ length: 8 }, (_, i) => 4 + 8 * i);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      if (lines.includes(x) || lines.includes(y)) {
        image.fill(0, 3 * (y * S + x), 3 * (y * S + x) + 3);
      }
    }
  }
  const pts: number[] = [];
  for (const y of lines.slice(1, -1)) {
    for (const x of lines.slice(1, -1)) pts.push(-1 + (2 * x) / (S - 1), -1 + (2 * y) / (S - 1));
  }
  return { image, points: Float32Array.from(pts) };
}

/** Bilinear red channel of an image at normalised (x, y). */
function at(image: Uint8Array, x: number, y: number): number {
  const fx = ((x + 1) * (S - 1)) / 2, fy = ((y + 1) * (S - 1)) / 2;
  const x0 = Math.floor(fx), y0 = Math.floor(fy), ax = fx - x0, ay = fy - y0;
  const p = (i: number, j: number) => image[3 * (j * S + i)];
  return (1 - ay) * ((1 - ax) * p(x0, y0) + ax * p(x0 + 1, y0)) +
    ay * ((1 - ax) * p(x0, y0 + 1) + ax * p(x0 + 1, y0 + 1));
}

Deno.test("TPS identity warp is a no-op on images and keypoints", () => {
  const { image, points } = gridImage();
  assert.deepEqual(warpImage(image, S, IDENTITY_WARP), image);
  const out = new Float32Array(points.length);
  warpKeypoints(points, points.length / 2, IDENTITY_WARP, out);
  assert.deepEqual(out, points);
});

Deno.test("TPS inverse: T(T⁻¹(p)) = p", () => {
  const rng = new Rng(1);
  const warp = sampleWarp(rng, { ...TPS_DEFAULTS, warpSd: [0.01, 0.03] });
  for (const [x, y] of [[0, 0], [0.5, -0.7], [-0.9, 0.9]]) {
    const [u, v] = inverseWarpPoint(warp, x, y);
    const [px, py] = warpPoint(warp, u, v);
    assert.ok(Math.abs(px - x) < 1e-9 && Math.abs(py - y) < 1e-9);
  }
});

Deno.test("TPS: keypoints follow the warped grid lines", () => {
  const { image, points } = gridImage();
  const k = points.length / 2;
  // A stronger warp than the defaults, so that keypoints that did not follow would miss the lines.
  const warp = sampleWarp(new Rng(7), { ...TPS_DEFAULTS, rotationSd: 8, warpSd: [0.005, 0.02] });
  const warped = warpImage(image, S, warp);
  const moved = new Float32Array(points.length);
  warpKeypoints(points, k, warp, moved);
  let onLine = 0, stale = 0;
  for (let j = 0; j < k; j++) {
    if (at(warped, moved[2 * j], moved[2 * j + 1]) < 100) onLine++;
    if (at(warped, points[2 * j], points[2 * j + 1]) < 100) stale++;
  }
  assert.equal(onLine, k, `${onLine}/${k} warped keypoints on a grid intersection`);
  assert.ok(stale < k / 2, `control: ${stale}/${k} unwarped keypoints still on lines`);
});

Deno.test("TPS default warp is small: affine ~5°, 5 %, non-linear part below a pixel", () => {
  const rng = new Rng(3);
  let maxNonLinear = 0;
  for (let i = 0; i < 20; i++) {
    const w = sampleWarp(rng, TPS_DEFAULTS);
    const a = { ...w, spline: null };
    for (const [x, y] of [[0, 0], [0.5, 0.5], [-0.8, 0.3]]) {
      const [px, py] = warpPoint(w, x, y), [ax, ay] = warpPoint(a, x, y);
      maxNonLinear = Math.max(maxNonLinear, Math.hypot(px - ax, py - ay));
    }
  }
  assert.ok(maxNonLinear > 0 && maxNonLinear < 2 / 63, `non-linear displacement ${maxNonLinear}`);
});
