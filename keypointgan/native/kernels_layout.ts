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
  f32,
  type KernelArgs,
  type NativeEnv,
  type NativeKernel,
  output,
  sizeOf,
} from "./kernel_util.ts";
import { Unary } from "./ops.ts";
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

function slice({ inputs, backend, attrs }: KernelArgs, env: NativeEnv) {
  const x = f32(backend, inputs.x);
  const shape = inputs.x.shape, begin = attrs.begin as number[], size = attrs.size as number[];
  if (!x || contiguousSlice(shape, begin, size)) return undefined;
  const xStrides = stridesOf(shape);
  const plan = copyPlan(size, stridesOf(size), xStrides);
  if (!plan) return undefined;
  const out = backend.pool.take(sizeOf(size));
  const offset = begin.reduce((acc, b, i) => acc + b * xStrides[i], 0);
  env.ops.copy(out, 0, x, offset, plan);
  return output(backend, size, out);
}

function concat({ inputs, backend, attrs }: KernelArgs, env: NativeEnv) {
  const parts = (Object.values(inputs) as TensorInfo[]).filter((t) => sizeOf(t.shape) > 0);
  if (parts.length === 0) return undefined;
  const values = parts.map((t) => f32(backend, t));
  if (values.some((v) => !v)) return undefined;
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
    env.ops.copy(out, at * outStrides[axis], values[i]!, 0, plans[i]!);
    at += t.shape[axis];
  });
  return output(backend, outShape, out);
}

function transpose({ inputs, backend, attrs }: KernelArgs, env: NativeEnv) {
  const x = f32(backend, inputs.x);
  if (!x) return undefined;
  const perm = attrs.perm as number[], shape = inputs.x.shape;
  const outShape = perm.map((p) => shape[p]);
  const xStrides = stridesOf(shape);
  const plan = copyPlan(outShape, stridesOf(outShape), perm.map((p) => xStrides[p]));
  if (!plan) return undefined;
  const out = backend.pool.take(x.length);
  env.ops.copy(out, 0, x, 0, plan);
  return output(backend, outShape, out);
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
  { name: "Concat", body: concat },
  { name: "Transpose", body: transpose },
  resizeKernel("ResizeBilinear", true),
  resizeGradKernel("ResizeBilinearGrad", true),
  resizeKernel("ResizeNearestNeighbor", false),
  resizeGradKernel("ResizeNearestNeighborGrad", false),
];
