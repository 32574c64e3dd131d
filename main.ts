/**
 * Entry point of every `deno task`: only the registry. It names the stage registry (the
 * science, `stages/mod.ts`) for the generic engine (`pipeline/`) and lists the commands, each
 * of which lives in `cli/`: `run`, `report`, `runs`, `gc` and `exec-node` are the engine's
 * (cli/dispatch.ts), the others one line each below, a lazy import of a `cli/` module that
 * exports `run(args: string[]): Promise<number | void>`.
 *
 * @module
 */
import { type ExtraCommand, main } from "./cli/dispatch.ts";
import { checkPrerequisites } from "./keypointgan/prerequisites.ts";
import { executorPlugins } from "./pipeline/mod.ts";
import { globals, registry } from "./stages/mod.ts";

/** Extra commands: name → description + lazy module (keeps `run` from loading them). */
const commands: Record<string, ExtraCommand> = {
  summary: {
    description: "parameter count of each network",
    load: () => import("./cli/summary.ts"),
  },
  notebook: {
    description:
      "install the Deno Jupyter kernel, say how to open the notebooks (--execute: run them headless)",
    load: () => import("./cli/notebook.ts"),
  },
  predict: {
    description: "keypoints for image files/folders from a trained model",
    load: () => import("./cli/predict.ts"),
  },
  bench: {
    description: "the benchmark (same as deno task bench): kernels, bench-net, one step per tier",
    load: () => import("./cli/bench.ts"),
  },
  ui: {
    description: "local read-only run browser on 127.0.0.1 (runs, one run, compare 2-5 runs)",
    load: () => import("./cli/ui.ts"),
  },
};

if (import.meta.main) {
  Deno.exit(
    await main(Deno.args, {
      root: new URL(".", import.meta.url),
      registry,
      globals,
      defaultExperiment: "ablation",
      commands,
      // Where nodes may run besides this machine: the Slurm plug-in (pipeline/executors/).
      executors: executorPlugins,
      // OpenBLAS + a C compiler, installed first on a root apt machine; one backend line per run.
      preflight: checkPrerequisites,
      // Each process's "[tf] backend: …" description goes to the node log, not the terminal.
      detailLine: (line) => line.startsWith("[tf] "),
    }),
  );
}
