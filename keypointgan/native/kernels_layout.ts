/**
 * Native data-layout kernels on float32 tensors: PadV2 (constant), Slice (non-contiguous
 * slices; contiguous ones are zero-copy views in the stock kernel), Concat and Transpose, all
 * as strided copies of at most 4 loops, and the two resizes (nearest and bilinear, with exact
 * gradients).
 *
 * Note: TF.js 4.22's stock `ResizeBilinearGrad` ignores `halfPixelCenters` (it uses the
 * align-corners-free source positions r·scale) and so is not the gradient of the forward
 * pass that PyTorch's `align_corners=False` upsampling needs; ours is its exact adjoint.
 *
 * @module
 */
import type { TensorInfo } from "@tensorflow/tfjs-core";
import {
  type Bits32,
  bits32,
  f32,
  type KernelArgs,
  type NativeEnv,
  type NativeKernel,
  output,
  outputBits,
  sizeOf,
} from "./kernel_util.ts";
import { Unary } from "./ops.ts";
import { jsOps } from "./ops_js.ts";
import { copyPlan, stridesOf } from "./shapes.ts";

function pad({ inputs, backend, attrs }: KernelArgs, env: NativeEnv) {
  const x = f32(backend, inputs.x);
  const paddings = attrs.paddings as [number, number][];
  if (!x) return undefined;
  const shape = inputs.x.shape;
  const outShape = shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const outStrides = stridesOf(outShape);
  const plan = copyPlan(shape, outStrides, stridesOf(shape));
  if (!plan) return undefined;
  const out = backend.pool.take(sizeOf(outShape));
  env.ops.unary(Unary.fill, out, out, attrs.constantValue ?? 0, 0);
  const offset = paddings.reduce((acc, [before], i) => acc + before * outStrides[i], 0);
  env.ops.copy(out, offset, x, 0, plan);
  return output(backend, outShape, out);
}

/** True when the slice is one contiguous block (the stock kernel then returns a view). */
function contiguousSlice(shape: number[], begin: number[], size: number[]): boolean {
  let i = 0;
  while (i < shape.length && size[i] === 1) i++;
  // After the first dim with size > 1, every later dim must be taken whole.
  for (let j = i + 1; j < shape.length; j++) {
    if (begin[j] !== 0 || size[j] !== shape[j]) return false;
  }
  return true;
}

/** A slice of a float32 tensor: a zero-copy view when contiguous, else a strided copy. */
function sliceOf(
  backend: KernelArgs["backend"],
  env: NativeEnv,
  src: Bits32 & { shape: number[] },
  begin: number[],
  size: number[],
  outShape: number[] = size,
): TensorInfo | undefined {
  const { bits: x, shape } = src;
  const xStrides = stridesOf(shape);
  const offset = begin.reduce((acc, b, i) => acc + b * xStrides[i], 0);
  if (contiguousSlice(shape, begin, size)) {
    return outputBits(backend, outShape, x.subarray(offset, offset + sizeOf(size)), src);
  }
  const plan = copyPlan(size, stridesOf(size), xStrides);
  if (!plan) return undefined;
  const out = backend.pool.take(sizeOf(size));
  env.ops.copy(out, 0, x, offset, plan);
  return outputBits(backend, outShape, out, src);
}

/** A float32/int32 input as 32-bit data with its shape, or undefined. */
function source(backend: KernelArgs["backend"], t: TensorInfo) {
  const b = bits32(backend, t);
  return b ? { ...b, shape: t.shape } : undefined;
}

function slice({ inputs, backend, attrs }: KernelArgs, env: NativeEnv) {
  const src = source(backend, inputs.x);
  if (!src) return undefined;
  const [begin, size] = env.rt.parseSliceParams(inputs.x, attrs.begin, attrs.size);
  return sliceOf(backend, env, src, begin, size);
}

/** Sizes of a SplitV: equal parts for a count, else the list with one -1 filled in. */
export function splitSizes(dim: number, numOrSizeSplits: number | number[]): number[] {
  if (typeof numOrSizeSplits === "number") {
    return Array(numOrSizeSplits).fill(dim / numOrSizeSplits);
  }
  const known = numOrSizeSplits.reduce((a, b) => (b === -1 ? a : a + b), 0);
  return numOrSizeSplits.map((d) => (d === -1 ? dim - known : d));
}

