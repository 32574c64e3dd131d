/**
 * Native reductions (Sum, Mean, Max, Min, Prod) over float32 tensors, for any set of axes that
 * collapses to [outer, reduced, inner]: the batch-norm statistics (axes 0,1,2 of NHWC), the
 * instance-norm ones (axes 1,2), last-axis reductions and full reductions. No transpose is
 * made, unlike the stock kernels.
 *
 * @module
 */
import type { TensorInfo } from "@tensorflow/tfjs-core";
import {
  f32,
  type KernelArgs,
  type NativeEnv,
  type NativeKernel,
  output,
  sizeOf,
} from "./kernel_util.ts";
import { Reduce } from "./ops.ts";
import { copyPlan, type ReducePlan, reducePlan, stridesOf } from "./shapes.ts";

/** Normalised axes (TF.js semantics: undefined/null = all axes, negatives count from the end). */
export function parseAxes(axis: number | number[] | null | undefined, rank: number): number[] {
  if (axis === null || axis === undefined) return [...Array(rank).keys()];
  const list = Array.isArray(axis) ? axis : [axis];
  return [...new Set(list.map((a) => (a < 0 ? a + rank : a)))].sort((p, q) => p - q);
}

/** x with `axes` moved last (kept axes first, in order), as [kept, reduced] rows. */
function moveAxesLast(
  _backend: KernelArgs["backend"],
  env: NativeEnv,
  x: Float32Array,
  shape: number[],
  axes: number[],
): [Float32Array, ReducePlan] | undefined {
  const perm = [...shape.keys()].filter((i) => !axes.includes(i)).concat(axes);
  const outShape = perm.map((p) => shape[p]);
  const xStrides = stridesOf(shape);
  const plan = copyPlan(outShape, stridesOf(outShape), perm.map((p) => xStrides[p]));
  if (!plan) return undefined;
  const moved = env.scratch.take(x.length);
  env.ops.copy(moved, 0, x, 0, plan);
  const red = sizeOf(axes.map((a) => shape[a]));
  return [moved, { outer: x.length / red, reduce: red, inner: 1 }];
}

function reduceKernel(name: string, op: number, mean = false): NativeKernel {
  return {
    name,
    body: ({ inputs, backend, attrs }: KernelArgs, env: NativeEnv) => {
      const x = f32(backend, inputs.x);
      const shape = inputs.x.shape;
      if (!x || x.length === 0) return undefined;
      // Max names its axes `reductionIndices`; the others `axis`.
      const axes = parseAxes(
        "reductionIndices" in attrs ? attrs.reductionIndices : attrs.axis,
        shape.length,
      );
      if (axes.some((a) => a < 0 || a >= shape.length)) return undefined;
      let plan = reducePlan(shape, axes), src = x;
      if (!plan) {
        // Kept and reduced axes interleave (e.g. a 2×2 average pool written as reshape+mean):
        // move the reduced axes last with one strided copy, then reduce rows.
        const moved = moveAxesLast(backend, env, x, shape, axes);
        if (!moved) return undefined;
        [src, plan] = moved;
      }
      const outShape = attrs.keepDims
        ? shape.map((d, i) => (axes.includes(i) ? 1 : d))
        : shape.filter((_, i) => !axes.includes(i));
      const out = backend.pool.take(sizeOf(outShape));
      const reduceSize = sizeOf(axes.map((a) => shape[a]));
      const scale = mean ? 1 / reduceSize : 1;
      env.ops.reduce(op, src, out, plan.outer, plan.reduce, plan.inner, scale);
      if (src !== x) env.scratch.give(src);
      return output(backend, outShape, out);
    },
  };
}

/**
 * Normalisation over `axes` (BatchNorm: 0, 1, 2 of NHWC; InstanceNorm: 1, 2) as one kernel,
 * `keypointgan/model/layers.ts`'s `normalize`: outputs y = (x − mean) / s, mean, variance and
 * s = sqrt(variance + eps), the statistics with the axes kept as size-1 dims. The same float32
 * roundings as the kernels it replaces (Mean, Sub, Square, Mean, Add, Sqrt, RealDiv: sums in
 * doubles in increasing order, every other step rounded to float32), so the same bits.
 */
