/**
 * The engine's public surface: the stage contract, and the API the CLI, the notebook, the
 * tests and the Slurm executor share.
 *
 * ```ts
 * const project = openProject({ root: new URL(".", import.meta.url), registry, globals });
 * const store = openStore(project);
 * const exp = await load(project, "smoke", { set: ["train.steps=20"] });
 * const p = await plan(project, exp, store);           // states + why, nothing computed
 * const result = await run(project, p, store, { observer: console.log });
 * const evalRef = await readArtifact(store, nodeOf(p, "evaluate", "keypointgan")!.key);
 * ```
 *
 * @module
 */
export * from "./stage.ts";
export { openProject, type Project, type ProjectConfig, stageDefaults } from "./project.ts";
export type { Experiment, ExperimentSource, LoadOptions, VariantRun } from "./experiment.ts";
export {
  ExperimentError,
  formatIssue,
  formatPath,
  type Issue,
  StageFailedError,
} from "./errors.ts";
export type { NodeState, Plan, PlanNode, PlanOptions, Reason } from "./plan.ts";
export { describeState } from "./state.ts";
export { type FailureRecord, Store, STORE_ENV, type Verified } from "./store.ts";
export type { Manifest, NodeSpec } from "./manifest.ts";
export { type Executor, InProcessExecutor } from "./executor.ts";
export { SubprocessExecutor } from "./subprocess.ts";
export { type InterruptPolicy, SlurmExecutor, type SlurmExecutorOptions } from "./slurm.ts";
export type { SlurmConfig } from "./slurm_args.ts";
export type { NodeEvent, NodeJob, NodeOutcome } from "./job.ts";
export type { Outcomes, RunEvent } from "./runner.ts";
export { type LedgerEntry, readLedger } from "./ledger.ts";
export { parseCommandArgs } from "./cli_flags.ts";
export {
  findArtifact,
  load,
  nodeOf,
  openStore,
  plan,
  type PlanRequest,
  readArtifact,
  run,
  type RunRequest,
  type RunResult,
} from "./api.ts";
