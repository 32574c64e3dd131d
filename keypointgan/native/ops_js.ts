/**
 * JS implementation of the native primitives (`ops.ts`): the fallback when the C helper is not
 * built, and the reference the C versions are tested against.
 *
 * @module
 */
import {
  bilinearTaps,
  Binary,
  type NativeOps,
  nearestTaps,
  Reduce,
  type ResizeGeometry,
  Unary,
} from "./ops.ts";

type F = (v: number) => number;

function unaryFn(op: number, p0: number, p1: number): F {
  switch (op) {
    case Unary.relu:
      return (v) => (v < 0 ? 0 : v);
    case Unary.relu6:
      return (v) => (v < 0 ? 0 : v > 6 ? 6 : v);
    case Unary.leakyRelu:
      return (v) => (v < 0 ? p0 * v : v);
    case Unary.step:
      return (v) => (v > 0 ? 1 : v !== v ? NaN : p0);
    case Unary.abs:
      return Math.abs;
    case Unary.neg:
      return (v) => -v;
    case Unary.square:
      return (v) => v * v;
    case Unary.sqrt:
      return Math.sqrt;
    case Unary.rsqrt:
      return (v) => 1 / Math.sqrt(v);
    case Unary.exp:
      return Math.exp;
    case Unary.log:
      return Math.log;
    case Unary.tanh:
      return Math.tanh;
    case Unary.sigmoid:
      return (v) => 1 / (1 + Math.exp(-v));
    case Unary.reciprocal:
      return (v) => 1 / v;
    case Unary.elu:
      return (v) => (v >= 0 ? v : Math.exp(v) - 1);
    case Unary.clip:
      return (v) => (v > p1 ? p1 : v < p0 ? p0 : v);
    case Unary.sign:
      return (v) => (v < 0 ? -1 : v > 0 ? 1 : 0);
    case Unary.fill:
      return () => p0;
  }
  throw new Error(`native: unknown unary op ${op}`);
}

type G = (a: number, b: number) => number;

function binaryFn(op: number, p0: number): G {
  switch (op) {
    case Binary.add:
      return (a, b) => a + b;
    case Binary.sub:
      return (a, b) => a - b;
    case Binary.mul:
      return (a, b) => a * b;
    case Binary.div:
      return (a, b) => a / b;
    case Binary.max:
      return Math.max;
    case Binary.min:
      return Math.min;
    case Binary.squaredDifference:
      return (a, b) => (a - b) * (a - b);
    case Binary.prelu:
      return (a, b) => (a < 0 ? b * a : a);
    case Binary.reluGrad:
      return (a, b) => (b > 0 ? a : b !== b ? b : a * 0);
    case Binary.leakyReluGrad:
      return (a, b) => (b > 0 ? a : a * p0);
    case Binary.greater:
      return (a, b) => (a > b ? 1 : 0);
    case Binary.greaterEqual:
      return (a, b) => (a >= b ? 1 : 0);
    case Binary.less:
      return (a, b) => (a < b ? 1 : 0);
    case Binary.lessEqual:
      return (a, b) => (a <= b ? 1 : 0);
    case Binary.equal:
      return (a, b) => (a === b ? 1 : 0);
    case Binary.notEqual:
      return (a, b) => (a !== b ? 1 : 0);
  }
  throw new Error(`native: unknown binary op ${op}`);
}

const unary: NativeOps["unary"] = (op, x, y, p0, p1) => {
  const n = y.length;
  // The hottest ops get monomorphic loops (a closure call per element costs ~3×).
  if (op === Unary.relu) {
    for (let i = 0; i < n; i++) y[i] = Math.max(0, x[i]);
    return;
  }
  if (op === Unary.fill) {
    y.fill(p0);
    return;
  }
  const f = unaryFn(op, p0, p1);
  for (let i = 0; i < n; i++) y[i] = f(x[i]);
};

const binary: NativeOps["binary"] = (op, a, b, out, plan, p0 = 0) => {
  const [n0, n1, n2, n3] = plan.shape;
  const [a0, a1, a2, a3] = plan.aStrides, [b0, b1, b2, b3] = plan.bStrides;
  if (op === Binary.mul && a3 === 1 && b3 === 1 && n0 * n1 * n2 === 1) {
    for (let i = 0; i < n3; i++) out[i] = a[i] * b[i];
    return;
  }
  const f = binaryFn(op, p0);
  let o = 0;
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      for (let i2 = 0; i2 < n2; i2++) {
        let ia = i0 * a0 + i1 * a1 + i2 * a2, ib = i0 * b0 + i1 * b1 + i2 * b2;
        for (let i3 = 0; i3 < n3; i3++, ia += a3, ib += b3) out[o++] = f(a[ia], b[ib]);
      }
    }
  }
};

