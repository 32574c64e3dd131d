/**
 * `run [experiment]` and `report [experiment]`: load → plan (→ `--dry-run` table) → run with
 * progress → display outputs → summary → ledger (→ `--gc`). Ctrl-C aborts in-process stages and
 * SIGTERMs workers, then exits 130 with the summary; a second Ctrl-C exits at once.
 *
 * @module
 */
import { load, openStore, plan as planExperiment, run as runPlanned } from "../pipeline/api.ts";
import { type RunFlags } from "./run_flags.ts";
import { displays, failures, planHeader, planTable, summary } from "./run_output.ts";
import { gcReport, reachableKeys } from "./gc.ts";
import { collectGarbage } from "../pipeline/store/gc.ts";
import type { Plan } from "../pipeline/plan/plan.ts";
import type { Project } from "../pipeline/project.ts";
import { progressView } from "../pipeline/run/progress_bars.ts";
import { etaHistory } from "../pipeline/run/eta_history.ts";
import { readLedger } from "../pipeline/run/ledger.ts";
import { IssueList } from "../pipeline/common/errors.ts";
import { chooseExecutor } from "./executor_choice.ts";
import type { ExecutorPlugin } from "../pipeline/run/executor.ts";

/** Options that differ between `run` and `report`. */
export interface RunMode {
  /** Plan only up to the last stage that declares `display`, print it, keep quiet otherwise. */
  readonly report: boolean;
  /** Module with `exec-node`, for workers. */
  readonly entry?: string;
  readonly argv: readonly string[];
  /** The project's machine check before anything computes (see `Preflight`). */
  readonly preflight?: Preflight;
  /** Executor plug-ins besides `local` (`--executor`, the experiment's `executor.kind`). */
  readonly executors?: readonly ExecutorPlugin[];
}

