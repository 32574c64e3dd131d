/**
 * The only module that imports TensorFlow.js at runtime. Everything else does
 * `import { tf } from "../tf.ts"` (type-only imports of TF.js types are allowed elsewhere).
 *
 * Backend selection lives here: `initBackend("auto" | name)` picks the fastest backend that
 * loads on this machine and prints which one it uses.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
// tfjs-core's bundles register no gradient functions; the union package registers them all
// (without it tf.grad/variableGrads fail with "gradient function not found").
import "@tensorflow/tfjs";

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

let selected: string | undefined;

/**
 * Select and initialise a backend. Idempotent: the first call wins for the process.
 * Returns the TF.js backend name in use.
 */
export async function initBackend(
  want: BackendName = "auto",
  log: (line: string) => void = (l) => console.error(l),
): Promise<string> {
  if (selected) return selected;
  // Placeholder until the performance work lands: the stock CPU backend.
  await tf.setBackend("cpu");
  await tf.ready();
  selected = tf.getBackend();
  log(
    `[tf] backend: ${selected}${want !== "auto" && want !== selected ? ` (asked: ${want})` : ""}`,
  );
  return selected;
}

/** The backend in use, or undefined before `initBackend`. */
export function currentBackend(): string | undefined {
  return selected;
}