/** SplitV (the gradient of Concat): one slice per part along `axis`. */
function splitV({ inputs, backend, attrs }: KernelArgs, env: NativeEnv) {
  const src = source(backend, inputs.x);
  if (!src) return undefined;
  const shape = inputs.x.shape;
  const axis = attrs.axis < 0 ? attrs.axis + shape.length : attrs.axis;
  const sizes = splitSizes(shape[axis], attrs.numOrSizeSplits);
  if (sizes.some((d) => !Number.isInteger(d) || d < 0)) return undefined;
  const begin = shape.map(() => 0), out: TensorInfo[] = [];
  for (const part of sizes) {
    const size = shape.slice();
    size[axis] = part;
    const t = sliceOf(backend, env, src, begin.slice(), size);
    if (!t) {
      out.forEach((o) => backend.disposeIntermediateTensorInfo(o));
      return undefined;
    }
    out.push(t);
    begin[axis] += part;
  }
  return out;
}

/** Unpack (tf.unstack, the gradient of Pack/stack): one slice per index along `axis`. */
function unpack({ inputs, backend, attrs }: KernelArgs, env: NativeEnv) {
  const src = source(backend, inputs.value);
  if (!src) return undefined;
  const shape = inputs.value.shape;
  const axis = attrs.axis < 0 ? attrs.axis + shape.length : attrs.axis;
  const outShape = shape.filter((_, i) => i !== axis);
  const size = shape.slice();
  size[axis] = 1;
  const out: TensorInfo[] = [];
  for (let i = 0; i < shape[axis]; i++) {
    const begin = shape.map((_, j) => (j === axis ? i : 0));
    const t = sliceOf(backend, env, src, begin, size, outShape);
    if (!t) {
      out.forEach((o) => backend.disposeIntermediateTensorInfo(o));
      return undefined;
    }
    out.push(t);
  }
  return out;
}

/** Pack (tf.stack): inputs of equal shape interleaved along a new `axis`. */
function pack({ inputs, backend, attrs }: KernelArgs, env: NativeEnv) {
  const parts = Object.values(inputs) as TensorInfo[];
  const values = parts.map((t) => bits32(backend, t));
  if (parts.length === 0 || !sameKind(values)) return undefined;
  const shape = parts[0].shape;
  if (parts.some((t) => t.shape.join() !== shape.join())) return undefined;
  const axis = attrs.axis < 0 ? attrs.axis + shape.length + 1 : attrs.axis;
  const outShape = [...shape.slice(0, axis), parts.length, ...shape.slice(axis)];
  const outStrides = stridesOf(outShape);
  const dst = outStrides.filter((_, i) => i !== axis);
  const plan = copyPlan(shape, dst, stridesOf(shape));
  if (!plan) return undefined;
  const out = backend.pool.take(sizeOf(outShape));
  values.forEach((v, i) => env.ops.copy(out, i * outStrides[axis], v!.bits, 0, plan));
  return outputBits(backend, outShape, out, values[0]!);
}

/** Tile (and so broadcastTo): each axis d becomes (reps[d] copies) × (the input's size). */
function tile({ inputs, backend, attrs }: KernelArgs, env: NativeEnv) {
  const src = bits32(backend, inputs.x);
  if (!src) return undefined;
  const shape = inputs.x.shape, reps = attrs.reps as number[];
  const outShape = shape.map((d, i) => d * reps[i]);
  const outStrides = stridesOf(outShape), xStrides = stridesOf(shape);
  const dims: number[] = [], dst: number[] = [], from: number[] = [];
  shape.forEach((d, i) => {
    dims.push(reps[i], d);
    dst.push(d * outStrides[i], outStrides[i]);
    from.push(0, xStrides[i]);
  });
  const plan = copyPlan(dims, dst, from);
  if (!plan) return undefined;
  const out = backend.pool.take(sizeOf(outShape));
  env.ops.copy(out, 0, src.bits, 0, plan);
  return outputBits(backend, outShape, out, src);
}

