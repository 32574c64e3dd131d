/**
 * The stage registry: every stage of the pipeline, by name. The engine (`pipeline/`) knows
 * stages only through this object.
 *
 * To add a stage: copy `stages/_template.ts` to `stages/<name>.ts`, then add ONE import and ONE
 * entry below (`<name>,`). The key must equal the stage's `name` and its file name (the file's
 * import closure is the stage's code fingerprint). Order does not matter: the DAG order comes
 * from each stage's declared `inputs` (topological sort). The contract suite
 * (`tests/stages_test.ts`) picks every entry up automatically.
 *
 * @module
 */
import { z } from "zod";
import type { StageRegistry } from "../pipeline/stage.ts";
import evaluate from "./evaluate.ts";
import prepare_data from "./prepare_data.ts";
import pretrain_regressor from "./pretrain_regressor.ts";
import report from "./report.ts";
import train from "./train.ts";

/** Stage name → definition. */
export const registry: StageRegistry = {
  prepare_data,
  pretrain_regressor,
  train,
  evaluate,
  report,
};

/**
 * Experiment-level settings. A stage whose params have a key of the same name receives the
 * global's value unless the experiment sets that stage param explicitly.
 */
export const globals = z.strictObject({
  /** Seed of every random choice (data sampling, init, pairs). */
  seed: z.int().default(0),
  /** Scale tier (keypointgan/tiers.ts): tiny = tests, small = 2-CPU default, paper = GPU. */
  tier: z.enum(["tiny", "small", "paper"]).default("small"),
  /** Compute backend (keypointgan/tf.ts); `auto` picks the fastest that loads. */
  backend: z.string().default("auto"),
  /** Prior subset size for Table 5 (0 = the full prior). */
  priorSize: z.int().min(0).default(0),
  /** Seed of the prior subset selection. */
  priorSeed: z.int().default(0),
});
