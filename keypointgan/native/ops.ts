/**
 * The memory-bound primitives of the native backend (elementwise maths, reductions, strided
 * copies, resizing), with op codes shared by the JS implementation (`ops_js.ts`) and the C
 * helper (`c_kernels.c`, same numbers). Semantics follow TF.js's CPU kernels, NaN propagation
 * included, so a NaN in training still surfaces as a NaN loss.
 *
 * @module
 */
import type { LoopPlan } from "./shapes.ts";

/** Unary op codes (same numbers in c_kernels.c). `p0`/`p1` are the op's scalar attributes. */
export const Unary = {
  relu: 0,
  relu6: 1,
  /** p0 = alpha */
  leakyRelu: 2,
  /** x > 0 ? 1 : p0 (NaN stays NaN) */
  step: 3,
  abs: 4,
  neg: 5,
  square: 6,
  sqrt: 7,
  rsqrt: 8,
  exp: 9,
  log: 10,
  tanh: 11,
  sigmoid: 12,
  reciprocal: 13,
  elu: 14,
  /** clamp to [p0, p1] */
  clip: 15,
  sign: 16,
  /** y = p0 (fill) */
  fill: 17,
} as const;

/** Binary op codes; codes ≥ 10 are comparisons producing bool (Uint8Array). */
export const Binary = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  max: 4,
  min: 5,
  squaredDifference: 6,
  /** a < 0 ? b·a : a */
  prelu: 7,
  /** ReLU gradient dy·step(x) (a = dy, b = x; NaN x gives NaN) */
  reluGrad: 8,
  /** LeakyReLU gradient x > 0 ? dy : p0·dy (a = dy, b = x) */
  leakyReluGrad: 9,
  greater: 10,
  greaterEqual: 11,
  less: 12,
  lessEqual: 13,
  equal: 14,
  notEqual: 15,
} as const;

/** Reduction op codes. `scale` multiplies sums (1/n for a mean). */
export const Reduce = { sum: 0, max: 1, min: 2, prod: 3 } as const;

