/**
 * `--jobs N`: each ready node runs in its own `deno run <same permissions> <entry> exec-node
 * --job <file>` worker, with BLAS/TF thread counts capped so N workers share the cores.
 * Workers stream events on stdout (channel.ts). Aborting sends SIGTERM (the worker aborts its
 * stage, which checkpoints), then SIGKILL after a grace period.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeLine, lines } from "./channel.ts";
import type { Executor } from "./executor.ts";
import { writeAtomic } from "./fsutil.ts";
import type { NodeEvent, NodeJob, NodeOutcome } from "./job.ts";
import type { Store } from "./store.ts";

/** Options of the worker pool. */
export interface SubprocessOptions {
  readonly store: Store;
  readonly jobs: number;
  /** Module whose CLI has `exec-node`. @default Deno.mainModule */
  readonly entry?: string;
  /** Seconds between SIGTERM and SIGKILL on abort. @default 10 */
  readonly graceSeconds?: number;
}

const PERMISSIONS = ["read", "write", "env", "run", "sys", "ffi", "net", "import"] as const;

/** `--allow-<name>` for every permission this process holds unconditionally. */
export function inheritedPermissionFlags(): string[] {
  return PERMISSIONS.filter((name) => Deno.permissions.querySync({ name }).state === "granted")
    .map((name) => `--allow-${name}`);
}

/** Threads per worker: max(1, floor(cores / jobs)). */
export function threadsPerWorker(jobs: number): number {
  return Math.max(1, Math.floor(navigator.hardwareConcurrency / jobs));
}

/** Runs each node in a worker subprocess. */
export class SubprocessExecutor implements Executor {
  readonly name: string;
  readonly slots: number;
  readonly #opts: SubprocessOptions;

  constructor(opts: SubprocessOptions) {
    this.#opts = opts;
    this.slots = opts.jobs;
    this.name = `subprocess×${opts.jobs}`;
  }

  async run(
    job: NodeJob,
    onEvent: (e: NodeEvent) => void,
    signal: AbortSignal,
  ): Promise<NodeOutcome> {
    const t0 = performance.now();
    const file = join(this.#opts.store.dir, "jobs", job.runId, `${job.key}.json`);
    await writeAtomic(file, JSON.stringify(job));
    const threads = String(threadsPerWorker(this.#opts.jobs));
    const entry = this.#opts.entry ?? Deno.mainModule;
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        ...inheritedPermissionFlags(),
        entry.startsWith("file:") ? fileURLToPath(entry) : entry,
        "exec-node",
        "--job",
        file,
        "--store",
        this.#opts.store.dir,
      ],
      env: {
        OMP_NUM_THREADS: threads,
        OPENBLAS_NUM_THREADS: threads,
        KEYPOINTGAN_THREADS: threads,
      },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stop = () => this.#terminate(child);
    signal.addEventListener("abort", stop, { once: true });
    let outcome: NodeOutcome | undefined;
    const stderr: string[] = [];
    const readOut = (async () => {
      for await (const line of lines(child.stdout)) {
        const msg = decodeLine(line);
        if (msg.type === "outcome") outcome = msg.outcome;
        else onEvent(msg);
      }
    })();
    const readErr = (async () => {
      for await (const line of lines(child.stderr)) {
        stderr.push(line);
        if (stderr.length > 40) stderr.shift();
        onEvent({ type: "log", message: line });
      }
    })();
    const status = await child.status;
    await Promise.all([readOut, readErr]);
    signal.removeEventListener("abort", stop);
    await Deno.remove(file).catch(() => {});
    if (outcome !== undefined) return outcome;
    const seconds = (performance.now() - t0) / 1000;
    if (signal.aborted) return { status: "aborted", seconds };
    const how = status.signal
      ? `was killed by ${status.signal}`
      : `exited with code ${status.code}`;
    return { status: "failed", seconds, error: `worker ${how}: ${stderr.at(-1) ?? "no output"}` };
  }

  #terminate(child: Deno.ChildProcess): void {
    try {
      child.kill("SIGTERM");
    } catch {
      return; // already gone
    }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // exited meanwhile
      }
    }, (this.#opts.graceSeconds ?? 10) * 1000);
    child.status.finally(() => clearTimeout(timer));
  }

  async close(): Promise<void> {}
}
