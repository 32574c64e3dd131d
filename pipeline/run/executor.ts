/**
 * The executor seam: how a ready node gets computed. The runner (coordinator) decides WHAT
 * is ready; an executor decides WHERE it runs:
 * - `InProcessExecutor` (executors/inprocess/): in this process, one at a time (`--jobs 1`; tests; the notebook);
 * - `SubprocessExecutor` (executors/subprocess/): `--jobs N` workers, each `main.ts exec-node --job F`;
 * - `SlurmExecutor` (executors/slurm/): submits the same `exec-node --job F` command with sbatch and
 *   reads the same event lines from the job's output file in the shared store.
 * An executor other than the local ones is a plug-in (`ExecutorPlugin`): it brings its own
 * settings schema for the experiment file and its own gc hook, so the core names none of them.
 * Every executor ends in `executeNode` (run/execute.ts), so locking, atomic commit and failure
 * records are identical everywhere.
 *
 * @module
 */
import type { NodeEvent, NodeJob, NodeOutcome } from "./node_job.ts";
import type { Plan } from "../plan/plan.ts";
import type { ExecutorKind, Project } from "../project.ts";
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

/** What a plug-in gets to build the executor of one run. */
export interface ExecutorContext {
  readonly project: Project;
  readonly store: Store;
  /** The run's plan (states set): e.g. to check tools only when something is left to compute. */
  readonly plan: Plan;
  /** `--jobs`: nodes at once. @default the plug-in's */
  readonly slots?: number;
  /** Module whose CLI has `exec-node`. @default Deno.mainModule */
  readonly entry?: string;
  /** `--on-interrupt`: what Ctrl-C does with work submitted elsewhere (`ask`, `cancel`, `keep`). */
  readonly onInterrupt?: string;
  /** Called before a question on the terminal (the progress bars must not draw over it). */
  readonly beforeAsk?: () => void;
}

/**
 * An executor plug-in (pipeline/executors/slurm/ is one): its kind and settings schema, its gc
 * hook (`ExecutorKind`), a one-line description and a factory. Entry points list plug-ins in
 * `ProjectConfig.executors`; the experiment's `executor.kind` or `--executor` picks one.
 */
export interface ExecutorPlugin<S = Record<string, unknown>> extends ExecutorKind {
  /** Nodes compute on other machines (this machine's preflight check does not apply). */
  readonly remote: boolean;
  /** One line for the run header, e.g. `slurm (partition gpu, 1 GPU/job)`. */
  describe(settings: S): string;
  /** The executor of a run; throws `ExperimentError` (nothing runs) when it cannot work here. */
  create(settings: S, ctx: ExecutorContext): Executor;
}
