/**
 * The programmatic API the CLI, the tests, the notebook and (later) Slurm share: load, plan,
 * run (all of a plan, or some nodes), read artifacts. The CLI only parses flags and prints.
 *
 * @module
 */
import { resolve } from "node:path";
import {
  type ExperimentSource,
  loadExperiment,
  type LoadOptions,
} from "./experiment/experiment.ts";
import { InProcessExecutor } from "./executors/inprocess/executor.ts";
import type { Executor } from "./run/executor.ts";
import { Fingerprinter } from "./plan/fingerprint.ts";
import { appendLedger, type LedgerEntry, ledgerEntry, newRunId } from "./run/ledger.ts";
import { buildPlan, type Plan, type PlanNode, type PlanOptions } from "./plan/plan.ts";
import type { Project } from "./project.ts";
import { type Outcomes, type RunEvent, runPlan } from "./run/runner.ts";
import type { ArtifactRef } from "./stage.ts";
import { type ExplainOptions, explainPlan } from "./plan/state.ts";
import { Store, STORE_ENV } from "./store/store.ts";
import { SubprocessExecutor } from "./executors/subprocess/executor.ts";
import { EXPERIMENT_LEVEL, readIndex } from "./store/store_index.ts";

const fingerprinters = new WeakMap<Project, Fingerprinter>();

/** Opens the store at `dir`, else `$KEYPOINTGAN_STORE` (both relative to cwd), else `<root>/.cache`. */
export function openStore(project: Project, dir?: string): Store {
  const given = dir ?? Deno.env.get(STORE_ENV);
  return new Store(given ? resolve(given) : resolve(project.root, ".cache"));
}

/** Loads and validates an experiment (a name, a path, or `{ name, value }`). */
export function load(project: Project, source: ExperimentSource, opts?: LoadOptions) {
  return loadExperiment(project, source, opts);
}

/** Options of `plan`. */
export interface PlanRequest extends PlanOptions, ExplainOptions {}

/** Plans the experiment and explains each node's state against the store. */
export async function plan(
  project: Project,
  experiment: Awaited<ReturnType<typeof loadExperiment>>,
  store: Store,
  opts: PlanRequest = {},
): Promise<Plan> {
  let fp = fingerprinters.get(project);
  if (fp === undefined) fingerprinters.set(project, fp = new Fingerprinter(project.root));
  const p = buildPlan(project, experiment, fp, opts);
  await explainPlan(p, store, opts);
  return p;
}

/** Options of `run`. */
export interface RunRequest {
  /** Concurrent nodes; 1 runs in-process. @default 1 */
  readonly jobs?: number;
  /** A ready executor (overrides `jobs`). */
  readonly executor?: Executor;
  /** Entry module for subprocess workers. @default Deno.mainModule */
  readonly workerEntry?: string;
  readonly runId?: string;
  readonly signal?: AbortSignal;
  observer?(event: RunEvent): void;
  /** Only these nodes (keys) and what they need. */
  readonly targets?: readonly string[];
  /** Append a ledger line. @default true */
  readonly ledger?: boolean;
  /** Recorded in the ledger. */
  readonly argv?: readonly string[];
}

/** What a run produced. */
export interface RunResult {
  readonly runId: string;
  readonly outcomes: Outcomes;
  readonly interrupted: boolean;
  readonly ok: boolean;
  readonly entry: LedgerEntry;
}

/** Runs a plan (or the nodes in `targets`) and records the run in the ledger. */
export async function run(
  project: Project,
  p: Plan,
  store: Store,
  opts: RunRequest = {},
): Promise<RunResult> {
  const runId = opts.runId ?? newRunId();
  const started = new Date();
  const jobs = opts.jobs ?? 1;
  const executor = opts.executor ??
    (jobs > 1
      ? new SubprocessExecutor({ store, jobs, entry: opts.workerEntry })
      : new InProcessExecutor(project.registry, store, { detailLine: project.detailLine }));
  const signal = opts.signal ?? new AbortController().signal;
  let outcomes: Outcomes;
  try {
    outcomes = await runPlan(p, {
      store,
      executor,
      runId,
      signal,
      observer: opts.observer,
      targets: opts.targets,
    });
  } finally {
    await executor.close();
  }
  const meta = {
    id: runId,
    started,
    interrupted: signal.aborted,
    executor: executor.name,
    argv: opts.argv ?? [],
  };
  const entry = await ledgerEntry(project, p, outcomes, meta);
  if (opts.ledger ?? true) {
    await Deno.mkdir(store.dir, { recursive: true });
    await appendLedger(store.ledgerPath, entry);
  }
  const ok = [...outcomes.values()].every((o) => o.status === "ran" || o.status === "hit");
  return { runId, outcomes, interrupted: signal.aborted, ok, entry };
}

/** The node of `stage` in run `variant` (any run for experiment-level stages). */
export function nodeOf(p: Plan, stage: string, variant?: string): PlanNode | undefined {
  const label = variant ?? p.experiment.runs[0]?.label ?? EXPERIMENT_LEVEL;
  const key = p.keyOf(label, stage);
  return key === undefined ? undefined : p.byKey.get(key);
}

/** The verified artifact of `key` as a stage would receive it; undefined when not in the store. */
export async function readArtifact(store: Store, key: string, variants: readonly string[] = []) {
  const v = await store.verify(key);
  if (v.status !== "ok") return undefined;
  const m = v.manifest;
  const ref: ArtifactRef = {
    key,
    stage: m.stage,
    dir: v.dir,
    params: m.spec.params,
    variants,
    runId: m.runId,
  };
  return ref;
}

/** The artifact last computed for (experiment, variant, stage), from the plan index. */
export async function findArtifact(
  store: Store,
  experiment: string,
  variant: string,
  stage: string,
) {
  const entry = await readIndex(store, experiment, variant, stage) ??
    await readIndex(store, experiment, EXPERIMENT_LEVEL, stage);
  return entry === undefined ? undefined : await readArtifact(store, entry.key);
}
