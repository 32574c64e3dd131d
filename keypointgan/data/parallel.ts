/**
 * Generate a synthetic dataset on several threads. Segments are dealt to workers by video; each
 * worker rebuilds the same generator from the spec and renders its segments; the main thread
 * assembles them in segment order. Every video draws from its own seeded stream, so the bytes
 * do not depend on the number of workers or on scheduling (a test checks 1 vs 2 workers).
 *
 * @module
 */
import { assemble, buildSynthetic } from "./synthetic.ts";
import type { RenderedSegment } from "./synthetic.ts";
import { makeSynthetic } from "./spec.ts";
import type { SyntheticSpec } from "./spec.ts";
import type { DatasetContent } from "./types.ts";

/** Progress and cancellation hooks. */
export interface GenerateHooks {
  readonly progress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

/** Message from a worker: one rendered segment, or the end of its share, or an error. */
export type WorkerReply =
  | {
    readonly kind: "segment";
    readonly index: number;
    readonly keypoints: Float32Array;
    readonly images: Uint8Array | null;
  }
  | { readonly kind: "done" }
  | { readonly kind: "error"; readonly message: string };

/** Number of generation threads: `KEYPOINTGAN_DATA_WORKERS`, else the cores (at most 4). */
export function defaultWorkers(): number {
  const env = Number(Deno.env.get("KEYPOINTGAN_DATA_WORKERS"));
  if (Number.isInteger(env) && env >= 1) return env;
  return Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
}

/** Build the dataset of `spec` with `workers` threads (1: in this thread). */
export async function generateParallel(
  spec: SyntheticSpec,
  workers: number,
  hooks: GenerateHooks = {},
): Promise<DatasetContent> {
  const { gen, segments, subjects } = makeSynthetic(spec);
  const opts = {
    imageSize: spec.imageSize,
    pairMode: spec.pairMode,
    maxGap: spec.maxGap,
    subjects,
    priorSource: spec.framesPerVideo === 1
      ? "synthetic:other-half-images"
      : `synthetic:${spec.priorFrom}`,
    ...hooks,
  };
  if (workers <= 1) return buildSynthetic(gen, segments, opts);
  // Deal whole videos round-robin, so each worker builds each of its videos once.
  const ids = [...new Set(segments.map((s) => s.video.id))];
  const owner = new Map(ids.map((id, i) => [id, i % workers]));
  const shares = Array.from({ length: workers }, () => [] as number[]);
  segments.forEach((s, i) => shares[owner.get(s.video.id)!].push(i));
  const rendered: RenderedSegment[] = new Array(segments.length);
  const total = segments.reduce((a, s) => a + s.end - s.start, 0);
  let done = 0;
  const pool = shares.filter((s) => s.length > 0).map(() =>
    new Worker(new URL("./synthetic_worker.ts", import.meta.url).href, { type: "module" })
  );
  const abort = () => pool.forEach((w) => w.terminate());
  hooks.signal?.addEventListener("abort", abort, { once: true });
  try {
    await Promise.all(pool.map((w, i) =>
      new Promise<void>((resolve, reject) => {
        w.onmessage = (e: MessageEvent<WorkerReply>) => {
          const m = e.data;
          if (m.kind === "error") return reject(new Error(`data generation worker: ${m.message}`));
          if (m.kind === "done") return resolve();
          rendered[m.index] = { keypoints: m.keypoints, images: m.images };
          const seg = segments[m.index];
          done += seg.end - seg.start;
          hooks.progress?.(done, total);
        };
        w.onerror = (e) => {
          e.preventDefault();
          reject(new Error(`data generation worker failed: ${e.message}`));
        };
        hooks.signal?.addEventListener("abort", () => reject(hooks.signal!.reason), { once: true });
        w.postMessage({ spec, indices: shares.filter((s) => s.length > 0)[i] });
      })
    ));
  } finally {
    abort();
    hooks.signal?.removeEventListener("abort", abort);
  }
  hooks.signal?.throwIfAborted();
  return assemble(gen, segments, rendered, opts);
}
