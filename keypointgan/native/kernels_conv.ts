/**
 * Native Conv2D (+ both gradients, FusedConv2D) and BatchMatMul (+ _FusedMatMul) kernels.
 * NHWC with dilation 1 runs on BLAS; anything else defers to the stock CPU kernel.
 *
 * @module
 */
import type { backend_util, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import {
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dForward,
  type ConvContext,
  type ConvGeometry,
} from "./conv.ts";
import {
  f32,
  type KernelArgs,
  type NativeEnv,
  type NativeKernel,
  output,
  sizeOf,
  takeOut,
} from "./kernel_util.ts";

/** Our geometry from TF.js's conv info, or undefined when we do not support it. */
function geometry(info: backend_util.Conv2DInfo): ConvGeometry | undefined {
  if (info.dataFormat !== "channelsLast") return undefined;
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return undefined;
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kH: info.filterHeight,
    kW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

function context(env: NativeEnv): ConvContext {
  return { engine: env.engine, pool: env.scratch };
}

function convInfo(
  env: NativeEnv,
  xShape: number[],
  filterShape: number[],
  // deno-lint-ignore no-explicit-any
  attrs: Record<string, any>,
): backend_util.Conv2DInfo {
  return env.rt.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    attrs.dataFormat === "NCHW" ? "channelsFirst" : "channelsLast",
  );
}

/** Observers of forward-conv geometries (`deno task bench` finds the largest layer). */
export const convObservers = new Set<(g: ConvGeometry) => void>();

function conv2d({ inputs, backend, attrs }: KernelArgs, env: NativeEnv) {
  const x = f32(backend, inputs.x), w = f32(backend, inputs.filter);
  if (!x || !w || attrs.dataFormat === "NCHW") return undefined;
  const info = convInfo(env, inputs.x.shape, inputs.filter.shape, attrs);
  const g = geometry(info);
  if (!g) return undefined;
  for (const observe of convObservers) observe(g);
  const y = takeOut(backend, info.outShape);
  conv2dForward(context(env), x, w, g, y);
  return output(backend, info.outShape, y);
}

function conv2dBackpropInputKernel({ inputs, backend, attrs }: KernelArgs, env: NativeEnv) {
  const dy = f32(backend, inputs.dy), w = f32(backend, inputs.filter);
  if (!dy || !w || attrs.dataFormat === "NCHW") return undefined;
  const info = convInfo(env, attrs.inputShape, inputs.filter.shape, { ...attrs, dilations: 1 });
  const g = geometry(info);
  if (!g) return undefined;
  const dx = takeOut(backend, info.inShape);
  conv2dBackpropInput(context(env), dy, w, g, dx);
  return output(backend, info.inShape, dx);
}

function conv2dBackpropFilterKernel({ inputs, backend, attrs }: KernelArgs, env: NativeEnv) {
  const x = f32(backend, inputs.x), dy = f32(backend, inputs.dy);
  if (!x || !dy || attrs.dataFormat === "NCHW") return undefined;
  const info = convInfo(env, inputs.x.shape, attrs.filterShape, { ...attrs, dilations: 1 });
  const g = geometry(info);
  if (!g) return undefined;
  const dw = takeOut(backend, attrs.filterShape);
  conv2dBackpropFilter(context(env), x, dy, g, dw);
  return output(backend, attrs.filterShape, dw);
}

/** conv → + bias → activation, each step through the registered (native) kernels. */
function fusedConv2d(args: KernelArgs, env: NativeEnv) {
  const { inputs, backend, attrs } = args;
  if (attrs.dataFormat === "NCHW") return undefined;
  const y = conv2d({ inputs: { x: inputs.x, filter: inputs.filter }, backend, attrs }, env);
  if (!y) return undefined;
  return biasAndActivation(args, env, y);
}

function biasAndActivation(
  { inputs, backend, attrs }: KernelArgs,
  env: NativeEnv,
  y: TensorInfo,
): TensorInfo {
  const run = (name: string, ins: Record<string, TensorInfo>, at: Record<string, unknown> = {}) =>
    env.rt.kernel(name)(
      { inputs: ins, backend, attrs: at } as unknown as Parameters<KernelFunc>[0],
    ) as TensorInfo;
  let out = y;
  const swap = (next: TensorInfo) => {
    backend.disposeIntermediateTensorInfo(out);
    out = next;
  };
  if (inputs.bias) swap(run("Add", { a: out, b: inputs.bias }));
  const act = attrs.activation as string | undefined;
  if (act === "relu") swap(run("Relu", { x: out }));
  else if (act === "relu6") swap(run("Relu6", { x: out }));
  else if (act === "elu") swap(run("Elu", { x: out }));
  else if (act === "sigmoid") swap(run("Sigmoid", { x: out }));
  else if (act === "leakyrelu") swap(run("LeakyRelu", { x: out }, { alpha: attrs.leakyreluAlpha }));
  else if (act === "prelu") swap(run("Prelu", { x: out, alpha: inputs.preluActivationWeights }));
  else if (act && act !== "linear") throw new Error(`native: unknown fused activation ${act}`);
  return out;
}

/** NumPy-style broadcast of two batch shapes, or undefined when incompatible. */
function broadcastOuter(a: number[], b: number[]): number[] | undefined {
  const n = Math.max(a.length, b.length), out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1, db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return undefined;
    out.push(Math.max(da, db));
  }
  return out;
}

