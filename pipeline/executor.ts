/**
 * The executor seam: how a ready node gets computed. The runner (coordinator) decides WHAT
 * is ready; an executor decides WHERE it runs:
 * - `InProcessExecutor`: in this process, one at a time (`--jobs 1`; tests; the notebook);
 * - `SubprocessExecutor` (subprocess.ts): `--jobs N` workers, each `main.ts exec-node --job F`;
 * - `SlurmExecutor` (slurm.ts): submits the same `exec-node --job F` command with sbatch and
 *   reads the same event lines from the job's output file in the shared store.
 * Every executor ends in `executeNode` (execute.ts), so locking, atomic commit and failure
 * records are identical everywhere.
 *
 * @module
 */
import { executeNode } from "./execute.ts";
import type { NodeEvent, NodeJob, NodeOutcome } from "./job.ts";
import type { LockOptions } from "./lock.ts";
import type { StageRegistry } from "./stage.ts";
import type { Store } from "./store.ts";

/** Runs jobs somewhere. */
export interface Executor {
  /** Shown in the summary: `in-process`, `subprocess×4`, `slurm`. */
  readonly name: string;
  /** How many nodes may compute at once. */
  readonly slots: number;
  /** Computes one node; resolves when it ends (stage failures are outcomes, not rejections). */
  run(job: NodeJob, onEvent: (e: NodeEvent) => void, signal: AbortSignal): Promise<NodeOutcome>;
  /** Releases resources (workers, job files). */
  close(): Promise<void>;
}

/** Computes nodes in this process, `slots` at a time (default 1). */
export class InProcessExecutor implements Executor {
  readonly name = "in-process";
  readonly slots: number;
  readonly #registry: StageRegistry;
  readonly #store: Store;
  readonly #lock?: LockOptions;
  readonly #detailLine?: (line: string) => boolean;

  constructor(
    registry: StageRegistry,
    store: Store,
    opts: { slots?: number; lock?: LockOptions; detailLine?: (line: string) => boolean } = {},
  ) {
    this.#registry = registry;
    this.#store = store;
    this.slots = opts.slots ?? 1;
    this.#lock = opts.lock;
    this.#detailLine = opts.detailLine;
  }

  run(job: NodeJob, onEvent: (e: NodeEvent) => void, signal: AbortSignal): Promise<NodeOutcome> {
    return executeNode(job, {
      registry: this.#registry,
      store: this.#store,
      signal,
      onEvent,
      lock: this.#lock,
      detailLine: this.#detailLine,
    });
  }

  async close(): Promise<void> {}
}