const select: NativeOps["select"] = (cond, a, b, out) => {
  for (let i = 0; i < out.length; i++) out[i] = cond[i] ? a[i] : b[i];
};

const reduce: NativeOps["reduce"] = (op, x, out, outer, red, inner, scale) => {
  // Accumulate in doubles, like TF.js's CPU Sum (JS numbers), one output at a time in
  // increasing r: the order is fixed, so results are reproducible.
  if (inner === 1 && op === Reduce.sum) {
    for (let o = 0; o < outer; o++) {
      let sum = 0;
      for (let r = o * red, end = r + red; r < end; r++) sum += x[r];
      out[o] = sum * scale;
    }
    return;
  }
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * red * inner;
    if (op === Reduce.sum || op === Reduce.prod) acc.fill(op === Reduce.sum ? 0 : 1);
    else for (let i = 0; i < inner; i++) acc[i] = x[base + i];
    for (let r = op === Reduce.max || op === Reduce.min ? 1 : 0; r < red; r++) {
      const row = base + r * inner;
      if (op === Reduce.sum) { for (let i = 0; i < inner; i++) acc[i] += x[row + i]; }
      else if (op === Reduce.prod) { for (let i = 0; i < inner; i++) acc[i] *= x[row + i]; }
      else if (op === Reduce.max) {
        for (let i = 0; i < inner; i++) acc[i] = nanMax(acc[i], x[row + i]);
      } else for (let i = 0; i < inner; i++) acc[i] = nanMin(acc[i], x[row + i]);
    }
    const s = op === Reduce.sum ? scale : 1;
    for (let i = 0; i < inner; i++) out[o * inner + i] = acc[i] * s;
  }
};

// As TF.js's Max/Min kernels: any NaN in the reduced values makes the result NaN.
const nanMax = (m: number, v: number) => (v > m || v !== v ? v : m);
const nanMin = (m: number, v: number) => (v < m || v !== v ? v : m);

const copy: NativeOps["copy"] = (dst, dstOff, src, srcOff, plan) => {
  const [n0, n1, n2, n3] = plan.shape;
  const [d0, d1, d2, d3] = plan.aStrides, [s0, s1, s2, s3] = plan.bStrides;
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      for (let i2 = 0; i2 < n2; i2++) {
        const d = dstOff + i0 * d0 + i1 * d1 + i2 * d2, s = srcOff + i0 * s0 + i1 * s1 + i2 * s2;
        if (d3 === 1 && s3 === 1) dst.set(src.subarray(s, s + n3), d);
        else for (let i3 = 0; i3 < n3; i3++) dst[d + i3 * d3] = src[s + i3 * s3];
      }
    }
  }
};

/**
 * Every output pixel of a bilinear resize: `visit(o, tl, tr, bl, br, cf, rf)` with o the offset of
 * its first channel, tl…br those of its four source pixels and cf, rf the column and row weights.
 */
function forBilinear(
  g: ResizeGeometry,
  visit: (
    o: number,
    tl: number,
    tr: number,
    bl: number,
    br: number,
    cf: number,
    rf: number,
  ) => void,
): void {
  const rows = bilinearTaps(g.inH, g.outH, g.alignCorners, g.halfPixelCenters);
  const cols = bilinearTaps(g.inW, g.outW, g.alignCorners, g.halfPixelCenters);
  const C = g.channels;
  let o = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let r = 0; r < g.outH; r++) {
      const top = (b * g.inH + rows.lo[r]) * g.inW, bot = (b * g.inH + rows.hi[r]) * g.inW;
      const rf = rows.frac[r];
      for (let c = 0; c < g.outW; c++, o += C) {
        const l = cols.lo[c] * C, h = cols.hi[c] * C, cf = cols.frac[c];
        visit(o, top * C + l, top * C + h, bot * C + l, bot * C + h, cf, rf);
      }
    }
  }
}

/** Every output pixel of a nearest resize: `visit(o, s)`, the offsets of its and its source's first channel. */
function forNearest(g: ResizeGeometry, visit: (o: number, s: number) => void): void {
  const rows = nearestTaps(g.inH, g.outH, g.alignCorners, g.halfPixelCenters);
  const cols = nearestTaps(g.inW, g.outW, g.alignCorners, g.halfPixelCenters);
  const C = g.channels;
  let o = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let r = 0; r < g.outH; r++) {
      const row = (b * g.inH + rows[r]) * g.inW;
      for (let c = 0; c < g.outW; c++, o += C) visit(o, (row + cols[c]) * C);
    }
  }
}

const resizeBilinear: NativeOps["resizeBilinear"] = (x, y, g) => {
  const C = g.channels;
  forBilinear(g, (o, tl, tr, bl, br, cf, rf) => {
    for (let d = 0; d < C; d++) {
      const t = x[tl + d] + (x[tr + d] - x[tl + d]) * cf;
      const u = x[bl + d] + (x[br + d] - x[bl + d]) * cf;
      y[o + d] = t + (u - t) * rf;
    }
  });
};

