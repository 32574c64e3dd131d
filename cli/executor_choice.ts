/**
 * The CLI's side of `--executor slurm`: which executor a run uses (flag, else the experiment's
 * `executor.kind`, else local), the Slurm executor built from the experiment's settings, the
 * check that sbatch/squeue/scancel are on PATH (before anything runs, and only when there is
 * something to submit), and the Ctrl-C question "cancel the submitted jobs?".
 *
 * @module
 */
import type { RunFlags } from "./run_flags.ts";
import { IssueList } from "../pipeline/common/errors.ts";
import type { Experiment } from "../pipeline/experiment/experiment.ts";
import type { Plan } from "../pipeline/plan/plan.ts";
import type { Project } from "../pipeline/project.ts";
import { type InterruptPolicy, SlurmExecutor } from "../pipeline/executors/slurm/executor.ts";
import type { SlurmConfig } from "../pipeline/executors/slurm/args.ts";
import { missingTools, REQUIRED_TOOLS } from "../pipeline/executors/slurm/cli.ts";
import type { Store } from "../pipeline/store/store.ts";

/** Where the run's nodes go. */
export type ExecutorChoice =
  | { readonly kind: "local"; readonly jobs: number }
  | { readonly kind: "slurm"; readonly config: SlurmConfig; readonly slots?: number };

/** `--executor` wins over the experiment's `executor`; `--jobs` caps workers or queued jobs. */
export function chooseExecutor(exp: Experiment, flags: RunFlags): ExecutorChoice {
  const kind = flags.executor ?? exp.executor?.kind ?? "local";
  if (kind === "slurm") {
    const config = exp.executor?.kind === "slurm" ? exp.executor : {};
    return { kind, config, slots: flags.jobs };
  }
  const fromFile = exp.executor?.kind === "local" ? exp.executor.jobs : undefined;
  return { kind: "local", jobs: flags.jobs ?? fromFile ?? navigator.hardwareConcurrency };
}

/** The Slurm executor of a run; exits 2 (before anything runs) if Slurm's tools are missing. */
export function slurmExecutor(
  project: Project,
  store: Store,
  plan: Plan,
  choice: Extract<ExecutorChoice, { kind: "slurm" }>,
  opts: { entry?: string; onInterrupt?: string; beforeAsk?: () => void },
): SlurmExecutor {
  const toRun = plan.nodes.some((n) => n.state.status !== "cached");
  const missing = toRun ? missingTools() : [];
  if (missing.length > 0) {
    const issues = new IssueList();
    issues.add(
      "--executor",
      [],
      `the Slurm executor needs ${REQUIRED_TOOLS.join(", ")} on PATH (missing: ${
        missing.join(", ")
      }): run on a Slurm login node, or use --executor local`,
    );
    issues.throwIfAny();
  }
  return new SlurmExecutor({
    store,
    root: project.root,
    config: choice.config,
    slots: choice.slots,
    entry: opts.entry,
    onInterrupt: interruptPolicy(opts.onInterrupt, opts.beforeAsk),
  });
}

/** `ask` (the default on a terminal) asks once; `cancel` (default otherwise) or `keep`. */
function interruptPolicy(flag: string | undefined, beforeAsk?: () => void): InterruptPolicy {
  const interactive = Deno.stdin.isTerminal() && Deno.stderr.isTerminal();
  const mode = flag ?? (interactive ? "ask" : "cancel");
  if (mode === "cancel" || mode === "keep") return mode;
  return (ids) => {
    beforeAsk?.();
    return askCancel(ids);
  };
}

async function askCancel(ids: readonly string[]): Promise<boolean> {
  const list = ids.length > 8 ? `${ids.slice(0, 8).join(", ")}, …` : ids.join(", ");
  const q = `\n? Cancel the ${ids.length} Slurm job${ids.length === 1 ? "" : "s"} this run ` +
    `submitted (${list})? Kept jobs go on and a later run re-attaches to them (Ctrl-C again: keep them and exit now). [Y/n] `;
  await Deno.stderr.write(new TextEncoder().encode(q));
  const buf = new Uint8Array(64);
  const n = await Deno.stdin.read(buf);
  const answer = new TextDecoder().decode(buf.subarray(0, n ?? 0)).trim().toLowerCase();
  return !answer.startsWith("n");
}
