/**
 * The native backend's pieces, for `keypointgan/tf.ts` to assemble: BLAS loading, the backend
 * class, and the kernel overrides. Nothing here imports TF.js at runtime.
 *
 * @module
 */
import { type Blas, type BlasUnavailable, isBlas, loadBlas } from "./blas.ts";
import { C_CHUNK_FLOATS, loadHelper } from "./c_kernels.ts";
import { convKernels } from "./kernels_conv.ts";
export { convObservers } from "./kernels_conv.ts";
export type { ConvGeometry } from "./conv.ts";
import { elementwiseKernels } from "./kernels_elementwise.ts";
import { layoutKernels } from "./kernels_layout.ts";
export { stockCpuResizeGradFixes } from "./kernels_layout.ts";
import { miscKernels } from "./kernels_misc.ts";
import { reduceKernels } from "./kernels_reduce.ts";
import { jsOps } from "./ops_js.ts";
import type { NativeEnv, NativeKernel, TfRuntime } from "./kernel_util.ts";
import { BufferPool } from "./buffer_pool.ts";
import { JS_CHUNK_FLOATS, jsConvEngine } from "./prims_js.ts";

export { makeNativeBackendClass } from "./backend.ts";
export { registerNativeGradients } from "./gradients.ts";
export type { NativeBackendLike } from "./backend.ts";
export { fallbackCounts, toKernelConfigs } from "./kernel_util.ts";
export type { NativeKernel, TfRuntime } from "./kernel_util.ts";
export { type Blas, type BlasUnavailable, isBlas, loadBlas };

/** Every kernel the native backend overrides (the rest are the stock CPU kernels). */
export const NATIVE_KERNELS: readonly NativeKernel[] = [
  ...convKernels,
  ...elementwiseKernels,
  ...reduceKernels,
  ...layoutKernels,
  ...miscKernels,
];

/** The native environment and a line describing it (for the backend log line). */
export function nativeEnv(
  blas: Blas,
  rt: TfRuntime,
  engine: "auto" | "c" | "js" = "auto",
): { env: NativeEnv; description: string } {
  const scratch = new BufferPool(2 ** 30);
  const chunk = envInt("KEYPOINTGAN_CONV_CHUNK");
  if (engine !== "js") {
    const helper = loadHelper(blas.path, blas.threads, chunk ?? C_CHUNK_FLOATS);
    if ("engine" in helper) {
      return {
        env: { rt, engine: helper.engine, ops: helper.ops, scratch },
        description: `${blas.description}, ${helper.note}`,
      };
    }
    if (engine === "c") throw new Error(helper.reason);
    const js = jsConvEngine(blas.sgemm, scratch, chunk ?? JS_CHUNK_FLOATS);
    return {
      env: { rt, engine: js, ops: jsOps, scratch },
      description: `${blas.description}, JS loops (${helper.reason})`,
    };
  }
  const js = jsConvEngine(blas.sgemm, scratch, chunk ?? JS_CHUNK_FLOATS);
  return {
    env: { rt, engine: js, ops: jsOps, scratch },
    description: `${blas.description}, JS loops`,
  };
}

function envInt(name: string): number | undefined {
  let v = NaN;
  try {
    v = Number(Deno.env.get(name));
  } catch { /* no env permission */ }
  return Number.isInteger(v) && v > 0 ? v : undefined;
}