const resizeBilinearGrad: NativeOps["resizeBilinearGrad"] = (dy, dx, g) => {
  const C = g.channels;
  dx.fill(0);
  forBilinear(g, (o, tl, tr, bl, br, cf, rf) => {
    const wtl = (1 - rf) * (1 - cf), wtr = (1 - rf) * cf, wbl = rf * (1 - cf), wbr = rf * cf;
    for (let d = 0; d < C; d++) {
      const v = dy[o + d];
      dx[tl + d] += v * wtl;
      dx[tr + d] += v * wtr;
      dx[bl + d] += v * wbl;
      dx[br + d] += v * wbr;
    }
  });
};

const resizeNearest: NativeOps["resizeNearest"] = (x, y, g) => {
  const C = g.channels;
  forNearest(g, (o, s) => y.set(x.subarray(s, s + C), o));
};

const resizeNearestGrad: NativeOps["resizeNearestGrad"] = (dy, dx, g) => {
  const C = g.channels;
  dx.fill(0);
  forNearest(g, (o, s) => {
    for (let d = 0; d < C; d++) dx[s + d] += dy[o + d];
  });
};

/** The JS primitives. */
const normalize: NativeOps["normalize"] = (x, y, mean, variance, sd, outer, red, inner, eps) => {
  const e = Math.fround(eps), scale = 1 / red;
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * red * inner, at = o * inner;
    acc.fill(0);
    for (let r = 0; r < red; r++) {
      const row = base + r * inner;
      for (let i = 0; i < inner; i++) acc[i] += x[row + i];
    }
    for (let i = 0; i < inner; i++) mean[at + i] = acc[i] * scale;
    acc.fill(0);
    for (let r = 0; r < red; r++) {
      const row = base + r * inner;
      for (let i = 0; i < inner; i++) {
        const d = Math.fround(x[row + i] - mean[at + i]);
        acc[i] += Math.fround(d * d);
      }
    }
    for (let i = 0; i < inner; i++) {
      variance[at + i] = acc[i] * scale;
      sd[at + i] = Math.sqrt(Math.fround(variance[at + i] + e));
    }
    for (let r = 0; r < red; r++) {
      const row = base + r * inner;
      for (let i = 0; i < inner; i++) {
        y[row + i] = Math.fround(x[row + i] - mean[at + i]) / sd[at + i];
      }
    }
  }
};

const F6 = Math.fround(1e-6);

const skeletonEdges: NativeOps["skeletonEdges"] = (pa, pb, grid, out, be, S, negInv, linear) => {
  const fr = Math.fround;
  let o = 0;
  for (let e = 0; e < be; e++) {
    const ax = pa[2 * e], ay = pa[2 * e + 1];
    const dx = fr(pb[2 * e] - ax), dy = fr(pb[2 * e + 1] - ay);
    const sq = fr(fr(dx * dx) + fr(dy * dy)), len2 = sq >= F6 ? sq : F6;
    for (let yi = 0; yi < S; yi++) {
      const ry = fr(grid[yi] - ay), ryd = fr(ry * dy);
      for (let xi = 0; xi < S; xi++, o++) {
        const rx = fr(grid[xi] - ax);
        const q = fr(fr(fr(rx * dx) + ryd) / len2);
        const t = q < 0 ? 0 : q > 1 ? 1 : q;
        const ex = fr(rx - fr(t * dx)), ey = fr(ry - fr(t * dy));
        const d2 = fr(fr(ex * ex) + fr(ey * ey));
        const arg = linear ? fr(Math.sqrt(fr(d2 + F6))) : d2;
        out[o] = Math.exp(fr(arg * negInv));
      }
    }
  }
};