export const NORMALIZE = "KpgNormalize";
/**
 * Its gradient: dx = (dy − mean(dy) − y·mean(dy·y)) / s from dy, y and s (attrs as
 * `NORMALIZE`), the two means in doubles in increasing order: one kernel instead of seven.
 */
export const NORMALIZE_GRAD = "KpgNormalizeGrad";

function normPlan(args: KernelArgs, x: { shape: number[] }) {
  const axes = parseAxes(args.attrs.axes as number[], x.shape.length);
  const plan = reducePlan(x.shape, axes);
  if (!plan) throw new Error(`${NORMALIZE}: axes ${axes} of [${x.shape}] do not collapse`);
  const statShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return { ...plan, statShape };
}

function normalizeKernel(args: KernelArgs, env: NativeEnv): TensorInfo[] {
  const { inputs, backend } = args;
  const x = f32(backend, inputs.x);
  if (!x) throw new Error(`${NORMALIZE}: x must be float32`);
  const { outer, reduce: red, inner, statShape } = normPlan(args, inputs.x);
  const y = backend.pool.take(x.length);
  const mean = backend.pool.take(outer * inner), variance = backend.pool.take(outer * inner);
  const sd = backend.pool.take(outer * inner);
  env.ops.normalize(x, y, mean, variance, sd, outer, red, inner, args.attrs.eps as number);
  return [
    output(backend, inputs.x.shape, y),
    output(backend, statShape, mean),
    output(backend, statShape, variance),
    output(backend, statShape, sd),
  ];
}

function normalizeGradKernel(args: KernelArgs, env: NativeEnv): TensorInfo {
  const { inputs, backend } = args;
  const dy = f32(backend, inputs.dy), y = f32(backend, inputs.y), sd = f32(backend, inputs.s);
  if (!dy || !y || !sd || dy.length !== y.length) {
    throw new Error(`${NORMALIZE_GRAD}: float32 dy, y and s of matching shapes are required`);
  }
  const { outer, reduce: red, inner } = normPlan(args, inputs.y);
  const dx = backend.pool.take(dy.length);
  env.ops.normalizeGrad(dy, y, sd, dx, outer, red, inner);
  return output(backend, inputs.y.shape, dx);
}

/**
 * BatchNorm's affine and ReLU after `NORMALIZE` (`keypointgan/model/layers.ts`): inputs y
 * (NORMALIZE's output), gamma, beta `[C]`; attr `relu`; output z = y·gamma + beta, then
 * max(z, 0) — the Multiply, Add and Relu kernels' float32 values in one pass.
 */
export const AFFINE_RELU = "KpgAffineRelu";
/**
 * Its gradient through NORMALIZE: inputs dz, y, s (NORMALIZE's), gamma, beta; attrs `axes`,
 * `relu`; outputs dx, dgamma, dbeta — instead of ReLU's, Multiply's, Add's and NORMALIZE's
 * gradients (≈ 7 kernels).
 */
export const AFFINE_RELU_GRAD = "KpgAffineReluGrad";

function channelParams(args: KernelArgs, c: number, name: string) {
  const gamma = f32(args.backend, args.inputs.gamma), beta = f32(args.backend, args.inputs.beta);
  if (!gamma || !beta || gamma.length !== c || beta.length !== c) {
    throw new Error(`${name}: float32 gamma and beta of the channel count ${c} are required`);
  }
  return { gamma, beta };
}

