/**
 * The pure-JS conv engine (used when the C helper cannot be built): patch copies in JS,
 * products in BLAS sgemm with BLAS's own threads.
 *
 * For one output pixel and one filter row ky, the taps kx = 0..kW-1 read consecutive input
 * pixels, i.e. one contiguous run of kW·C floats in NHWC: each run is a single
 * `TypedArray.set` (a memcpy), clipped at the image border where the rest is zero-filled.
 *
 * @module
 */
import type { ConvEngine, ConvGeometry, Sgemm } from "./conv.ts";
import type { BufferPool } from "./buffer_pool.ts";

/** Clipped tap range [kx0, kx1) of the row segment starting at input column ix0. */
function tapRange(ix0: number, kW: number, inW: number): [number, number] {
  return [Math.max(0, -ix0), Math.min(kW, inW - ix0)];
}

/** Patch rows of global output rows [row0, row0 + rows) into cols [rows·OW, kH·kW·C]. */
export function im2colJs(
  x: Float32Array,
  g: ConvGeometry,
  row0: number,
  rows: number,
  cols: Float32Array,
): void {
  const { inH, inW, inC: C, outH, outW, kH, kW, strideH, strideW, padTop, padLeft } = g;
  const run = kW * C;
  let d = 0;
  for (let row = row0; row < row0 + rows; row++) {
    const b = Math.floor(row / outH), oy = row - b * outH;
    for (let ox = 0; ox < outW; ox++) {
      const ix0 = ox * strideW - padLeft;
      const [kx0, kx1] = tapRange(ix0, kW, inW);
      for (let ky = 0; ky < kH; ky++, d += run) {
        const iy = oy * strideH + ky - padTop;
        if (iy < 0 || iy >= inH || kx1 <= kx0) {
          cols.fill(0, d, d + run);
          continue;
        }
        if (kx0 > 0) cols.fill(0, d, d + kx0 * C);
        const s = ((b * inH + iy) * inW + ix0 + kx0) * C;
        cols.set(x.subarray(s, s + (kx1 - kx0) * C), d + kx0 * C);
        if (kx1 < kW) cols.fill(0, d + kx1 * C, d + run);
      }
    }
  }
}

/** dx += scatter of patch rows of output rows [row0, row0 + rows). */
export function col2imJs(
  cols: Float32Array,
  g: ConvGeometry,
  row0: number,
  rows: number,
  dx: Float32Array,
): void {
  const { inH, inW, inC: C, outH, outW, kH, kW, strideH, strideW, padTop, padLeft } = g;
  const run = kW * C;
  let d = 0;
  for (let row = row0; row < row0 + rows; row++) {
    const b = Math.floor(row / outH), oy = row - b * outH;
    for (let ox = 0; ox < outW; ox++) {
      const ix0 = ox * strideW - padLeft;
      const [kx0, kx1] = tapRange(ix0, kW, inW);
      for (let ky = 0; ky < kH; ky++, d += run) {
        const iy = oy * strideH + ky - padTop;
        if (iy < 0 || iy >= inH || kx1 <= kx0) continue;
        const s = ((b * inH + iy) * inW + ix0 + kx0) * C, src = d + kx0 * C;
        const n = (kx1 - kx0) * C;
        for (let j = 0; j < n; j++) dx[s + j] += cols[src + j];
      }
    }
  }
}

/** Default patch chunk for the JS engine: 512 Ki floats (2 MiB). */
export const JS_CHUNK_FLOATS = 512 * 1024;

/** The JS engine over a BLAS sgemm, with scratch from `pool`. */
export function jsConvEngine(
  sgemm: Sgemm,
  pool: BufferPool,
  chunkFloats = JS_CHUNK_FLOATS,
): ConvEngine {
  const chunkRows = (g: ConvGeometry) =>
    Math.max(1, Math.floor(chunkFloats / (g.outW * g.kH * g.kW * g.inC)));
  /** Calls f(row0, rows, cols) over all output rows with a pooled patch buffer. */
  const chunks = (g: ConvGeometry, f: (row0: number, rows: number, cols: Float32Array) => void) => {
    const step = chunkRows(g), total = g.batch * g.outH;
    const cols = pool.take(Math.min(step, total) * g.outW * g.kH * g.kW * g.inC);
    for (let row0 = 0; row0 < total; row0 += step) f(row0, Math.min(step, total - row0), cols);
    pool.give(cols);
  };
  return {
    name: "js",
    sgemm,
    im2colProduct(x, w, g, y) {
      const K = g.kH * g.kW * g.inC, CO = g.outC;
      chunks(g, (row0, rows, cols) => {
        im2colJs(x, g, row0, rows, cols);
        sgemm(false, false, rows * g.outW, CO, K, 1, cols, w, 0, y.subarray(row0 * g.outW * CO));
      });
    },
    col2imProduct(a, b, g, out) {
      const K = g.kH * g.kW * g.inC, CO = g.outC;
      out.fill(0);
      chunks(g, (row0, rows, cols) => {
        sgemm(false, true, rows * g.outW, K, CO, 1, a.subarray(row0 * g.outW * CO), b, 0, cols);
        col2imJs(cols, g, row0, rows, out);
      });
    },
    im2colGradient(x, dy, g, dw) {
      const K = g.kH * g.kW * g.inC, CO = g.outC;
      chunks(g, (row0, rows, cols) => {
        im2colJs(x, g, row0, rows, cols);
        const dyChunk = dy.subarray(row0 * g.outW * CO);
        sgemm(
          true,
          false,
          K,
          CO,
          rows * g.outW,
          1,
          cols,
          dyChunk,
          row0 === 0 ? 0 : 1,
          dw,
          K,
          CO,
          CO,
        );
      });
    },
  };
}
