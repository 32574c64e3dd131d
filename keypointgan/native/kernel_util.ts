/**
 * Shared glue for the native kernels: the runtime pieces `keypointgan/tf.ts` injects (so this
 * folder never imports TF.js at runtime), typed-array access and output allocation.
 *
 * @module
 */
import type { backend_util, KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import type { NativeBackendLike } from "./backend.ts";
import type { ConvEngine } from "./conv.ts";
import type { NativeOps } from "./ops.ts";
import type { BufferPool } from "./buffer_pool.ts";

/** TF.js runtime functions the kernels use, passed in by `keypointgan/tf.ts`. */
export interface TfRuntime {
  /** `backend_util.computeConv2DInfo` (padding/output-size rules exactly as TF.js). */
  computeConv2DInfo: typeof backend_util.computeConv2DInfo;
  /** `backend_util.computePool2DInfo`. */
  computePool2DInfo: typeof backend_util.computePool2DInfo;
  /** `slice_util.parseSliceParams` (scalar begin, -1 sizes, as TF.js). */
  parseSliceParams(x: TensorInfo, begin: number | number[], size?: number | number[]): number[][];
  /** The stock CPU kernel for a name (our fallback for cases we do not handle), if any. */
  stock(kernelName: string): KernelFunc | undefined;
  /** The kernel currently registered on the native backend (our override or the stock copy). */
  kernel(kernelName: string): KernelFunc;
}

/** Everything a native kernel needs. */
export interface NativeEnv {
  readonly rt: TfRuntime;
  /** Conv products and sgemm (C helper or JS). */
  readonly engine: ConvEngine;
  /** Elementwise/reduction/copy/resize primitives (C helper or JS). */
  readonly ops: NativeOps;
  /** Scratch buffers that never become tensors. */
  readonly scratch: BufferPool;
}

/** The argument every TF.js kernel function receives. */
export interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: NativeBackendLike;
  // deno-lint-ignore no-explicit-any
  attrs: Record<string, any>;
}

/** A kernel body: returns its output(s), or `undefined` to defer to the stock kernel. */
export type NativeKernelBody = (
  args: KernelArgs,
  env: NativeEnv,
) => TensorInfo | TensorInfo[] | undefined;

/** A kernel override before registration. */
export interface NativeKernel {
  readonly name: string;
  readonly body: NativeKernelBody;
}

/** Calls of overridden kernels that deferred to the stock kernel, by "name dtypes shapes". */
export const fallbackCounts = new Map<string, number>();

function fallbackKey(name: string, args: KernelArgs): string {
  const ins = Object.values(args.inputs).map((t) => `${t.dtype}[${t.shape}]`);
  return `${name} ${ins.join(" ")}`;
}

/** Wrap native kernels into TF.js kernel configs for `backendName`. */
export function toKernelConfigs(
  kernels: readonly NativeKernel[],
  env: NativeEnv,
  backendName: string,
  withFallback = true,
): KernelConfig[] {
  return kernels.map(({ name, body }) => {
    const stock: KernelFunc = (withFallback ? env.rt.stock(name) : undefined) ?? (() => {
      throw new Error(`${name}: unsupported inputs on ${backendName}`);
    });
    const kernelFunc = ((args: KernelArgs) => {
      const out = body(args, env);
      if (out !== undefined) return out;
      const key = fallbackKey(name, args);
      fallbackCounts.set(key, (fallbackCounts.get(key) ?? 0) + 1);
      return stock(args as unknown as Parameters<KernelFunc>[0]);
    }) as KernelFunc;
    return { kernelName: name, backendName, kernelFunc };
  });
}

/** The float32 values of a tensor, or undefined when it is not a plain float32 tensor. */
export function f32(
  backend: NativeBackendLike,
  t: TensorInfo | undefined,
): Float32Array | undefined {
  if (!t || t.dtype !== "float32") return undefined;
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : undefined;
}

/** 32-bit tensor data seen as floats, and the array type it really has. */
export interface Bits32 {
  readonly bits: Float32Array;
  readonly dtype: "float32" | "int32";
  /** The stored array type (TF.js's CPU OneHot stores int32 tensors in Float32Arrays). */
  readonly ints: boolean;
}

/**
 * The 32-bit data of a float32 or int32 tensor for kernels that only move data: its bytes are
 * viewed as a Float32Array, never converted. Undefined for other dtypes.
 */
export function bits32(backend: NativeBackendLike, t: TensorInfo): Bits32 | undefined {
  if (t.dtype !== "float32" && t.dtype !== "int32") return undefined;
  const v = backend.data.get(t.dataId).values;
  if (v instanceof Float32Array) return { bits: v, dtype: t.dtype, ints: false };
  if (v instanceof Int32Array) {
    return { bits: new Float32Array(v.buffer, v.byteOffset, v.length), dtype: t.dtype, ints: true };
  }
  return undefined;
}

/** Register moved 32-bit data as a tensor with the source's dtype and array type. */
export function outputBits(
  backend: NativeBackendLike,
  shape: readonly number[],
  bits: Float32Array,
  like: Pick<Bits32, "dtype" | "ints">,
): TensorInfo {
  const v = like.ints ? new Int32Array(bits.buffer, bits.byteOffset, bits.length) : bits;
  return backend.makeTensorInfo(shape.slice(), like.dtype, v);
}

/** The values of a tensor of any numeric dtype (for bool masks and int inputs). */
export function anyValues(
  backend: NativeBackendLike,
  t: TensorInfo,
): Float32Array | Int32Array | Uint8Array | undefined {
  const v = backend.data.get(t.dataId).values;
  if (v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array) return v;
  return undefined;
}

/** Product of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A pooled output buffer (contents unspecified: the kernel must write every element). */
export function takeOut(backend: NativeBackendLike, shape: readonly number[]): Float32Array {
  return backend.pool.take(sizeOf(shape));
}

/**
 * Register `values` as a tensor of `shape`: float32, or int32 (the same bytes viewed as
 * Int32Array: data moved by `bits32` kernels).
 */
export function output(
  backend: NativeBackendLike,
  shape: readonly number[],
  values: Float32Array,
  dtype: "float32" | "int32" = "float32",
): TensorInfo {
  const v = dtype === "int32"
    ? new Int32Array(values.buffer, values.byteOffset, values.length)
    : values;
  return backend.makeTensorInfo(shape.slice(), dtype, v);
}
