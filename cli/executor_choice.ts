/**
 * The CLI's choice of executor: `--executor` wins over the experiment's `executor.kind`, else
 * local (in-process, or `--jobs` workers). A kind other than `local` is one of the project's
 * executor plug-ins (`ExecutorPlugin`, pipeline/run/executor.ts), which builds the executor.
 *
 * @module
 */
import type { RunFlags } from "./run_flags.ts";
import type { Experiment } from "../pipeline/experiment/experiment.ts";
import type { ExecutorPlugin } from "../pipeline/run/executor.ts";

/** Where the run's nodes go. */
export type ExecutorChoice =
  | { readonly kind: "local"; readonly jobs: number }
  | {
    readonly kind: "plugin";
    readonly plugin: ExecutorPlugin;
    readonly settings: Record<string, unknown>;
    readonly slots?: number;
  };

/** `--executor` wins over the experiment's `executor`; `--jobs` caps workers or queued jobs. */
export function chooseExecutor(
  exp: Experiment,
  flags: RunFlags,
  plugins: readonly ExecutorPlugin[],
): ExecutorChoice {
  const kind = flags.executor ?? exp.executor?.kind ?? "local";
  const plugin = plugins.find((p) => p.kind === kind);
  if (plugin !== undefined) {
    const settings = exp.executor?.kind === kind ? exp.executor : {};
    return { kind: "plugin", plugin, settings, slots: flags.jobs };
  }
  const fromFile = exp.executor?.kind === "local" ? exp.executor.jobs : undefined;
  return { kind: "local", jobs: flags.jobs ?? fromFile ?? navigator.hardwareConcurrency };
}