/** Resize geometry (NHWC): input [B, H, W, C] → output [B, OH, OW, C]. */
export interface ResizeGeometry {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/** The primitives. Outputs are fully overwritten unless stated. */
export interface NativeOps {
  readonly name: string;
  /** y[i] = op(x[i]) for i < y.length. */
  unary(op: number, x: Float32Array, y: Float32Array, p0: number, p1: number): void;
  /** out (contiguous in plan order) = op(a, b) over the plan's loops; p0 = the op's scalar. */
  binary(
    op: number,
    a: Float32Array,
    b: Float32Array,
    out: Float32Array | Uint8Array,
    plan: LoopPlan,
    p0?: number,
  ): void;
  /** out[i] = cond[i] ? a[i] : b[i] (same shapes). */
  select(cond: Uint8Array, a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** out[o, i] = reduce over r of x[o, r, i], times `scale` for sums. */
  reduce(
    op: number,
    x: Float32Array,
    out: Float32Array,
    outer: number,
    red: number,
    inner: number,
    scale: number,
  ): void;
  /** dst[plan·a + dstOff] = src[plan·b + srcOff]. */
  copy(dst: Float32Array, dstOff: number, src: Float32Array, srcOff: number, plan: LoopPlan): void;
  /** z = y·gamma + beta per channel (`rows` × `inner`), then max(z, 0) when `relu`. */
  affineRelu(
    y: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    z: Float32Array,
    rows: number,
    inner: number,
    relu: boolean,
  ): void;
  /**
   * The gradient of `affineRelu` after `normalize` (y = normalize's output, sd its s), from dz:
   * g = dz masked where z ≤ 0 (ReLU), dgamma = Σ g·y, dbeta = Σ g (outer × inner) and
   * dx = gamma·((g − mean(g)) − y·mean(g·y)) / sd.
   */
  affineReluGrad(
    dz: Float32Array,
    y: Float32Array,
    sd: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    dx: Float32Array,
    dgamma: Float32Array,
    dbeta: Float32Array,
    outer: number,
    red: number,
    inner: number,
    relu: boolean,
  ): void;
  /**
   * β's edge images: out[e, y, x] = exp(negInv·d) (linear) or exp(negInv·d²), d the distance
   * from (grid[x], grid[y]) to the segment pa[e]–pb[e] (`be` edges of 2 floats, out be × S × S).
   */
  skeletonEdges(
    pa: Float32Array,
    pb: Float32Array,
    grid: Float32Array,
    out: Float32Array,
    be: number,
    size: number,
    negInv: number,
    linear: boolean,
  ): void;
  /** The gradient of `skeletonEdges` w.r.t. pa and pb from dy (be × S × S), sums per edge. */
  skeletonEdgesGrad(
    dy: Float32Array,
    pa: Float32Array,
    pb: Float32Array,
    grid: Float32Array,
    dpa: Float32Array,
    dpb: Float32Array,
    be: number,
    size: number,
    negInv: number,
    linear: boolean,
  ): void;
  /**
   * Normalise x[o, r, i] over r: mean, variance (biased) and sd = sqrt(variance + eps) per
   * (o, i) (outer × inner floats), y = (x − mean) / sd; the roundings of TF.js's Mean, Sub,
   * Square, Mean, Add, Sqrt and RealDiv kernels here (double sums in increasing r).
   */
  normalize(
    x: Float32Array,
    y: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    sd: Float32Array,
    outer: number,
    red: number,
    inner: number,
    eps: number,
  ): void;
  /** dx = (dy − mean(dy) − y·mean(dy·y)) / sd over r, the gradient of `normalize`'s y. */
  normalizeGrad(
    dy: Float32Array,
    y: Float32Array,
    sd: Float32Array,
    dx: Float32Array,
    outer: number,
    red: number,
    inner: number,
  ): void;
  resizeBilinear(x: Float32Array, y: Float32Array, g: ResizeGeometry): void;
  /** dx = adjoint of resizeBilinear applied to dy (exact, halfPixelCenters included). */
  resizeBilinearGrad(dy: Float32Array, dx: Float32Array, g: ResizeGeometry): void;
  resizeNearest(x: Float32Array, y: Float32Array, g: ResizeGeometry): void;
  resizeNearestGrad(dy: Float32Array, dx: Float32Array, g: ResizeGeometry): void;
}

/** Source index and weight tables of a bilinear resize along one axis (TF.js formula). */
export function bilinearTaps(
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  halfPixel: boolean,
): { lo: Int32Array; hi: Int32Array; frac: Float64Array } {
  const effIn = alignCorners && outSize > 1 ? inSize - 1 : inSize;
  const effOut = alignCorners && outSize > 1 ? outSize - 1 : outSize;
  const ratio = effIn / effOut;
  const lo = new Int32Array(outSize),
    hi = new Int32Array(outSize),
    frac = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const src = halfPixel ? ratio * (o + 0.5) - 0.5 : ratio * o;
    const floor = Math.max(0, Math.floor(src));
    lo[o] = floor;
    hi[o] = Math.min(inSize - 1, Math.ceil(src));
    frac[o] = src - floor;
  }
  return { lo, hi, frac };
}

/** Source index table of a nearest-neighbour resize along one axis (TF.js formula). */
export function nearestTaps(
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  halfPixel: boolean,
): Int32Array {
  const effIn = alignCorners && outSize > 1 ? inSize - 1 : inSize;
  const effOut = alignCorners && outSize > 1 ? outSize - 1 : outSize;
  const ratio = effIn / effOut;
  const idx = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const src = halfPixel ? ratio * (o + 0.5) : ratio * o;
    let i = Math.min(inSize - 1, alignCorners ? Math.round(src) : Math.floor(src));
    if (halfPixel) i = Math.max(0, i);
    idx[o] = i;
  }
  return idx;
}