/** [batch, rows, cols] view of a matmul operand, with its batch count. */
function matShape(shape: number[]): { batch: number; r: number; c: number } {
  const n = shape.length;
  return { batch: sizeOf(shape.slice(0, -2)), r: shape[n - 2], c: shape[n - 1] };
}

function batchMatMul({ inputs, backend, attrs }: KernelArgs, env: NativeEnv) {
  const a = f32(backend, inputs.a), b = f32(backend, inputs.b);
  if (!a || !b) return undefined;
  const sa = matShape(inputs.a.shape), sb = matShape(inputs.b.shape);
  const tA = !!attrs.transposeA, tB = !!attrs.transposeB;
  const m = tA ? sa.c : sa.r, k = tA ? sa.r : sa.c, n = tB ? sb.r : sb.c;
  const kb = tB ? sb.c : sb.r;
  const outerShape = broadcastOuter(inputs.a.shape.slice(0, -2), inputs.b.shape.slice(0, -2));
  if (k !== kb || !outerShape) return undefined;
  const batch = sizeOf(outerShape);
  // Same outer shape, or one operand shared by every batch entry; else the stock kernel.
  if (!(sa.batch === batch && sb.batch === batch) && sa.batch !== 1 && sb.batch !== 1) {
    return undefined;
  }
  const outShape = [...outerShape, m, n];
  const c = takeOut(backend, outShape);
  for (let i = 0; i < batch; i++) {
    const ai = a.subarray((sa.batch === 1 ? 0 : i) * m * k);
    const bi = b.subarray((sb.batch === 1 ? 0 : i) * k * n);
    env.engine.sgemm(tA, tB, m, n, k, 1, ai, bi, 0, c.subarray(i * m * n));
  }
  return output(backend, outShape, c);
}

function fusedMatMul(args: KernelArgs, env: NativeEnv) {
  const y = batchMatMul(args, env);
  if (!y) return undefined;
  return biasAndActivation(args, env, y);
}

/** The conv and matmul overrides. */
export const convKernels: readonly NativeKernel[] = [
  { name: "Conv2D", body: conv2d },
  { name: "Conv2DBackpropInput", body: conv2dBackpropInputKernel },
  { name: "Conv2DBackpropFilter", body: conv2dBackpropFilterKernel },
  { name: "FusedConv2D", body: fusedConv2d },
  { name: "BatchMatMul", body: batchMatMul },
  { name: "_FusedMatMul", body: fusedMatMul },
];