/**
 * Tile's gradient on native backends (`gradients.ts`): input dy, attr `reps` (rank ≤ 4);
 * dx[x] = Σ dy over the reps copies of x, added in float32 in the order of TF.js's stock
 * gradient (zeros, then one Add per copy, the last axis' copies fastest): the same bits in one
 * kernel instead of a Slice and an Add per copy (64 each for Ψ's global appearance pool).
 */
export const TILE_GRAD = "KpgTileGrad";

function tileGrad({ inputs, backend, attrs }: KernelArgs) {
  const dy = f32(backend, inputs.dy), reps = attrs.reps as number[];
  const rank = inputs.dy.shape.length;
  if (!dy || rank > 4 || reps.length !== rank) {
    throw new Error(`${TILE_GRAD}: float32 dy of rank ≤ 4 and its reps are required`);
  }
  const pad = Array(4 - rank).fill(1);
  const [r0, r1, r2, r3] = [...pad, ...reps], d = [...pad, ...inputs.dy.shape];
  const [x0, x1, x2, x3] = d.map((n, i) => n / [r0, r1, r2, r3][i]);
  const dx = backend.pool.take(x0 * x1 * x2 * x3).fill(0);
  for (let i0 = 0; i0 < r0; i0++) {
    for (let i1 = 0; i1 < r1; i1++) {
      for (let i2 = 0; i2 < r2; i2++) {
        for (let i3 = 0; i3 < r3; i3++) {
          let o = 0;
          for (let a = 0; a < x0; a++) {
            for (let b = 0; b < x1; b++) {
              for (let c = 0; c < x2; c++, o += x3) {
                const at = (((i0 * x0 + a) * d[1] + i1 * x1 + b) * d[2] + i2 * x2 + c) * d[3] +
                  i3 * x3;
                for (let e = 0; e < x3; e++) dx[o + e] += dy[at + e];
              }
            }
          }
        }
      }
    }
  }
  return output(backend, inputs.dy.shape.map((n, i) => n / reps[i]), dx);
}

/** All inputs present with one dtype and one array type. */
function sameKind(values: (Bits32 | undefined)[]): values is Bits32[] {
  const first = values[0];
  return !!first && values.every((v) => v && v.dtype === first.dtype && v.ints === first.ints);
}

function concat({ inputs, backend, attrs }: KernelArgs, env: NativeEnv) {
  const parts = (Object.values(inputs) as TensorInfo[]).filter((t) => sizeOf(t.shape) > 0);
  if (parts.length === 0) return undefined;
  const values = parts.map((t) => bits32(backend, t));
  if (!sameKind(values)) return undefined;
  const rank = parts[0].shape.length;
  const axis = (attrs.axis as number) < 0 ? attrs.axis + rank : attrs.axis;
  const outShape = parts[0].shape.slice();
  outShape[axis] = parts.reduce((acc, t) => acc + t.shape[axis], 0);
  const outStrides = stridesOf(outShape);
  const plans = parts.map((t) => copyPlan(t.shape, outStrides, stridesOf(t.shape)));
  if (plans.some((p) => !p)) return undefined;
  const out = backend.pool.take(sizeOf(outShape));
  let at = 0;
  parts.forEach((t, i) => {
    env.ops.copy(out, at * outStrides[axis], values[i]!.bits, 0, plans[i]!);
    at += t.shape[axis];
  });
  return outputBits(backend, outShape, out, values[0]!);
}

function transpose({ inputs, backend, attrs }: KernelArgs, env: NativeEnv) {
  const src = bits32(backend, inputs.x);
  if (!src) return undefined;
  const x = src.bits, perm = attrs.perm as number[], shape = inputs.x.shape;
  const outShape = perm.map((p) => shape[p]);
  const xStrides = stridesOf(shape);
  const plan = copyPlan(outShape, stridesOf(outShape), perm.map((p) => xStrides[p]));
  if (!plan) return undefined;
  const out = backend.pool.take(x.length);
  env.ops.copy(out, 0, x, 0, plan);
  return outputBits(backend, outShape, out, src);
}