const skeletonEdgesGrad: NativeOps["skeletonEdgesGrad"] = (
  g,
  pa,
  pb,
  grid,
  dpa,
  dpb,
  be,
  S,
  negInv,
  linear,
) => {
  const fr = Math.fround;
  for (let e = 0; e < be; e++) {
    const ax = pa[2 * e], ay = pa[2 * e + 1];
    const dx = fr(pb[2 * e] - ax), dy = fr(pb[2 * e + 1] - ay);
    const sq = fr(fr(dx * dx) + fr(dy * dy)), len2 = sq >= F6 ? sq : F6;
    let gax = 0, gay = 0, gdx = 0, gdy = 0, glen2 = 0;
    let o = e * S * S;
    for (let yi = 0; yi < S; yi++) {
      const ry = fr(grid[yi] - ay), ryd = fr(ry * dy);
      for (let xi = 0; xi < S; xi++, o++) {
        const gv = g[o];
        if (gv === 0) continue;
        const rx = fr(grid[xi] - ax);
        const num = fr(fr(rx * dx) + ryd), q = fr(num / len2);
        const t = q < 0 ? 0 : q > 1 ? 1 : q;
        const ex = fr(rx - fr(t * dx)), ey = fr(ry - fr(t * dy));
        const d2 = fr(fr(ex * ex) + fr(ey * ey));
        const arg = linear ? fr(Math.sqrt(fr(d2 + F6))) : d2;
        const v = fr(Math.exp(fr(arg * negInv)));
        const darg = gv * v * negInv;
        const dd2 = linear ? darg / (2 * arg) : darg;
        const dex = 2 * dd2 * ex, dey = 2 * dd2 * ey;
        gdx -= dex * t, gdy -= dey * t;
        const dq = q >= 0 && q <= 1 ? -(dex * dx + dey * dy) : 0;
        const dnum = dq / len2;
        glen2 -= (dq * num) / (len2 * len2);
        gdx += dnum * rx, gdy += dnum * ry;
        gax -= dex + dnum * dx, gay -= dey + dnum * dy;
      }
    }
    if (sq >= F6) gdx += 2 * glen2 * dx, gdy += 2 * glen2 * dy;
    dpa[2 * e] = gax - gdx, dpa[2 * e + 1] = gay - gdy;
    dpb[2 * e] = gdx, dpb[2 * e + 1] = gdy;
  }
};

const affineRelu: NativeOps["affineRelu"] = (y, gamma, beta, z, rows, inner, relu) => {
  for (let r = 0, o = 0; r < rows; r++) {
    for (let i = 0; i < inner; i++, o++) {
      const v = Math.fround(Math.fround(y[o] * gamma[i]) + beta[i]);
      z[o] = relu && v < 0 ? 0 : v;
    }
  }
};

/**
 * The gradient of `normalize` (no `affine`: dx = ((g − mean(g)) − y·mean(g·y)) / sd, g = dz) or
 * of `affineRelu` after it (dx = gamma·(…) / sd, dgamma = Σ g·y, dbeta = Σ g, g = masked dz).
 */
function gradOfNormalized(
  [dz, y, sd, dx, outer, red, inner]: Parameters<NativeOps["normalizeGrad"]>,
  affine?: {
    gamma: Float32Array;
    dgamma: Float32Array;
    dbeta: Float32Array;
    masked: (k: number, i: number) => number;
  },
): void {
  const grad = affine?.masked ?? ((k: number) => dz[k]);
  const a1 = new Float64Array(inner), a2 = new Float64Array(inner);
  const m1 = new Float32Array(inner), m2 = new Float32Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * red * inner, at = o * inner;
    a1.fill(0), a2.fill(0);
    for (let r = 0; r < red; r++) {
      const row = base + r * inner;
      for (let i = 0; i < inner; i++) {
        const g = grad(row + i, i);
        a1[i] += g;
        a2[i] += Math.fround(g * y[row + i]);
      }
    }
    for (let i = 0; i < inner; i++) {
      if (affine) affine.dbeta[at + i] = a1[i], affine.dgamma[at + i] = a2[i];
      m1[i] = a1[i] / red, m2[i] = a2[i] / red;
    }
    for (let r = 0; r < red; r++) {
      const row = base + r * inner;
      for (let i = 0; i < inner; i++) {
        const g = grad(row + i, i);
        const d = Math.fround(Math.fround(g - m1[i]) - Math.fround(y[row + i] * m2[i]));
        dx[row + i] = (affine ? Math.fround(affine.gamma[i] * d) : d) / sd[at + i];
      }
    }
  }
}

const normalizeGrad: NativeOps["normalizeGrad"] = (...args) => gradOfNormalized(args);

const affineReluGrad: NativeOps["affineReluGrad"] = (
  dz,
  y,
  sd,
  gamma,
  beta,
  dx,
  dgamma,
  dbeta,
  outer,
  red,
  inner,
  relu,
) => {
  const masked = (k: number, i: number) => {
    if (!relu) return dz[k];
    const v = Math.fround(Math.fround(y[k] * gamma[i]) + beta[i]);
    return v > 0 ? dz[k] : v !== v ? v : dz[k] * 0; // as KpgReluGrad
  };
  gradOfNormalized([dz, y, sd, dx, outer, red, inner], { gamma, dgamma, dbeta, masked });
};

export const jsOps: NativeOps = {
  name: "js",
  unary,
  binary,
  select,
  reduce,
  copy,
  normalize,
  normalizeGrad,
  affineRelu,
  affineReluGrad,
  skeletonEdges,
  skeletonEdgesGrad,
  resizeBilinear,
  resizeBilinearGrad,
  resizeNearest,
  resizeNearestGrad,
};