/** A node that will compute, as a preflight sees it. */
export interface PreflightNode {
  readonly stage: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/**
 * Checks this machine before any node computes (e.g. installs or names the system libraries a
 * backend needs); may log a line or two. Returns a one-line message to stop the run with
 * (exit 2, nothing computed or recorded), or undefined to go on.
 */
export type Preflight = (
  nodes: readonly PreflightNode[],
  log: (line: string) => void,
) => Promise<string | undefined>;

/** Runs the command; returns the exit code. */
export async function runCommand(
  project: Project,
  flags: RunFlags,
  mode: RunMode,
): Promise<number> {
  const exp = await load(project, flags.experiment ?? project.defaultExperiment, {
    set: flags.set,
    variants: flags.variants,
  });
  const choice = chooseExecutor(exp, flags, mode.executors ?? []);
  const store = openStore(project, flags.store);
  await checkStore(store.dir, flags.store === undefined ? "the store" : "--store", !flags.dryRun);
  const only = mode.report ? [displayStage(project)] : flags.only.length ? flags.only : undefined;
  const p = await planExperiment(project, exp, store, {
    only,
    force: flags.force,
    from: flags.from,
    onWarn: warn,
  });
  let stopView = () => {}; // the Ctrl-C question must not be drawn over by the bars
  const executor = choice.kind === "plugin" && !flags.dryRun
    ? choice.plugin.create(choice.settings, {
      project,
      store,
      plan: p,
      slots: choice.slots,
      entry: mode.entry,
      onInterrupt: flags.onInterrupt,
      beforeAsk: () => stopView(),
    })
    : undefined;
  const jobs = choice.kind === "local" ? choice.jobs : 1;
  const executorName = choice.kind === "plugin"
    ? choice.plugin.describe(choice.settings)
    : jobs > 1
    ? `${jobs} workers`
    : "in-process";
  console.error(planHeader(p, store, executorName));
  if (flags.dryRun) {
    console.log(planTable(p));
    return 0;
  }
  // A remote executor's nodes (Slurm jobs) compute on other machines, which this one cannot check.
  if (mode.preflight && !(choice.kind === "plugin" && choice.plugin.remote)) {
    const toRun = p.nodes.filter((n) => n.state.status === "run");
    const stop = await mode.preflight(toRun, (line) => console.error(line));
    if (stop !== undefined) {
      console.error(`✖ ${stop}; nothing was run`);
      return 2;
    }
  }
  const ledger = await readLedger(store.ledgerPath);
  const { result, seconds } = await withInterrupt((signal) => {
    const view = progressView(p, {
      tty: Deno.stderr.isTerminal(),
      model: { history: etaHistory(p, ledger), slots: executor?.slots ?? jobs },
    });
    stopView = () => view.stop();
    return runPlanned(project, p, store, {
      jobs,
      executor,
      signal,
      observer: view.observer,
      workerEntry: mode.entry,
      argv: mode.argv,
    })
      .finally(() => view.stop());
  });
  for (const { text, dir } of await displays(project, p, store, result.outcomes)) {
    console.log(`\n${text}\n`); // stdout: the tables alone, so they can be piped to a file
    console.error(`(files: ${dir}/)`); // e.g. report.html beside the tables
  }
  const anyRan = [...result.outcomes.values()].some((o) => o.status !== "hit");
  if (!mode.report || anyRan) console.error(summary(p, result.outcomes, seconds));
  for (const line of failures(p, result.outcomes)) console.error(line);
  console.error(`run ${result.runId} recorded in ${store.ledgerPath}`);
  if (flags.gc && !result.interrupted) await gcAfter(project, store, p);
  return result.interrupted ? 130 : result.ok ? 0 : 1;
}

/** The last stage (in DAG order) that declares a display output. */
export function displayStage(project: Project): string {
  const stage = project.order.findLast((s) => project.registry[s].display !== undefined);
  if (stage === undefined) {
    const issues = new IssueList();
    issues.add("registry", [], "no stage declares a display output, so there is nothing to report");
    issues.throwIfAny();
  }
  return stage!;
}

async function withInterrupt<T>(
  work: (signal: AbortSignal) => Promise<T>,
): Promise<{ result: T; seconds: number }> {
  const ctrl = new AbortController();
  const onInt = () => {
    if (ctrl.signal.aborted) Deno.exit(130);
    console.error(
      "\ninterrupting: stopping stages (they keep their state; re-run to resume). Ctrl-C again exits now.",
    );
    ctrl.abort();
  };
  Deno.addSignalListener("SIGINT", onInt);
  Deno.addSignalListener("SIGTERM", onInt);
  const t0 = performance.now();
  try {
    const result = await work(ctrl.signal);
    return { result, seconds: (performance.now() - t0) / 1000 };
  } finally {
    Deno.removeSignalListener("SIGINT", onInt);
    Deno.removeSignalListener("SIGTERM", onInt);
  }
}

async function gcAfter(project: Project, store: ReturnType<typeof openStore>, p: Plan) {
  const keep = await reachableKeys(project, store);
  for (const n of p.nodes) keep.add(n.key);
  console.error(gcReport(await collectGarbage(store, keep, false, project.executors), false));
}

/**
 * The store must be a directory this process can write (created when missing), checked before
 * anything computes: otherwise every node would fail with the same OS error.
 */
async function checkStore(dir: string, source: string, write: boolean): Promise<void> {
  const issues = new IssueList();
  const st = await Deno.stat(dir).catch(() => undefined);
  if (st !== undefined && !st.isDirectory) {
    issues.add(source, [], `${dir} is not a directory (the store is a folder of artifacts)`);
  } else if (write) {
    const probe = `${dir}/.write-test-${Deno.pid}`;
    try {
      await Deno.mkdir(dir, { recursive: true });
      await Deno.writeTextFile(probe, "");
      await Deno.remove(probe);
    } catch (e) {
      const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
      issues.add(source, [], `cannot write to the store ${dir}: ${why}`);
    }
  }
  issues.throwIfAny();
}

function warn(message: string) {
  console.error(`⚠ ${message}`);
}
