/**
 * The `native` backend class: TF.js's `MathBackendCPU` plus a buffer pool.
 *
 * This module does not import TF.js at runtime: `keypointgan/tf.ts` passes the CPU backend
 * class in (`makeNativeBackendClass(MathBackendCPU)`) and registers the result with our
 * kernels (see `kernels.ts`).
 *
 * @module
 */
import type { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import type { backend_util, DataType } from "@tensorflow/tfjs-core";
import { BufferPool } from "./buffer_pool.ts";

type DataId = object;
type Values = backend_util.BackendValues;

/** What our kernels need from the backend besides the stock CPU storage. */
export interface NativeBackendLike extends MathBackendCPU {
  /** The pool kernel outputs and scratch buffers come from. */
  readonly pool: BufferPool;
}

/**
 * Build the native backend class on top of TF.js's CPU backend class.
 * The subclass only changes memory management; kernels are registered separately.
 */
export function makeNativeBackendClass(
  Base: typeof MathBackendCPU,
): new () => NativeBackendLike {
  return class NativeBackend extends Base implements NativeBackendLike {
    readonly pool = new BufferPool(poolCapBytes(), poolPoison());

    constructor() {
      super();
      // Silence the stock "Hi, looks like you are running TensorFlow.js in Node.js" banner.
      (this as unknown as { firstUse: boolean }).firstUse = false;
    }

    override write(values: Values, shape: number[], dtype: DataType): DataId {
      const id = super.write(values, shape, dtype);
      this.pool.retain(values);
      return id;
    }

    override move(
      dataId: DataId,
      values: Values,
      shape: number[],
      dtype: DataType,
      refCount: number,
    ): void {
      const old = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
      super.move(dataId, values, shape, dtype, refCount);
      this.pool.retain(values);
      if (old !== undefined) this.pool.release(old);
    }

    override disposeData(dataId: DataId, force = false): boolean {
      const values = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
      const removed = super.disposeData(dataId, force);
      if (removed && values !== undefined && !this.data.has(dataId)) this.pool.release(values);
      return removed;
    }

    override readSync(dataId: DataId): Values {
      const v = super.readSync(dataId);
      // Callers may keep dataSync()'s array after disposing the tensor: never hand out a
      // buffer the pool could reuse.
      return this.pool.isPooled(v) ? (v as Float32Array | Int32Array).slice() : v;
    }

    override read(dataId: DataId): Promise<Values> {
      return Promise.resolve(this.readSync(dataId));
    }

    override dispose(): void {
      this.pool.clear();
      super.dispose();
    }
  };
}

/** Env KEYPOINTGAN_POOL_POISON=1: reused buffers are NaN-filled (see BufferPool). */
function poolPoison(): boolean {
  try {
    return Deno.env.get("KEYPOINTGAN_POOL_POISON") === "1";
  } catch {
    return false;
  }
}

/** Pool cap: env KEYPOINTGAN_POOL_MB, else 2 GiB. */
function poolCapBytes(): number {
  let mb = NaN;
  try {
    mb = Number(Deno.env.get("KEYPOINTGAN_POOL_MB"));
  } catch { /* no env permission: default */ }
  return (Number.isFinite(mb) && mb >= 0 ? mb : 2048) * 2 ** 20;
}
