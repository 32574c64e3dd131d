/**
 * The executor plug-ins, by kind, besides the built-in `local` one (in-process or `--jobs`
 * workers). Entry points hand this list to the engine (`ProjectConfig.executors`); the core
 * knows plug-ins only through the `ExecutorPlugin` interface (run/executor.ts).
 *
 * To add an executor: a folder `executors/<kind>/` whose `mod.ts` exports an `ExecutorPlugin`
 * (kind, settings schema, gc hook, describe, create), one entry below, and the shared contract
 * suite (executors/testing/contract.ts) run against its executor.
 *
 * @module
 */
import type { ExecutorPlugin } from "../run/executor.ts";
import { slurm } from "./slurm/mod.ts";

/** Every executor plug-in. */
export const executorPlugins: readonly ExecutorPlugin[] = [slurm];
