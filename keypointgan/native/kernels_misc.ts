/**
 * Native kernels with simple single-pass JS loops (no transpose, no per-element index maths,
 * unlike the stock versions): ArgMax/ArgMin along one axis, LogicalAnd/Or/Not on same-shape
 * bool tensors, unpadded AvgPool with its gradient (the model's image pyramids), OneHot and
 * UnsortedSegmentSum (β's edge masks and the gradient of its gathers), last-axis Softmax.
 *
 * @module
 */
import type { TensorInfo } from "@tensorflow/tfjs-core";
import {
  anyValues,
  f32,
  type KernelArgs,
  type NativeEnv,
  type NativeKernel,
  output,
  sizeOf,
  takeOut,
} from "./kernel_util.ts";
import { reducePlan } from "./shapes.ts";

function argReduce(name: string, greater: boolean): NativeKernel {
  return {
    name,
    body: ({ inputs, backend, attrs }: KernelArgs) => {
      const x = f32(backend, inputs.x);
      const shape = inputs.x.shape;
      const axisAttr = Array.isArray(attrs.axis) ? attrs.axis : [attrs.axis];
      if (!x || axisAttr.length !== 1 || x.length === 0) return undefined;
      const axis = axisAttr[0] < 0 ? axisAttr[0] + shape.length : axisAttr[0];
      const plan = reducePlan(shape, [axis]);
      if (!plan) return undefined;
      const { outer, reduce: red, inner } = plan;
      const idx = new Int32Array(outer * inner);
      const best = new Float32Array(inner);
      for (let o = 0; o < outer; o++) {
        const base = o * red * inner, at = o * inner;
        best.set(x.subarray(base, base + inner));
        // Strict comparison: the first extreme wins, as in TF.js's CPU kernels.
        for (let r = 1; r < red; r++) {
          const row = base + r * inner;
          for (let i = 0; i < inner; i++) {
            const v = x[row + i];
            if (greater ? v > best[i] : v < best[i]) {
              best[i] = v;
              idx[at + i] = r;
            }
          }
        }
      }
      return backend.makeTensorInfo(shape.filter((_, i) => i !== axis), "int32", idx);
    },
  };
}

function logicalKernel(name: string, f: (a: number, b: number) => number): NativeKernel {
  return {
    name,
    body: ({ inputs, backend }: KernelArgs) => {
      const { a, b } = inputs;
      const va = backend.data.get(a.dataId).values, vb = backend.data.get(b.dataId).values;
      if (a.dtype !== "bool" || b.dtype !== "bool" || a.shape.join() !== b.shape.join()) {
        return undefined;
      }
      if (!(va instanceof Uint8Array) || !(vb instanceof Uint8Array)) return undefined;
      const out = new Uint8Array(va.length);
      for (let i = 0; i < out.length; i++) out[i] = f(va[i], vb[i]);
      return backend.makeTensorInfo(a.shape, "bool", out);
    },
  };
}

const logicalNot: NativeKernel = {
  name: "LogicalNot",
  body: ({ inputs, backend }: KernelArgs) => {
    const v = backend.data.get(inputs.x.dataId).values;
    if (inputs.x.dtype !== "bool" || !(v instanceof Uint8Array)) return undefined;
    const out = new Uint8Array(v.length);
    for (let i = 0; i < out.length; i++) out[i] = v[i] ? 0 : 1;
    return backend.makeTensorInfo(inputs.x.shape, "bool", out);
  },
};

/** Window geometry of an unpadded NHWC average pool, or undefined when padded/unsupported. */
function poolGeometry(env: NativeEnv, xShape: number[], attrs: KernelArgs["attrs"]) {
  const info = env.rt.computePool2DInfo(
    xShape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const p = info.padInfo;
  if (p.top || p.left || p.bottom || p.right || info.dataFormat !== "channelsLast") {
    return undefined;
  }
  return info;
}

function avgPool({ inputs, backend, attrs }: KernelArgs, env: NativeEnv): TensorInfo | undefined {
  const x = f32(backend, inputs.x);
  if (!x) return undefined;
  const g = poolGeometry(env, inputs.x.shape, attrs);
  if (!g) return undefined;
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const fh = g.filterHeight, fw = g.filterWidth, sh = g.strideHeight, sw = g.strideWidth;
  const y = backend.pool.take(B * OH * OW * C);
  const acc = new Float64Array(C), scale = 1 / (fh * fw);
  let o = 0;
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++, o += C) {
        acc.fill(0);
        for (let ky = 0; ky < fh; ky++) {
          let s = ((b * H + oy * sh + ky) * W + ox * sw) * C;
          for (let kx = 0; kx < fw; kx++, s += C) {
            for (let c = 0; c < C; c++) acc[c] += x[s + c];
          }
        }
        for (let c = 0; c < C; c++) y[o + c] = acc[c] * scale;
      }
    }
  }
  return output(backend, g.outShape, y);
}

