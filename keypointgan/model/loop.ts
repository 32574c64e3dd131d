/**
 * The training loop shared by η pretraining and KeypointGAN training: resume from the latest
 * checkpoint, log window means of every declared loss to `metrics.jsonl`, checkpoint every N
 * steps, stop on NaN/Inf naming the step and loss (the last good checkpoint stays), and on
 * abort checkpoint then throw.
 *
 * A resumed run continues the same loss curve exactly: the checkpoint holds every tensor, every
 * RNG state and the partially filled logging window.
 *
 * @module
 */
import { join } from "node:path";
import { tf } from "../tf.ts";
import { cadenceProblem } from "./cadence.ts";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
import type { Job } from "./training_jobs.ts";

/** Loop settings. */
export interface LoopOptions {
  readonly steps: number;
  readonly logEvery: number;
  readonly checkpointEvery: number;
  /** Steps between held-out monitoring rows (a multiple of logEvery; 0 = off). */
  readonly evalEvery?: number;
  /** Where the checkpoint and the in-progress `metrics.jsonl` live. */
  readonly workDir: string;
  /** Samples per step divided by the dataset size: `t` in metrics rows is epochs. */
  readonly epochPerStep: number;
  readonly signal?: AbortSignal;
  readonly progress?: (done: number, total: number) => void;
  readonly log?: (line: string) => void;
  /** Called with wall-clock seconds per logged row (kept out of artifacts). */
  readonly onTiming?: (step: number, seconds: number) => void;
}

/** One `metrics.jsonl` row. */
export type MetricsRow = { step: number; t: number } & Record<string, number>;

/** Raised when a loss is NaN or infinite. */
export class DivergedError extends Error {
  constructor(
    readonly step: number,
    readonly loss: string,
    readonly value: number,
    readonly lastCheckpoint: number,
  ) {
    super(
      `Training diverged at step ${step}: loss ${loss} is ${value}; the last good checkpoint ` +
        `(step ${lastCheckpoint}) is kept`,
    );
    this.name = "DivergedError";
  }
}

/** Run `job` to `opts.steps`; returns the metrics rows (also in `<workDir>/metrics.jsonl`). */
export async function runLoop(job: Job, opts: LoopOptions): Promise<MetricsRow[]> {
  const problem = cadenceProblem(opts);
  if (problem) throw new RangeError(`Cannot train: ${problem}`);
  await Deno.mkdir(opts.workDir, { recursive: true });
  const metricsPath = join(opts.workDir, "metrics.jsonl");
  let step = 0;
  let window = emptyWindow(job.lossNames);
  let rows: MetricsRow[] = [];
  const ckpt = await loadCheckpoint(opts.workDir);
  if (ckpt) {
    job.load(ckpt.tensors, ckpt.state.job as Record<string, unknown>);
    tf.dispose(Object.values(ckpt.tensors));
    step = ckpt.state.step as number;
    window = ckpt.state.window as Window;
    rows = (await readRows(metricsPath)).filter((r) => r.step <= step);
    opts.log?.(`resumed from the checkpoint at step ${step}`);
  }
  await Deno.writeTextFile(metricsPath, rows.map((r) => JSON.stringify(r) + "\n").join(""));
  let lastCkpt = step;
  let tWall = performance.now();
  const save = async () => {
    await saveCheckpoint(opts.workDir, job.stateTensors(), { step, window, job: job.stateJson() });
    lastCkpt = step;
  };
  while (step < opts.steps) {
    const losses = job.step();
    step += 1;
    for (const name of job.lossNames) {
      const v = losses[name];
      if (!Number.isFinite(v)) throw new DivergedError(step, name, v, lastCkpt);
      window.sums[name] += v;
    }
    window.count += 1;
    if (step % opts.logEvery === 0 || step === opts.steps) {
      const row = { step, t: round(step * opts.epochPerStep) } as MetricsRow;
      for (const name of job.lossNames) row[name] = window.sums[name] / window.count;
      if (job.monitor && opts.evalEvery && (step % opts.evalEvery === 0 || step === opts.steps)) {
        Object.assign(row, job.monitor());
      }
      rows.push(row);
      await Deno.writeTextFile(metricsPath, JSON.stringify(row) + "\n", { append: true });
      window = emptyWindow(job.lossNames);
      const now = performance.now();
      opts.onTiming?.(step, (now - tWall) / 1000);
      tWall = now;
    }
    if (step % opts.checkpointEvery === 0 || step === opts.steps) await save();
    opts.progress?.(step, opts.steps);
    if (opts.signal?.aborted) {
      if (lastCkpt !== step) await save();
      throw new DOMException(
        `Training interrupted at step ${step}; checkpoint saved`,
        "AbortError",
      );
    }
  }
  return rows;
}

interface Window {
  count: number;
  sums: Record<string, number>;
}

function emptyWindow(names: readonly string[]): Window {
  return { count: 0, sums: Object.fromEntries(names.map((n) => [n, 0])) };
}

/** Keep `t` short and exact across runs. */
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

async function readRows(path: string): Promise<MetricsRow[]> {
  try {
    const text = await Deno.readTextFile(path);
    return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}
