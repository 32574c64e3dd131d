/**
 * Thin-plate-spline warps for image-only datasets (digest §5.4, `util/tps_sampler.py`):
 * T(u) = s·R(θ)·u + t + f(u), where f is the thin-plate spline (kernel U = r² log r²) through a
 * 10×10 grid of control points on [−1, 1]² displaced by small random offsets. The warped image
 * is out(u) = in(T(u)) (bilinear, replicate padding); keypoints move by T⁻¹ so they stay on the
 * same image content.
 *
 * Coordinates are the keypoint / renderer grid: pixel centre i ↔ −1 + 2i/(S−1).
 *
 * @module
 */
import type { Rng } from "../rng.ts";

/** Warp distribution (digest §5.4 defaults in `TPS_DEFAULTS`). */
export interface TpsParams {
  /** Standard deviation of the rotation, degrees. */
  readonly rotationSd: number;
  /** Standard deviation of the scale around 1. */
  readonly scaleSd: number;
  /** Standard deviation of the translation on each axis (normalised units). */
  readonly translationSd: number;
  /** Control-point offsets ~ warpSd[0]·N(0,1) + warpSd[1]·Bernoulli(0.5)·N(0,1). */
  readonly warpSd: readonly [number, number];
  /** Control points per axis. */
  readonly grid: number;
}

/** The official x′ (conditioning image) warp: affine + non-linear. */
export const TPS_DEFAULTS: TpsParams = {
  rotationSd: 5,
  scaleSd: 0.05,
  translationSd: 0.05,
  warpSd: [0.0005, 0.005],
  grid: 10,
};

/** The official x (target) warp: the same affine part, no non-linear part. */
export const TPS_TARGET: TpsParams = { ...TPS_DEFAULTS, warpSd: [0, 0] };

/** One sampled warp. */
export interface Warp {
  /** Affine part [a, b, c, d, tx, ty]: T_aff(x, y) = (a x + b y + tx, c x + d y + ty). */
  readonly affine: readonly number[];
  /** Control points [n, 2] and spline weights [n, 2] plus polynomial [3, 2] (null: affine only). */
  readonly spline: {
    readonly points: Float64Array;
    readonly w: Float64Array;
    readonly poly: Float64Array;
  } | null;
}

/** The identity warp. */
export const IDENTITY_WARP: Warp = { affine: [1, 0, 0, 1, 0, 0], spline: null };

function kernel(r2: number): number {
  return r2 > 0 ? r2 * Math.log(r2) : 0;
}

const systems = new Map<number, { points: Float64Array; inv: Float64Array }>();

/** Control points of a g×g grid and the inverse of the TPS system matrix [[K, P], [Pᵀ, 0]]. */
function tpsSystem(g: number): { points: Float64Array; inv: Float64Array } {
  const cached = systems.get(g);
  if (cached) return cached;
  const n = g * g, m = n + 3;
  const points = new Float64Array(2 * n);
  for (let i = 0; i < g; i++) {
    for (let j = 0; j < g; j++) {
      points[2 * (i * g + j)] = -1 + (2 * j) / (g - 1);
      points[2 * (i * g + j) + 1] = -1 + (2 * i) / (g - 1);
    }
  }
  const L = new Float64Array(m * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const dx = points[2 * i] - points[2 * j], dy = points[2 * i + 1] - points[2 * j + 1];
      L[i * m + j] = kernel(dx * dx + dy * dy);
    }
    const p = [1, points[2 * i], points[2 * i + 1]];
    for (let k = 0; k < 3; k++) L[i * m + n + k] = L[(n + k) * m + i] = p[k];
  }
  const sys = { points, inv: invert(L, m) };
  systems.set(g, sys);
  return sys;
}

/** Inverse of an m×m matrix by Gauss–Jordan elimination with partial pivoting. */
function invert(a: Float64Array, m: number): Float64Array {
  const A = Float64Array.from(a), I = new Float64Array(m * m);
  for (let i = 0; i < m; i++) I[i * m + i] = 1;
  for (let c = 0; c < m; c++) {
    let p = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(A[r * m + c]) > Math.abs(A[p * m + c])) p = r;
    for (let k = 0; k < m; k++) {
      [A[c * m + k], A[p * m + k]] = [A[p * m + k], A[c * m + k]];
      [I[c * m + k], I[p * m + k]] = [I[p * m + k], I[c * m + k]];
    }
    const d = A[c * m + c];
    for (let k = 0; k < m; k++) {
      A[c * m + k] /= d;
      I[c * m + k] /= d;
    }
    for (let r = 0; r < m; r++) {
      const f = A[r * m + c];
      if (r === c || f === 0) continue;
      for (let k = 0; k < m; k++) {
        A[r * m + k] -= f * A[c * m + k];
        I[r * m + k] -= f * I[c * m + k];
      }
    }
  }
  return I;
}

