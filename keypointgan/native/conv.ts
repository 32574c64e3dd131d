/**
 * 2-D convolution (NHWC, dilation 1) on float32 arrays: forward, gradient w.r.t. the input
 * and w.r.t. the filter, with the multiply-adds in BLAS `sgemm`.
 *
 * Layouts: x [B, H, W, C], filter w [kH, kW, C, CO] (TF.js's layout, i.e. a row-major
 * [K = kH·kW·C, CO] matrix), y [B, OH, OW, CO].
 *
 * Every op is one of three patch products of a `ConvEngine` (JS or C, see `prims_js.ts` and
 * `c_kernels.ts`), which work in chunks of output rows whose patch matrix stays in cache:
 * - `im2colProduct`:  y  = patches(x) · w                (expands the input channels)
 * - `col2imProduct`:  x' = scatter(y' · wᵀ)              (expands the output channels)
 * - `im2colGradient`: dw = patches(x)ᵀ · dy
 * For stride-1 convs each op has two formulations (a stride-1 conv is the transposed conv of
 * its flipped, channel-transposed filter), and we expand the side with fewer channels: e.g.
 * the 32→3 output conv runs its forward pass as [n, 32]·[32, 27] plus a scatter instead of
 * [n, 288]·[288, 3], a GEMM shape BLAS handles 5–10× faster. The choice depends only on the
 * shapes, so results are reproducible. 1×1 stride-1 convs are plain matrix products.
 *
 * @module
 */
import type { BufferPool } from "./buffer_pool.ts";

/** Geometry of one conv: explicit top/left padding, bottom/right implied by the sizes. */
export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

/** Row-major sgemm: C = alpha·op(A)·op(B) + beta·C (lda/ldb/ldc default to packed strides). */
export type Sgemm = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  b: Float32Array,
  beta: number,
  c: Float32Array,
  lda?: number,
  ldb?: number,
  ldc?: number,
) => void;

/**
 * An Sgemm over a call that needs every leading dimension: lda/ldb/ldc default to the packed
 * strides, and empty products (m or n 0) make no call.
 */
export function packedSgemm(call: (...args: Required<Parameters<Sgemm>>) => void): Sgemm {
  return (tA, tB, m, n, k, alpha, a, b, beta, c, lda, ldb, ldc) => {
    if (m === 0 || n === 0) return;
    call(tA, tB, m, n, k, alpha, a, b, beta, c, lda ?? (tA ? m : k), ldb ?? (tB ? k : n), ldc ?? n);
  };
}

/** The three patch products (all outputs fully overwritten). */
export interface ConvEngine {
  readonly name: string;
  readonly sgemm: Sgemm;
  /** y [B, OH, OW, CO] = patches_g(x) · w, w as [kH·kW·C, CO]. */
  im2colProduct(x: Float32Array, w: Float32Array, g: ConvGeometry, y: Float32Array): void;
  /** out [B, H, W, C] = scatter_g(a · bᵀ), a [B·OH·OW, CO], b [kH·kW·C, CO]. */
  col2imProduct(a: Float32Array, b: Float32Array, g: ConvGeometry, out: Float32Array): void;
  /** dw [kH·kW·C, CO] = patches_g(x)ᵀ · dy. */
  im2colGradient(x: Float32Array, dy: Float32Array, g: ConvGeometry, dw: Float32Array): void;
  /** y = conv_g(x, w) computed directly (stride 1 only; see `useDirect`). Optional. */
  directConv?(x: Float32Array, w: Float32Array, g: ConvGeometry, y: Float32Array): void;
  /** dw = ∂L/∂w of conv_g computed directly (stride 1 only). Optional. */
  directFilterGradient?(x: Float32Array, dy: Float32Array, g: ConvGeometry, dw: Float32Array): void;
}

/** What the conv functions need: an engine and a scratch pool. */
export interface ConvContext {
  readonly engine: ConvEngine;
  readonly pool: BufferPool;
}

/** A 1×1 stride-1 unpadded conv is a plain matrix product over pixels. */
export function isPointwise(g: ConvGeometry): boolean {
  return g.kH === 1 && g.kW === 1 && g.strideH === 1 && g.strideW === 1 &&
    g.padTop === 0 && g.padLeft === 0 && g.outH === g.inH && g.outW === g.inW;
}

const unitStride = (g: ConvGeometry) => g.strideH === 1 && g.strideW === 1;

/** Expand the output-channel side instead of the input side (stride 1, fewer out channels). */
function expandOutputSide(g: ConvGeometry): boolean {
  return unitStride(g) && g.outC < g.inC;
}

/**
 * Direct convolution instead of a patch GEMM: stride-1 convs with ≤ 16 channels on one side,
 * where the GEMM's narrow side keeps BLAS far below its peak (8 columns: 37–47 GFLOP/s on the
 * small tier's 3×3 8 → 8 conv at 64 px, 108 directly; 16 columns at 32 px: 63 vs 114); the
 * direct kernels vectorise along image rows, so rows narrower than one 16-float vector stay on
 * the GEMM (D's 7×7-pixel output conv runs 3–5× slower directly). Measured with
 * bench/kernels_run.ts (docs/performance.md); the rule depends only on shapes.
 */
export function useDirect(g: ConvGeometry): boolean {
  return unitStride(g) && !isPointwise(g) &&
    Math.min(g.inC, g.outC) <= DIRECT_MAX_CHANNELS &&
    Math.min(g.inW, g.outW) >= DIRECT_MIN_WIDTH;
}

