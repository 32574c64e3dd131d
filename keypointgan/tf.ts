/**
 * The only module that imports TensorFlow.js at runtime. Everything else does
 * `import { tf } from "../tf.ts"` (type-only imports of TF.js types are allowed elsewhere).
 *
 * Backend selection lives here: `initBackend("auto" | name)` picks the fastest backend that
 * loads on this machine and prints one line saying which (and why faster ones were skipped).
 * Order: tfjs-node-gpu → tfjs-node (only when installed locally; never downloaded) → `native`
 * (our CPU backend: TF.js's CPU kernels with the hot ones on OpenBLAS, see
 * `keypointgan/native/`) → WebGPU (only a real, non-software adapter) → WASM → plain CPU.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
// tfjs-core's bundles register no gradient functions; the union package registers them all
// (without it tf.grad/variableGrads fail with "gradient function not found").
import "@tensorflow/tfjs";
import {
  type Blas,
  fallbackCounts,
  isBlas,
  loadBlas,
  makeNativeBackendClass,
  NATIVE_KERNELS,
  nativeEnv,
  registerNativeGradients,
  stockCpuResizeGradFixes,
  type TfRuntime,
  toKernelConfigs,
} from "./native/mod.ts";
import { ENABLE_NATIVE, localPackageEntry, speedupHint, webgpuSkipReason } from "./native/probe.ts";

export { tf };

/** Backends we know how to select. `auto` tries them fastest-first. */
export type BackendName =
  | "auto"
  | "tfjs-node-gpu"
  | "tfjs-node"
  | "native"
  | "webgpu"
  | "wasm"
  | "cpu";

/** Names accepted by `--backend` and the `backend` stage params. */
export const BACKEND_NAMES: readonly BackendName[] = [
  "auto",
  "tfjs-node-gpu",
  "tfjs-node",
  "native",
  "webgpu",
  "wasm",
  "cpu",
];

/** The TF.js backend name each of our names registers. */
const TF_NAME: Record<Exclude<BackendName, "auto">, string> = {
  "tfjs-node-gpu": "tensorflow",
  "tfjs-node": "tensorflow",
  native: "native",
  webgpu: "webgpu",
  wasm: "wasm",
  cpu: "cpu",
};

/** Kernels training needs that some backends lack (TF.js 4.22's WASM has no conv gradients). */
const TRAINING_KERNELS = ["Conv2DBackpropFilter", "Conv2DBackpropInput"];

let selected: string | undefined;

silenceCpuBanner();
fixStockCpuKernels();

/**
 * Select and initialise a backend. Idempotent: the first call wins for the process.
 * Returns the TF.js backend name in use. Throws (listing the valid names) for an unknown
 * name, and with the reason when an explicitly requested backend cannot load.
 */
export async function initBackend(
  want: BackendName | string = "auto",
  log: (line: string) => void = (l) => console.error(l),
): Promise<string> {
  if (!BACKEND_NAMES.includes(want as BackendName)) {
    throw new Error(`unknown backend "${want}"; valid backends: ${BACKEND_NAMES.join(", ")}`);
  }
  if (selected) {
    // Something else in this process (a test, a notebook cell) may have switched TF.js to another
    // backend since: a stage must run on the backend it records.
    const name = TF_NAME[selected as Exclude<BackendName, "auto">];
    if (name && tf.getBackend() !== name) await tf.setBackend(name);
    return selected;
  }
  if (want !== "auto") {
    const reason = await tryBackend(want as Exclude<BackendName, "auto">, false);
    if (reason) {
      const hint = want === "native" && blasReason ? `. To enable it: ${ENABLE_NATIVE}` : "";
      throw new Error(`backend "${want}" is not available: ${reason}${hint}`);
    }
    log(`[tf] backend: ${want}${describe(want)} (requested)`);
    return selected!;
  }
  const skipped: string[] = [];
  for (const name of BACKEND_NAMES.slice(1) as Exclude<BackendName, "auto">[]) {
    const reason = await tryBackend(name, true);
    if (!reason) {
      const why = skipped.length ? `; skipped ${skipped.join("; ")}` : "";
      log(`[tf] backend: ${name}${describe(name)} (auto${why})`);
      if (blasReason) log(speedupHint(name, blasReason));
      return selected!;
    }
    skipped.push(`${name}: ${reason}`);
  }
  throw new Error(`no TF.js backend could be initialised (${skipped.join("; ")})`);
}

/** The backend in use, or undefined before `initBackend`. */
export function currentBackend(): string | undefined {
  return selected;
}

/**
 * Try one backend; returns undefined on success (and records it), else the reason. `auto`
 * also rejects backends that cannot train this project's convnets.
 */
async function tryBackend(
  name: Exclude<BackendName, "auto">,
  auto: boolean,
): Promise<string | undefined> {
  try {
    const reason = await prepare(name);
    if (reason) return reason;
    const missing = TRAINING_KERNELS.find((k) => !tf.getKernel(k, TF_NAME[name]));
    if (auto && missing) return `cannot train convnets (no ${missing} kernel)`;
    const ok = await tf.setBackend(TF_NAME[name]);
    if (!ok) return "failed to initialise";
    await tf.ready();
    selected = tf.getBackend();
    return undefined;
  } catch (e) {
    return (e as Error).message.split("\n")[0];
  }
}

