/**
 * Entry point of every `deno task`: wires the stage registry (the science, `stages/mod.ts`)
 * into the generic engine (`pipeline/`), which imports neither TF.js nor keypoint code.
 *
 * Commands owned by other rooms plug in below: one line each, a lazy import of a module that
 * exports `run(args: string[]): Promise<number | void>`.
 *
 * @module
 */
import { type ExtraCommand, main } from "./pipeline/cli.ts";
import { checkPrerequisites } from "./keypointgan/prerequisites.ts";
import { globals, registry } from "./stages/mod.ts";

/** Extra commands: name → description + lazy module (keeps `run` from loading them). */
const commands: Record<string, ExtraCommand> = {
  summary: {
    description: "parameter count of each network",
    load: () => import("./keypointgan/model/summary.ts"),
  },
  notebook: {
    description:
      "install the Deno Jupyter kernel, say how to open the notebooks (--execute: run them headless)",
    load: () => import("./lab/notebook_command.ts"),
  },
  predict: {
    description: "keypoints for image files/folders from a trained model",
    load: () => import("./commands/predict.ts"),
  },
  ui: {
    description: "local read-only run browser on 127.0.0.1 (runs, one run, compare 2-5 runs)",
    load: () => import("./ui/server.ts"),
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
      // OpenBLAS + a C compiler, installed first on a root apt machine; one backend line per run.
      preflight: checkPrerequisites,
      // Each process's "[tf] backend: …" description goes to the node log, not the terminal.
      detailLine: (line) => line.startsWith("[tf] "),
    }),
  );
}