function avgPoolGrad(
  { inputs, backend, attrs }: KernelArgs,
  env: NativeEnv,
): TensorInfo | undefined {
  const dy = f32(backend, inputs.dy);
  if (!dy) return undefined;
  const g = poolGeometry(env, inputs.input.shape, attrs);
  if (!g) return undefined;
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const fh = g.filterHeight, fw = g.filterWidth, sh = g.strideHeight, sw = g.strideWidth;
  const dx = backend.pool.take(sizeOf(inputs.input.shape));
  dx.fill(0);
  const scale = 1 / (fh * fw);
  let o = 0;
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++, o += C) {
        for (let ky = 0; ky < fh; ky++) {
          let s = ((b * H + oy * sh + ky) * W + ox * sw) * C;
          for (let kx = 0; kx < fw; kx++, s += C) {
            for (let c = 0; c < C; c++) dx[s + c] += dy[o + c] * scale;
          }
        }
      }
    }
  }
  return output(backend, inputs.input.shape, dx);
}

/**
 * OneHot into a pooled float32 buffer (the stock kernel allocates a fresh array: page faults on
 * β's [B, S, S, E] edge masks). Same semantics: out-of-range indices give an all-off row.
 */
function oneHot({ inputs, backend, attrs }: KernelArgs) {
  const idx = anyValues(backend, inputs.indices);
  if (!idx || attrs.dtype !== "float32") return undefined;
  const depth = attrs.depth as number, on = attrs.onValue as number, off = attrs.offValue as number;
  const out = takeOut(backend, [idx.length, depth]);
  out.fill(off);
  for (let e = 0; e < idx.length; e++) {
    const k = idx[e];
    if (k >= 0 && k < depth) out[e * depth + k] = on;
  }
  return output(backend, [...inputs.indices.shape, depth], out);
}

/**
 * UnsortedSegmentSum (the gradient of gather, e.g. β's keypoint → edge-end gathers): one pass,
 * rows added in index order in double precision. The stock kernel runs mask, cast, multiply and
 * sum over the whole input once per segment (32 keypoints: 128 passes).
 */
function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs) {
  const x = f32(backend, inputs.x), ids = anyValues(backend, inputs.segmentIds);
  const n = attrs.numSegments as number;
  if (!x || !ids || inputs.segmentIds.shape.length !== 1) return undefined;
  const rows = ids.length, inner = rows === 0 ? 0 : x.length / rows;
  const acc = new Float64Array(n * inner);
  for (let r = 0; r < rows; r++) {
    const s = ids[r];
    if (s < 0 || s >= n) continue;
    const src = r * inner, dst = s * inner;
    for (let i = 0; i < inner; i++) acc[dst + i] += x[src + i];
  }
  const shape = [n, ...inputs.x.shape.slice(1)];
  const out = takeOut(backend, shape);
  for (let i = 0; i < out.length; i++) out[i] = acc[i];
  return output(backend, shape, out);
}

/**
 * Softmax along the last axis in one pass per row, with the stock kernel's roundings (max,
 * x − max and exp stored as float32, the sum accumulated in double, then divided): the stock
 * kernel runs six kernels (η's marginal soft-argmax: 6 calls per step).
 */
function softmax({ inputs, backend, attrs }: KernelArgs) {
  const x = f32(backend, inputs.logits);
  const shape = inputs.logits.shape;
  const dim = attrs.dim as number;
  if (!x || x.length === 0 || (dim !== -1 && dim !== shape.length - 1)) return undefined;
  const n = shape[shape.length - 1], rows = x.length / n;
  const out = takeOut(backend, shape);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let m = x[o];
    for (let i = 1; i < n; i++) {
      const v = x[o + i];
      if (v > m || v !== v) m = v;
    }
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.fround(Math.exp(Math.fround(x[o + i] - m)));
      out[o + i] = e;
      sum += e;
    }
    const s = Math.fround(sum);
    for (let i = 0; i < n; i++) out[o + i] = out[o + i] / s;
  }
  return output(backend, shape, out);
}

/**
 * The gradient of a max along one axis as PyTorch's `max(dim)` has it: all of `dy` goes to the
 * first maximum (strict comparison, as ArgMax), every other entry gets 0. One pass, for β's max
 * over edges (`keypointgan/model/render.ts`), where the stock path ran ArgMax, OneHot,
 * Transpose, Multiply and Sum on `[B, E, S, S]` in the forward pass to get this gradient.
 * Inputs `x` (the max's input) and `dy` (its output's gradient, the axis removed); attr `axis`.
 */
export const FIRST_MAX_GRAD = "KpgFirstMaxGrad";

