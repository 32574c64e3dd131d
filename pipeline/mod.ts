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
export type {
  Experiment,
  ExperimentSource,
  LoadOptions,
  VariantRun,
} from "./experiment/experiment.ts";
export {
  ExperimentError,
  formatIssue,
  formatPath,
  type Issue,
  StageFailedError,
} from "./common/errors.ts";
export type { NodeState, Plan, PlanNode, PlanOptions, Reason } from "./plan/plan.ts";
export { describeState } from "./plan/state.ts";
export { type FailureRecord, Store, STORE_ENV, type Verified } from "./store/store.ts";
export type { Manifest, NodeSpec } from "./store/manifest.ts";
export type { Executor, ExecutorContext, ExecutorPlugin } from "./run/executor.ts";
export type { ExecutorKind } from "./project.ts";
export { executorPlugins } from "./executors/mod.ts";
export { InProcessExecutor } from "./executors/inprocess/executor.ts";
export { SubprocessExecutor } from "./executors/subprocess/executor.ts";
export {
  type InterruptPolicy,
  slurm,
  type SlurmConfig,
  SlurmExecutor,
  type SlurmExecutorOptions,
} from "./executors/slurm/mod.ts";
export type { NodeEvent, NodeJob, NodeOutcome } from "./run/node_job.ts";
export type { Outcomes, RunEvent } from "./run/runner.ts";
export { type LedgerEntry, readLedger, show } from "./run/ledger.ts";
// How the CLI formats ledger values, for other views of the ledger (the run browser).
export { commitOf, fmtNumber } from "./run/runs_diff.ts";
export { duration } from "./common/table.ts";
export { parseCommandArgs } from "./common/flags.ts";
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
