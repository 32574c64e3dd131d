/**
 * Helpers for the native-kernel tests: run the same TF.js computation on the stock `cpu`
 * backend and on a native backend, and compare.
 *
 * @module
 */
import { isBlas, loadBlas } from "./blas.ts";
import { registerNative, tf } from "../tf.ts";

const blas = loadBlas();

/** Why native tests are skipped on this machine, or undefined when they run. */
export const nativeSkipReason: string | undefined = isBlas(blas) ? undefined : blas.reason;

if (nativeSkipReason) {
  console.warn(
    `native kernel tests skipped: ${nativeSkipReason} (install libopenblas0-pthread or set KEYPOINTGAN_BLAS)`,
  );
} else {
  registerNative("native");
  registerNative("native-js", "js");
}

/** Native backends under test: the default (C helper when built) and the JS loops. */
export const NATIVE_BACKENDS = ["native", "native-js"] as const;

/** Deterministic uniform numbers in [lo, hi) (mulberry32). */
export function rand(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

/** Run `f` on `backend` and return its outputs as arrays (tensors disposed). */
export async function runOn(
  backend: string,
  f: () => tf.Tensor | tf.Tensor[],
): Promise<{ shape: number[]; values: Float32Array | Int32Array | Uint8Array }[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(() => {
    const r = f();
    return Array.isArray(r) ? r : [r];
  });
  const res = out.map((t) => ({ shape: t.shape, values: t.dataSync() as Float32Array }));
  tf.dispose(out);
  return res;
}

/** max|a-b| / max(|b|) over finite values; NaN/±Infinity must match exactly. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < b.length; i++) {
    const x = a[i], y = b[i];
    if (Object.is(x, y) || x === y) continue;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return Infinity;
    diff = Math.max(diff, Math.abs(x - y));
    scale = Math.max(scale, Math.abs(y));
  }
  return diff / Math.max(scale, 1e-30);
}

/**
 * Compare a computation on every native backend against the stock CPU backend: same shapes,
 * relative error ≤ tol. Returns a description of the first mismatch, or undefined.
 */
export async function compareWithCpu(
  f: () => tf.Tensor | tf.Tensor[],
  tol = 1e-4,
): Promise<string | undefined> {
  const ref = await runOn("cpu", f);
  for (const backend of NATIVE_BACKENDS) {
    const got = await runOn(backend, f);
    for (let i = 0; i < ref.length; i++) {
      if (got[i].shape.join() !== ref[i].shape.join()) {
        return `${backend} output ${i}: shape [${got[i].shape}] vs cpu [${ref[i].shape}]`;
      }
      const err = relError(got[i].values, ref[i].values);
      if (!(err <= tol)) return `${backend} output ${i}: relative error ${err.toExponential(2)}`;
    }
  }
  return undefined;
}