/** Register what a backend needs; a string is the reason it is unavailable. */
async function prepare(name: Exclude<BackendName, "auto">): Promise<string | undefined> {
  switch (name) {
    case "tfjs-node-gpu":
    case "tfjs-node": {
      const entry = localPackageEntry(`@tensorflow/${name}`);
      if (typeof entry !== "string") return entry.reason;
      await import(entry);
      return tf.findBackendFactory("tensorflow") ? undefined : "loaded, but registered into " +
        "another copy of @tensorflow/tfjs-core (version mismatch with 4.22.0)";
    }
    case "native":
      return registerNative();
    case "webgpu": {
      const reason = await webgpuSkipReason();
      if (reason) return reason;
      await import("@tensorflow/tfjs-backend-webgpu");
      return undefined;
    }
    case "wasm":
      await import("@tensorflow/tfjs-backend-wasm");
      return undefined;
    case "cpu":
      return undefined;
  }
}

let nativeBlas: Blas | undefined;
let nativeDescription = "";
let blasReason = "";
const registeredNative = new Set<string>();

/**
 * Register the `native` backend (once per name); returns the reason when BLAS cannot load.
 * `engine` "js" forces the pure-JS loops (tests and `deno task bench` register it as a second
 * backend, e.g. "native-js", to compare both paths in one process).
 */
export function registerNative(
  name = "native",
  engine: "auto" | "c" | "js" = "auto",
): string | undefined {
  if (registeredNative.has(name)) return undefined;
  const blas = loadBlas();
  if (!isBlas(blas)) {
    blasReason = blas.reason;
    return blas.reason;
  }
  nativeBlas = blas;
  const NativeBackend = makeNativeBackendClass(MathBackendCPU);
  const ours = new Set(NATIVE_KERNELS.map((k) => k.name));
  for (const config of tf.getKernelsForBackend("cpu")) {
    if (!ours.has(config.kernelName)) tf.registerKernel({ ...config, backendName: name });
  }
  const { env, description } = nativeEnv(blas, {
    computeConv2DInfo: tf.backend_util.computeConv2DInfo,
    computePool2DInfo: tf.backend_util.computePool2DInfo,
    parseSliceParams: (x, begin, size) =>
      tf.slice_util.parseSliceParams(x as tf.TensorInfo as tf.Tensor, begin, size),
    stock: (k) => tf.getKernel(k, "cpu")?.kernelFunc,
    kernel: (k) => tf.getKernel(k, name)!.kernelFunc,
  }, engine);
  if (name === "native") nativeDescription = description;
  for (const config of toKernelConfigs(NATIVE_KERNELS, env, name)) tf.registerKernel(config);
  tf.registerBackend(name, () => new NativeBackend(), 0);
  if (registeredNative.size === 0) registerNativeGradients(tf, (b) => registeredNative.has(b));
  registeredNative.add(name);
  return undefined;
}

/** Whether `backend` (a TF.js backend name) is one `registerNative` registered. */
export function isNativeBackend(backend: string): boolean {
  return registeredNative.has(backend);
}

/**
 * Calls of native kernel overrides that deferred to the stock CPU kernel (unsupported dtype,
 * layout or shape), keyed by "kernel dtype[shape] …": a profiling aid for `deno task bench`.
 */
export function nativeFallbacks(): ReadonlyMap<string, number> {
  return fallbackCounts;
}

/** One line describing the native backend (BLAS, kernels, threads), or "" before it loads. */
export function nativeBackendDescription(): string {
  return nativeDescription;
}

function describe(name: string): string {
  if (name === "native" && nativeBlas) return ` (${nativeDescription})`;
  return "";
}

/**
 * TF.js 4.22's CPU ResizeBilinearGrad ignores halfPixelCenters and its
 * ResizeNearestNeighborGrad is wrong for batch > 1: replace both with exact adjoints, so the
 * stock `cpu` backend trains the same model as `native`. (WebGPU's bilinear grad has the same
 * half-pixel bug; WASM has none.)
 */
function fixStockCpuKernels(): void {
  const env = { rt: {} as TfRuntime } as Parameters<typeof toKernelConfigs>[1];
  for (const config of toKernelConfigs(stockCpuResizeGradFixes(), env, "cpu", false)) {
    tf.unregisterKernel(config.kernelName, "cpu");
    tf.registerKernel(config);
  }
}

/** The stock CPU backend prints a "use tfjs-node" banner on first use in Deno; drop it. */
function silenceCpuBanner(): void {
  const factory = tf.findBackendFactory("cpu");
  if (!factory) return;
  tf.removeBackend("cpu");
  tf.registerBackend("cpu", () => {
    const backend = factory() as unknown as { firstUse: boolean };
    backend.firstUse = false;
    return backend as unknown as tf.KernelBackend;
  }, 1);
}