function resizeGeometry(
  images: TensorInfo,
  outH: number,
  outW: number,
  attrs: KernelArgs["attrs"],
) {
  const [batch, inH, inW, channels] = images.shape;
  return {
    batch,
    inH,
    inW,
    channels,
    outH,
    outW,
    alignCorners: !!attrs.alignCorners,
    halfPixelCenters: !!attrs.halfPixelCenters,
  };
}

function resizeKernel(name: string, bilinear: boolean): NativeKernel {
  return {
    name,
    body: ({ inputs, backend, attrs }, env) => {
      const x = f32(backend, inputs.images);
      if (!x || inputs.images.shape.length !== 4) return undefined;
      const [outH, outW] = attrs.size as [number, number];
      const g = resizeGeometry(inputs.images, outH, outW, attrs);
      const y = backend.pool.take(g.batch * outH * outW * g.channels);
      if (bilinear) env.ops.resizeBilinear(x, y, g);
      else env.ops.resizeNearest(x, y, g);
      return output(backend, [g.batch, outH, outW, g.channels], y);
    },
  };
}

function resizeGradKernel(name: string, bilinear: boolean): NativeKernel {
  return {
    name,
    body: ({ inputs, backend, attrs }, env) => {
      const dy = f32(backend, inputs.dy);
      if (!dy || inputs.images.shape.length !== 4) return undefined;
      const g = resizeGeometry(inputs.images, inputs.dy.shape[1], inputs.dy.shape[2], attrs);
      const dx = backend.pool.take(sizeOf(inputs.images.shape));
      if (bilinear) env.ops.resizeBilinearGrad(dy, dx, g);
      else env.ops.resizeNearestGrad(dy, dx, g);
      return output(backend, inputs.images.shape, dx);
    },
  };
}

/** The layout and resize overrides. */
export const layoutKernels: readonly NativeKernel[] = [
  { name: "PadV2", body: pad },
  { name: "Slice", body: slice },
  { name: "SplitV", body: splitV },
  { name: "Unpack", body: unpack },
  { name: "Pack", body: pack },
  { name: "Concat", body: concat },
  { name: "Transpose", body: transpose },
  { name: "Tile", body: tile },
  { name: TILE_GRAD, body: tileGrad },
  resizeKernel("ResizeBilinear", true),
  resizeGradKernel("ResizeBilinearGrad", true),
  resizeKernel("ResizeNearestNeighbor", false),
  resizeGradKernel("ResizeNearestNeighborGrad", false),
];

/**
 * Correct resize gradients for TF.js's stock `cpu` backend (same JS loops as the native JS
 * path), replacing its ResizeBilinearGrad (ignores halfPixelCenters, swaps H and W) and
 * ResizeNearestNeighborGrad (wrong for batch > 1): `keypointgan/tf.ts` registers these for
 * `cpu`, so a model can use `tf.image.resizeBilinear(x, size, false, true)` there too.
 */
export function stockCpuResizeGradFixes(): NativeKernel[] {
  const fixed = (name: string, bilinear: boolean): NativeKernel => ({
    name,
    body: ({ inputs, backend, attrs }) => {
      const dyValues = backend.data.get(inputs.dy.dataId).values;
      const shape = inputs.images.shape;
      if (inputs.dy.dtype !== "float32" || shape.length !== 4) return undefined;
      const dy = dyValues instanceof Float32Array
        ? dyValues
        : Float32Array.from(dyValues as Int32Array);
      const g = resizeGeometry(inputs.images, inputs.dy.shape[1], inputs.dy.shape[2], attrs);
      const dx = new Float32Array(sizeOf(shape));
      if (bilinear) jsOps.resizeBilinearGrad(dy, dx, g);
      else jsOps.resizeNearestGrad(dy, dx, g);
      return backend.makeTensorInfo(shape.slice(), "float32", dx);
    },
  });
  return [fixed("ResizeBilinearGrad", true), fixed("ResizeNearestNeighborGrad", false)];
}
