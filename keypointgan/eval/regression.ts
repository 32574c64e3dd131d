/**
 * Supervised post-processing (digest §6.5): a linear map without bias, fitted by least squares
 * from the flattened predicted keypoints to the flattened ground truth on the training split's
 * labelled images, then applied to the test split. This is the protocol prior self-supervised
 * methods need to turn their landmarks into semantic ones; the paper reports it as
 * "+ supervised post-processing".
 *
 * Solved in float64 by Householder QR (no normal equations, whose squared condition number
 * loses half the digits); an (almost) linearly dependent column is a clear error, never a
 * silently huge weight.
 *
 * @module
 */

/** A linear map `y = x W` with `W` of shape `[inputs, outputs]` (row-major, float64). */
export interface LinearMap {
  readonly inputs: number;
  readonly outputs: number;
  /** [inputs, outputs] */
  readonly weights: Float64Array;
}

/** The least-squares problem has no unique solution (too few samples or dependent inputs). */
export class IllPosedFitError extends Error {
  override name = "IllPosedFitError";
}

/** The design matrix has (numerically) dependent columns: the fit is not unique. */
export class RankDeficientError extends IllPosedFitError {
  constructor(readonly column: number, readonly relativeDiagonal: number) {
    super(
      `least squares: input column ${column} is (numerically) a linear combination of the ` +
        `columns before it (|R[${column},${column}]| / max|R| = ${
          relativeDiagonal.toExponential(2)
        }` +
        `); the linear map is not unique — give more varied samples or a ridge penalty`,
    );
  }
  override name = "RankDeficientError";
}

/** Options of {@link fitLinearMap}. */
export interface FitOptions {
  /** Ridge penalty λ ≥ 0 added as √λ·I rows (0 = plain least squares, the protocol). */
  readonly ridge?: number;
  /** Relative tolerance on R's diagonal below which a column counts as dependent. */
  readonly rankTolerance?: number;
}

/**
 * Least-squares `W = argmin ‖X W − Y‖²(+ λ‖W‖²)` for `X` `[n, d]` and `Y` `[n, m]` (row-major).
 * Throws {@link RankDeficientError} when X has dependent columns, and a plain error on
 * inconsistent shapes or non-finite values.
 */
export function fitLinearMap(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  d: number,
  m: number,
  opts: FitOptions = {},
): LinearMap {
  if (x.length !== n * d) throw new Error(`X: expected ${n}×${d} values, got ${x.length}`);
  if (y.length !== n * m) throw new Error(`Y: expected ${n}×${m} values, got ${y.length}`);
  const ridge = opts.ridge ?? 0;
  if (!(ridge >= 0)) throw new Error(`ridge must be ≥ 0, got ${ridge}`);
  const rows = ridge > 0 ? n + d : n;
  if (rows < d) throw new IllPosedFitError(`least squares needs at least ${d} samples, got ${n}`);
  // Column-major copies: Householder steps walk down columns.
  const a = new Float64Array(rows * d), b = new Float64Array(rows * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) a[j * rows + i] = finite(x[i * d + j], "X", i, j);
    for (let j = 0; j < m; j++) b[j * rows + i] = finite(y[i * m + j], "Y", i, j);
  }
  for (let j = 0; j < d && ridge > 0; j++) a[j * rows + n + j] = Math.sqrt(ridge);
  const diag = householderQR(a, b, rows, d, m);
  checkRank(diag, opts.rankTolerance ?? Math.max(rows, d) * Number.EPSILON * 16);
  return { inputs: d, outputs: m, weights: backSubstitute(a, b, diag, rows, d, m) };
}

function finite(v: number, name: string, i: number, j: number): number {
  if (!Number.isFinite(v)) throw new Error(`${name}[${i}, ${j}] is ${v}`);
  return v;
}

/**
 * In place: reduces column-major `a` [rows, d] to R (upper triangle, diagonal returned) and
 * applies the same reflections to `b` [rows, m], leaving Qᵀb.
 */
function householderQR(a: Float64Array, b: Float64Array, rows: number, d: number, m: number) {
  const diag = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    const col = k * rows;
    let norm = 0;
    for (let i = k; i < rows; i++) norm = Math.hypot(norm, a[col + i]);
    if (norm === 0) continue; // diag stays 0: reported as rank deficiency
    const alpha = a[col + k] > 0 ? -norm : norm;
    // v = x − αe₁ stored over the column; vᵀv = 2‖x‖² − 2αx₀ = −2α v₀.
    a[col + k] -= alpha;
    const vtv = -2 * alpha * a[col + k];
    const reflect = (t: Float64Array, tc: number) => {
      let s = 0;
      for (let i = k; i < rows; i++) s += a[col + i] * t[tc + i];
      const f = (2 * s) / vtv;
      for (let i = k; i < rows; i++) t[tc + i] -= f * a[col + i];
    };
    for (let j = k + 1; j < d; j++) reflect(a, j * rows);
    for (let j = 0; j < m; j++) reflect(b, j * rows);
    diag[k] = alpha;
  }
  return diag;
}

function checkRank(diag: Float64Array, tolerance: number) {
  let max = 0;
  for (const v of diag) max = Math.max(max, Math.abs(v));
  for (let k = 0; k < diag.length; k++) {
    const rel = max > 0 ? Math.abs(diag[k]) / max : 0;
    if (rel <= tolerance) throw new RankDeficientError(k, rel);
  }
}

/** Solves R W = (Qᵀb)[:d] with R's strict upper triangle in `a` and its diagonal in `diag`. */
function backSubstitute(
  a: Float64Array,
  b: Float64Array,
  diag: Float64Array,
  rows: number,
  d: number,
  m: number,
): Float64Array {
  const w = new Float64Array(d * m);
  for (let j = 0; j < m; j++) {
    for (let k = d - 1; k >= 0; k--) {
      let s = b[j * rows + k];
      for (let c = k + 1; c < d; c++) s -= a[c * rows + k] * w[c * m + j];
      w[k * m + j] = s / diag[k];
    }
  }
  return w;
}

/** Applies `y = x W` to `n` row vectors; returns float32 (keypoint arrays are float32). */
export function applyLinearMap(map: LinearMap, x: ArrayLike<number>, n: number): Float32Array {
  if (x.length !== n * map.inputs) {
    throw new Error(`expected ${n}×${map.inputs} inputs, got ${x.length}`);
  }
  const out = new Float32Array(n * map.outputs);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < map.outputs; j++) {
      let s = 0;
      for (let k = 0; k < map.inputs; k++) {
        s += x[i * map.inputs + k] * map.weights[k * map.outputs + j];
      }
      out[i * map.outputs + j] = s;
    }
  }
  return out;
}
