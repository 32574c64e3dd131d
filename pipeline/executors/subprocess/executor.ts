/**
 * `--jobs N`: each ready node runs in its own `deno run <same permissions> <entry> exec-node
 * --job <file>` worker, with BLAS/TF thread counts capped so N workers share the cores.
 * Workers stream events on stdout (channel.ts). Aborting sends SIGTERM (the worker aborts its
 * stage, which checkpoints), then SIGKILL after a grace period.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeLine, lines } from "../../run/channel.ts";
import type { Executor } from "../../run/executor.ts";
import { writeAtomic } from "../../common/fsutil.ts";
import type { NodeEvent, NodeJob, NodeOutcome } from "../../run/node_job.ts";
import type { Store } from "../../store/store.ts";

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
    // What a worker prints outside the protocol (a crash, a runtime warning) goes to the node's
    // log; stack frames stay out of the terminal (issue 17: the clear message only).
    const logPath = this.#opts.store.logPath(job.runId, job.stage, job.key);
    const readErr = (async () => {
      for await (const line of lines(child.stderr)) {
        stderr.push(line);
        if (stderr.length > 40) stderr.shift();
        await appendLine(logPath, line);
        if (!STACK_FRAME.test(stripAnsi(line))) onEvent({ type: "log", message: line });
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
    // Deno's uncaught-error line when there is one, else the last line that is not trace noise.
    const plain = stderr.map(stripAnsi);
    const last = plain.findLast((l) => /^error: /.test(l)) ??
      plain.filter((l) => l.trim() && !STACK_FRAME.test(l)).at(-1);
    return {
      status: "failed",
      seconds,
      error: `worker ${how}: ${last?.trim() ?? "no output"}`,
      log: logPath,
    };
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

/** A line of a JavaScript stack trace (`    at f (file:///x.ts:1:2)`, or the `^` under code). */
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\))$|^\s*\^+\s*$/;

function stripAnsi(line: string): string {
  // deno-lint-ignore no-control-regex
  return line.replace(/\x1b\[[0-9;]*m/g, "");
}

async function appendLine(path: string, line: string): Promise<void> {
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
    await Deno.writeTextFile(path, stripAnsi(line) + "\n", { append: true });
  } catch { /* best effort: the line was still seen */ }
}
