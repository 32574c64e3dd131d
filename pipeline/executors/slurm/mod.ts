/**
 * The Slurm plug-in (`ExecutorPlugin`): `"executor": { "kind": "slurm", … }` in an experiment
 * file or `--executor slurm` submits one sbatch job per ready node (docs/slurm.md). It brings
 * its settings schema (settings.ts), its gc hook (gc.ts: job records, scripts and outputs under
 * `<store>/slurm/`) and the factory below: the check that sbatch/squeue/scancel are on PATH
 * (before anything runs, and only when there is something to submit), and the Ctrl-C question
 * "cancel the submitted jobs?".
 *
 * @module
 */
import { IssueList } from "../../common/errors.ts";
import type { ExecutorContext, ExecutorPlugin } from "../../run/executor.ts";
import type { SlurmConfig } from "./args.ts";
import { describeSlurm } from "./args.ts";
import { missingTools, REQUIRED_TOOLS } from "./cli.ts";
import { type InterruptPolicy, SlurmExecutor } from "./executor.ts";
import { collectSlurm } from "./gc.ts";
import { slurmSettings } from "./settings.ts";

export { type InterruptPolicy, SlurmExecutor, type SlurmExecutorOptions } from "./executor.ts";
export type { SlurmConfig } from "./args.ts";

/** The plug-in main.ts lists in `executors`. */
export const slurm: ExecutorPlugin<SlurmConfig> = {
  kind: "slurm",
  settings: slurmSettings,
  gc: collectSlurm,
  remote: true,
  describe: describeSlurm,
  create: slurmExecutor,
};

/** The Slurm executor of a run; exits 2 (before anything runs) if Slurm's tools are missing. */
function slurmExecutor(config: SlurmConfig, ctx: ExecutorContext): SlurmExecutor {
  const toRun = ctx.plan.nodes.some((n) => n.state.status !== "cached");
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
    store: ctx.store,
    root: ctx.project.root,
    config,
    slots: ctx.slots,
    entry: ctx.entry,
    onInterrupt: interruptPolicy(ctx.onInterrupt, ctx.beforeAsk),
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