function affineReluKernel(args: KernelArgs, env: NativeEnv): TensorInfo {
  const { inputs, backend } = args;
  const y = f32(backend, inputs.y);
  const shape = inputs.y.shape, c = shape[shape.length - 1];
  if (!y) throw new Error(`${AFFINE_RELU}: y must be float32`);
  const { gamma, beta } = channelParams(args, c, AFFINE_RELU);
  const z = backend.pool.take(y.length);
  env.ops.affineRelu(y, gamma, beta, z, y.length / c, c, args.attrs.relu as boolean);
  return output(backend, shape, z);
}

function affineReluGradKernel(args: KernelArgs, env: NativeEnv): TensorInfo[] {
  const { inputs, backend } = args;
  const dz = f32(backend, inputs.dz), y = f32(backend, inputs.y), sd = f32(backend, inputs.s);
  if (!dz || !y || !sd || dz.length !== y.length) {
    throw new Error(`${AFFINE_RELU_GRAD}: float32 dz, y and s of matching shapes are required`);
  }
  const { outer, reduce: red, inner } = normPlan(args, inputs.y);
  const { gamma, beta } = channelParams(args, inner, AFFINE_RELU_GRAD);
  if (outer !== 1) throw new Error(`${AFFINE_RELU_GRAD}: statistics over all but the channels`);
  const dx = backend.pool.take(dz.length);
  const dgamma = backend.pool.take(inner), dbeta = backend.pool.take(inner);
  const relu = args.attrs.relu as boolean;
  env.ops.affineReluGrad(dz, y, sd, gamma, beta, dx, dgamma, dbeta, outer, red, inner, relu);
  return [
    output(backend, inputs.y.shape, dx),
    output(backend, inputs.gamma.shape, dgamma),
    output(backend, inputs.beta.shape, dbeta),
  ];
}

/**
 * BatchNorm's running statistics update (`keypointgan/model/layers.ts`): inputs runMean,
 * runVar, mean, variance (C floats each, any shapes); attrs `momentum` m and `count` n; outputs
 * runMean·(1 − m) + mean·m and runVar·(1 − m) + (variance·n/(n − 1))·m `[C]` with the float32
 * roundings of the Multiply and Add kernel chain it replaces (scalars rounded to float32 as
 * TF.js does, one rounding per op). One kernel without a gradient instead of ten (and the
 * tape's copies of their inputs) per BatchNorm call.
 */
export const RUNNING_STATS = "KpgRunningStats";

function runningStatsKernel(args: KernelArgs): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const [rm, rv, m, v] = [inputs.runMean, inputs.runVar, inputs.mean, inputs.variance].map((t) =>
    f32(backend, t)
  );
  const c = rm?.length ?? 0;
  if (!rm || !rv || !m || !v || rv.length !== c || m.length !== c || v.length !== c) {
    throw new Error(`${RUNNING_STATS}: float32 runMean, runVar, mean, variance of one size`);
  }
  const fr = Math.fround, n = attrs.count as number, momentum = attrs.momentum as number;
  const keep = fr(1 - momentum), take = fr(momentum), unbias = fr(n / Math.max(n - 1, 1));
  const mean = backend.pool.take(c), variance = backend.pool.take(c);
  for (let i = 0; i < c; i++) {
    mean[i] = fr(rm[i] * keep) + fr(m[i] * take);
    variance[i] = fr(rv[i] * keep) + fr(fr(v[i] * unbias) * take);
  }
  return [output(backend, [c], mean), output(backend, [c], variance)];
}

/** The reduction overrides. */
export const reduceKernels: readonly NativeKernel[] = [
  reduceKernel("Sum", Reduce.sum),
  reduceKernel("Mean", Reduce.sum, true),
  reduceKernel("Max", Reduce.max),
  reduceKernel("Min", Reduce.min),
  reduceKernel("Prod", Reduce.prod),
  { name: NORMALIZE, body: normalizeKernel },
  { name: NORMALIZE_GRAD, body: normalizeGradKernel },
  { name: AFFINE_RELU, body: affineReluKernel },
  { name: AFFINE_RELU_GRAD, body: affineReluGradKernel },
  { name: RUNNING_STATS, body: runningStatsKernel },
];