/** The channel count (of the narrower side) at or below which `useDirect` holds. */
export const DIRECT_MAX_CHANNELS = 16;
/** The narrowest image row (input and output) for which `useDirect` holds. */
export const DIRECT_MIN_WIDTH = 16;

/**
 * The direct filter gradient also needs few output channels: its register tiles block 4 of them
 * and re-read the input for each block, so with 16–32 output channels the GEMM wins (bench/
 * kernels_run.ts, GFLOP/s direct vs GEMM: 3→32 20 vs 55, 4→16 24 vs 48; but 4→8 92 vs 35,
 * 1→8 85 vs 27, 16→4 66 vs 48).
 */
export function useDirectFilterGradient(g: ConvGeometry): boolean {
  return useDirect(g) && g.outC <= DIRECT_FILTER_MAX_OUT;
}

/** The output channel count at or below which `useDirectFilterGradient` holds. */
export const DIRECT_FILTER_MAX_OUT = 8;

/** y [B, OH, OW, CO] = conv(x, w). */
export function conv2dForward(
  ctx: ConvContext,
  x: Float32Array,
  w: Float32Array,
  g: ConvGeometry,
  y: Float32Array,
): void {
  const { engine } = ctx;
  if (isPointwise(g)) {
    engine.sgemm(false, false, g.batch * g.inH * g.inW, g.outC, g.inC, 1, x, w, 0, y);
  } else if (engine.directConv && useDirect(g)) {
    engine.directConv(x, w, g, y);
  } else if (expandOutputSide(g)) {
    withFlipped(ctx, w, g, (wt) => engine.col2imProduct(x, wt, transposedGeometry(g), y));
  } else {
    engine.im2colProduct(x, w, g, y);
  }
}

/** dx [B, H, W, C] = ∂L/∂x given dy and w. */
export function conv2dBackpropInput(
  ctx: ConvContext,
  dy: Float32Array,
  w: Float32Array,
  g: ConvGeometry,
  dx: Float32Array,
): void {
  const { engine } = ctx;
  if (isPointwise(g)) {
    engine.sgemm(false, true, g.batch * g.inH * g.inW, g.inC, g.outC, 1, dy, w, 0, dx);
  } else if (engine.directConv && useDirect(g)) {
    // dx = conv(dy, flipped wᵀ) with the transposed geometry.
    const direct = engine.directConv.bind(engine);
    withFlipped(ctx, w, g, (wt) => direct(dy, wt, transposedGeometry(g), dx));
  } else if (unitStride(g) && g.outC <= g.inC) {
    // dx = conv(dy, flipped wᵀ): patches over dy's (fewer) channels.
    withFlipped(ctx, w, g, (wt) => engine.im2colProduct(dy, wt, transposedGeometry(g), dx));
  } else {
    engine.col2imProduct(dy, w, g, dx);
  }
}

/** dw [kH, kW, C, CO] = ∂L/∂w given x and dy. */
export function conv2dBackpropFilter(
  ctx: ConvContext,
  x: Float32Array,
  dy: Float32Array,
  g: ConvGeometry,
  dw: Float32Array,
): void {
  const { engine, pool } = ctx;
  if (isPointwise(g)) {
    engine.sgemm(true, false, g.inC, g.outC, g.batch * g.inH * g.inW, 1, x, dy, 0, dw);
  } else if (engine.directFilterGradient && useDirectFilterGradient(g)) {
    engine.directFilterGradient(x, dy, g, dw);
  } else if (expandOutputSide(g)) {
    // dwt [kH, kW, CO, C] = patches over dy's channels ᵀ · x; then flip back.
    const gt = transposedGeometry(g);
    const dwt = pool.take(dw.length);
    engine.im2colGradient(dy, x, gt, dwt);
    flipTransposeFilter(dwt, gt, dw);
    pool.give(dwt);
  } else {
    engine.im2colGradient(x, dy, g, dw);
  }
}

function withFlipped(
  ctx: ConvContext,
  w: Float32Array,
  g: ConvGeometry,
  f: (wt: Float32Array) => void,
): void {
  const wt = ctx.pool.take(w.length);
  flipTransposeFilter(w, g, wt);
  f(wt);
  ctx.pool.give(wt);
}

/**
 * The geometry of the transposed conv of a stride-1 conv: its input is the conv's output
 * and vice versa, with the complementary padding (kH-1-padTop, kW-1-padLeft).
 */
export function transposedGeometry(g: ConvGeometry): ConvGeometry {
  return {
    batch: g.batch,
    inH: g.outH,
    inW: g.outW,
    inC: g.outC,
    outH: g.inH,
    outW: g.inW,
    outC: g.inC,
    kH: g.kH,
    kW: g.kW,
    strideH: 1,
    strideW: 1,
    padTop: g.kH - 1 - g.padTop,
    padLeft: g.kW - 1 - g.padLeft,
  };
}

/** wt[ky, kx, co, c] = w[kH-1-ky, kW-1-kx, c, co] (its own inverse with C and CO swapped). */
export function flipTransposeFilter(w: Float32Array, g: ConvGeometry, wt: Float32Array): void {
  const { kH, kW, inC: C, outC: CO } = g;
  for (let ky = 0; ky < kH; ky++) {
    for (let kx = 0; kx < kW; kx++) {
      const src = ((kH - 1 - ky) * kW + (kW - 1 - kx)) * C * CO;
      const dst = (ky * kW + kx) * CO * C;
      for (let c = 0; c < C; c++) {
        for (let co = 0; co < CO; co++) wt[dst + co * C + c] = w[src + c * CO + co];
      }
    }
  }
}