/** Draw a warp: affine part always, spline part when either warp sd is non-zero. */
export function sampleWarp(rng: Rng, p: TpsParams): Warp {
  const theta = (rng.normal() * p.rotationSd * Math.PI) / 180;
  const s = 1 + rng.normal() * p.scaleSd;
  const tx = rng.normal() * p.translationSd, ty = rng.normal() * p.translationSd;
  const affine = [
    s * Math.cos(theta),
    -s * Math.sin(theta),
    s * Math.sin(theta),
    s * Math.cos(theta),
    tx,
    ty,
  ];
  if (p.warpSd[0] === 0 && p.warpSd[1] === 0) return { affine, spline: null };
  const { points, inv } = tpsSystem(p.grid);
  const n = p.grid * p.grid, m = n + 3;
  const delta = new Float64Array(2 * n);
  for (let i = 0; i < 2 * n; i++) {
    delta[i] = p.warpSd[0] * rng.normal() + (rng.uniform() < 0.5 ? p.warpSd[1] * rng.normal() : 0);
  }
  // [w; poly] = L⁻¹ [δ; 0] for each coordinate.
  const sol = new Float64Array(2 * m);
  for (let r = 0; r < m; r++) {
    let sx = 0, sy = 0;
    for (let k = 0; k < n; k++) {
      sx += inv[r * m + k] * delta[2 * k];
      sy += inv[r * m + k] * delta[2 * k + 1];
    }
    sol[2 * r] = sx;
    sol[2 * r + 1] = sy;
  }
  return { affine, spline: { points, w: sol.slice(0, 2 * n), poly: sol.slice(2 * n) } };
}

/** T(u): where the warped image at u samples the source image. */
export function warpPoint(warp: Warp, x: number, y: number): [number, number] {
  const [a, b, c, d, tx, ty] = warp.affine;
  let ox = a * x + b * y + tx, oy = c * x + d * y + ty;
  const sp = warp.spline;
  if (sp) {
    ox += sp.poly[0] + sp.poly[2] * x + sp.poly[4] * y;
    oy += sp.poly[1] + sp.poly[3] * x + sp.poly[5] * y;
    const n = sp.points.length / 2;
    for (let k = 0; k < n; k++) {
      const dx = x - sp.points[2 * k], dy = y - sp.points[2 * k + 1];
      const u = kernel(dx * dx + dy * dy);
      ox += sp.w[2 * k] * u;
      oy += sp.w[2 * k + 1] * u;
    }
  }
  return [ox, oy];
}

/** T⁻¹(p): the warped-image position showing source point p (Newton on the affine Jacobian). */
export function inverseWarpPoint(warp: Warp, px: number, py: number): [number, number] {
  const [a, b, c, d, tx, ty] = warp.affine;
  const det = a * d - b * c;
  const solve = (
    rx: number,
    ry: number,
  ): [number, number] => [(d * rx - b * ry) / det, (-c * rx + a * ry) / det];
  let [x, y] = solve(px - tx, py - ty);
  for (let it = 0; it < 20 && warp.spline; it++) {
    const [fx, fy] = warpPoint(warp, x, y);
    const [ex, ey] = solve(fx - px, fy - py);
    x -= ex;
    y -= ey;
    if (Math.abs(ex) + Math.abs(ey) < 1e-12) break;
  }
  return [x, y];
}

/** The source position T(u) of every output pixel: `[S, S, 2]` (x, y) in normalised units. */
export function warpGrid(warp: Warp, size: number): Float32Array {
  const grid = new Float32Array(size * size * 2);
  for (let i = 0; i < size; i++) {
    const y = -1 + (2 * i) / (size - 1);
    for (let j = 0; j < size; j++) {
      const [sx, sy] = warpPoint(warp, -1 + (2 * j) / (size - 1), y);
      grid[2 * (i * size + j)] = sx;
      grid[2 * (i * size + j) + 1] = sy;
    }
  }
  return grid;
}

/** out(u) = in(grid(u)) for an RGB image `[S, S, 3]`: bilinear, replicate padding. */
export function sampleGrid(
  image: Uint8Array,
  size: number,
  grid: Float32Array,
  out: Uint8Array,
  offset = 0,
): void {
  const h = (size - 1) / 2;
  for (let q = 0; q < size * size; q++) {
    // Replicate padding: clamp the source position to the image.
    const fx = Math.min(size - 1, Math.max(0, (grid[2 * q] + 1) * h));
    const fy = Math.min(size - 1, Math.max(0, (grid[2 * q + 1] + 1) * h));
    const x0 = Math.min(size - 2, Math.floor(fx)), y0 = Math.min(size - 2, Math.floor(fy));
    const ax = fx - x0, ay = fy - y0;
    const i00 = 3 * (y0 * size + x0), i10 = i00 + 3 * size;
    for (let ch = 0; ch < 3; ch++) {
      const top = (1 - ax) * image[i00 + ch] + ax * image[i00 + 3 + ch];
      const bottom = (1 - ax) * image[i10 + ch] + ax * image[i10 + 3 + ch];
      out[offset + 3 * q + ch] = Math.round((1 - ay) * top + ay * bottom);
    }
  }
}

/** Warp an RGB image `[S, S, 3]` (uint8): out(u) = in(T(u)). */
export function warpImage(image: Uint8Array, size: number, warp: Warp): Uint8Array {
  const out = new Uint8Array(size * size * 3);
  sampleGrid(image, size, warpGrid(warp, size), out);
  return out;
}

/** Move keypoints `[K, 2]` with the image: p ↦ T⁻¹(p). */
export function warpKeypoints(
  keypoints: ArrayLike<number>,
  k: number,
  warp: Warp,
  out: Float32Array,
  inOffset = 0,
  outOffset = 0,
): void {
  for (let j = 0; j < k; j++) {
    const [x, y] = inverseWarpPoint(
      warp,
      keypoints[inOffset + 2 * j],
      keypoints[inOffset + 2 * j + 1],
    );
    out[outOffset + 2 * j] = x;
    out[outOffset + 2 * j + 1] = y;
  }
}
