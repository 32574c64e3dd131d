/**
 * The executor seam: how a ready node gets computed. The runner (coordinator) decides WHAT
 * is ready; an executor decides WHERE it runs:
 * - `InProcessExecutor` (executors/inprocess/): in this process, one at a time (`--jobs 1`; tests; the notebook);
 * - `SubprocessExecutor` (executors/subprocess/): `--jobs N` workers, each `main.ts exec-node --job F`;
 * - `SlurmExecutor` (executors/slurm/): submits the same `exec-node --job F` command with sbatch and
 *   reads the same event lines from the job's output file in the shared store.
 * Every executor ends in `executeNode` (run/execute.ts), so locking, atomic commit and failure
 * records are identical everywhere.
 *
 * @module
 */
import type { NodeEvent, NodeJob, NodeOutcome } from "./node_job.ts";
import type { Store } from "../store/store.ts";

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