function firstMaxGrad({ inputs, backend, attrs }: KernelArgs) {
  const x = f32(backend, inputs.x), dy = f32(backend, inputs.dy);
  const shape = inputs.x.shape;
  const axis = (attrs.axis as number) < 0 ? (attrs.axis as number) + shape.length : attrs.axis;
  const plan = reducePlan(shape, [axis as number]);
  if (!x || !dy || !plan) {
    throw new Error(`${FIRST_MAX_GRAD}: float32 x and dy with one reduced axis are required`);
  }
  const { outer, reduce: red, inner } = plan;
  const dx = takeOut(backend, shape);
  dx.fill(0);
  const best = new Float32Array(inner), idx = new Int32Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * red * inner;
    best.set(x.subarray(base, base + inner));
    idx.fill(0);
    for (let r = 1; r < red; r++) {
      const row = base + r * inner;
      for (let i = 0; i < inner; i++) {
        if (x[row + i] > best[i]) {
          best[i] = x[row + i];
          idx[i] = r;
        }
      }
    }
    const at = o * inner;
    for (let i = 0; i < inner; i++) dx[base + idx[i] * inner + i] = dy[at + i];
  }
  return output(backend, shape, dx);
}

/**
 * β's edge images in one pass (`keypointgan/model/render.ts`): inputs `pa`, `pb` `[B, E, 2]`
 * (edge ends, x then y) and `grid` `[S]`; attrs `inv` (1/σ²) and `linear`. Output
 * `[B, E, S, S]` = exp(−dist·inv) (linear) or exp(−dist²·inv), computed with the float32
 * roundings of the kernel chain it replaces (Sub, Multiply, Add, Maximum, RealDiv,
 * ClipByValue, Square, Sqrt, Exp — ≈ 20 kernels on `[B, E, S, S]`).
 */
export const SKELETON_EDGES = "KpgSkeletonEdges";
/**
 * Its gradient: inputs `dy` `[B, E, S, S]`, `pa`, `pb`, `grid`, attrs as the forward; outputs
 * dpa, dpb `[B, E, 2]`, summed over pixels in doubles in row-major order. The clamp of t passes
 * the gradient for 0 ≤ t ≤ 1 and the floor of the squared length for length² ≥ 1e-6, as
 * TF.js's ClipByValue and Maximum gradients; pixels with dy = 0 add nothing and are skipped.
 */
export const SKELETON_EDGES_GRAD = "KpgSkeletonEdgesGrad";

function edgeArgs({ inputs, backend, attrs }: KernelArgs, name: string) {
  const pa = f32(backend, inputs.pa), pb = f32(backend, inputs.pb);
  const grid = f32(backend, inputs.grid);
  const [B, E] = inputs.pa.shape;
  if (!pa || !pb || !grid || inputs.pa.shape[2] !== 2 || pb.length !== pa.length) {
    throw new Error(`${name}: float32 pa, pb [B, E, 2] and grid [S] are required`);
  }
  const negInv = Math.fround(-(attrs.inv as number));
  return { pa, pb, grid, B, E, S: grid.length, negInv, linear: attrs.linear as boolean };
}

function skeletonEdges(args: KernelArgs, env: NativeEnv) {
  const { pa, pb, grid, B, E, S, negInv, linear } = edgeArgs(args, SKELETON_EDGES);
  const out = takeOut(args.backend, [B, E, S, S]);
  env.ops.skeletonEdges(pa, pb, grid, out, B * E, S, negInv, linear);
  return output(args.backend, [B, E, S, S], out);
}

function skeletonEdgesGrad(args: KernelArgs, env: NativeEnv) {
  const { pa, pb, grid, B, E, S, negInv, linear } = edgeArgs(args, SKELETON_EDGES_GRAD);
  const g = f32(args.backend, args.inputs.dy);
  if (!g || g.length !== B * E * S * S) throw new Error(`${SKELETON_EDGES_GRAD}: bad dy`);
  const dpa = takeOut(args.backend, [B, E, 2]), dpb = takeOut(args.backend, [B, E, 2]);
  env.ops.skeletonEdgesGrad(g, pa, pb, grid, dpa, dpb, B * E, S, negInv, linear);
  return [output(args.backend, [B, E, 2], dpa), output(args.backend, [B, E, 2], dpb)];
}

/** The overrides in this file. */
export const miscKernels: readonly NativeKernel[] = [
  { name: "Softmax", body: softmax },
  { name: "OneHot", body: oneHot },
  { name: "UnsortedSegmentSum", body: unsortedSegmentSum },
  argReduce("ArgMax", true),
  argReduce("ArgMin", false),
  logicalKernel("LogicalAnd", (a, b) => (a && b ? 1 : 0)),
  logicalKernel("LogicalOr", (a, b) => (a || b ? 1 : 0)),
  logicalNot,
  { name: "AvgPool", body: avgPool },
  { name: "AvgPoolGrad", body: avgPoolGrad },
  { name: FIRST_MAX_GRAD, body: firstMaxGrad },
  { name: SKELETON_EDGES, body: skeletonEdges },
  { name: SKELETON_EDGES_GRAD, body: skeletonEdgesGrad },
];
