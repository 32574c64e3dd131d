/**
 * Probes used by backend selection in `keypointgan/tf.ts`: is tfjs-node installed locally, is
 * there a real (hardware) WebGPU adapter, and what to tell the user when BLAS is missing.
 * No TF.js import here; `tf.ts` does the importing.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Lower bounds of how much faster the native backend trains than the stock one it falls back
 * to, from bench-net step times on this project's 2-core machine (docs/performance.md): stock
 * `cpu` > 60 s (≥ 900 s under load) vs native ≈ 0.3 s; WebGPU on a software adapter 17.6 s.
 */
export const MEASURED_NATIVE_SPEEDUP: Readonly<Record<string, number>> = {
  cpu: 200,
  webgpu: 50,
};

/**
 * The file URL of a locally installed npm package's entry point, or the reason it is not
 * usable. Only looks at `node_modules/` of the working directory and of the repository: a
 * missing package is never downloaded at runtime.
 */
export function localPackageEntry(pkg: string): string | { reason: string } {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
  for (const root of new Set([safeCwd(), repoRoot])) {
    if (!root) continue;
    const dir = join(root, "node_modules", pkg);
    const manifest = join(dir, "package.json");
    try {
      if (!existsSync(manifest)) continue;
      const json = JSON.parse(Deno.readTextFileSync(manifest)) as { main?: string };
      return pathToFileURL(join(dir, json.main ?? "index.js")).href;
    } catch (e) {
      return { reason: `unreadable ${manifest}: ${(e as Error).message.split("\n")[0]}` };
    }
  }
  return { reason: "not installed" };
}

function safeCwd(): string | undefined {
  try {
    return Deno.cwd();
  } catch {
    return undefined;
  }
}

interface AdapterInfoLike {
  isFallbackAdapter?: boolean;
  description?: string;
  device?: string;
  vendor?: string;
  architecture?: string;
}

/** Why WebGPU should be skipped (no API, no adapter, software adapter), or undefined. */
export async function webgpuSkipReason(): Promise<string | undefined> {
  // deno-lint-ignore no-explicit-any
  const gpu = (navigator as any).gpu;
  if (!gpu) return "no navigator.gpu";
  const adapter = await gpu.requestAdapter();
  if (!adapter) return "no adapter";
  const info: AdapterInfoLike = adapter.info ?? {};
  const text = [info.description, info.device, info.vendor, info.architecture].join(" ");
  if (info.isFallbackAdapter || adapter.isFallbackAdapter || isSoftwareAdapter(text)) {
    return `software adapter (${info.description || "fallback"})`;
  }
  return undefined;
}

/** Software rasterisers that expose WebGPU on CPU-only machines. */
export function isSoftwareAdapter(text: string): boolean {
  return /llvmpipe|lavapipe|swiftshader|softpipe|software|basic render/i.test(text);
}

/** How to get the native backend. */
export const ENABLE_NATIVE = "apt-get install libopenblas0-pthread (Debian/Ubuntu), or set " +
  "KEYPOINTGAN_BLAS=/path/to/libopenblas.so, and run deno with --allow-ffi";

/** The one line printed when training runs on `chosen` because BLAS did not load. */
export function speedupHint(chosen: string, reason: string): string {
  const ratio = MEASURED_NATIVE_SPEEDUP[chosen];
  const faster = ratio && ratio > 1 ? `over ${Math.round(ratio)}× faster` : "much faster";
  return `[tf] native BLAS backend unavailable (${reason}); training would be ${faster} with ` +
    `it: ${ENABLE_NATIVE}`;
}
