/**
 * TEMPLATE — a documented skeleton of a stage. Not registered (files starting with `_` are not
 * stages). To add a stage:
 *
 * 1. copy this file to `stages/<name>.ts` (snake_case; the file name IS the stage name);
 * 2. fill in params / inputs / outputs / run below, calling the science in `keypointgan/`
 *    (stages are thin glue; no TF.js import here — use `keypointgan/tf.ts` through the library);
 * 3. add one import and one entry to `stages/mod.ts`;
 * 4. run `deno task test`: the contract suite (tests/stages_test.ts) now checks your stage; if
 *    it is slow at the tiny tier, add an entry to `tests/stage_fixtures.ts`.
 *
 * The engine hashes this file and every local module it imports (plus pinned npm versions)
 * into the cache key, so editing any of them recomputes this stage and what depends on it.
 *
 * @module
 */
import { z } from "zod";
import { type ArtifactRef, defineStage } from "../pipeline/stage.ts";

export default defineStage({
  name: "_template", // must equal the registry key and the file name
  /** Bump when outputs change meaning without a source change (e.g. a data file it reads). */
  version: 1,
  description: "one line shown by --dry-run and in errors",
  /**
   * Params: a STRICT zod object, every field with a default (the stage's defaults live here;
   * experiment files only list changes). A key named like a global (`seed`, `tier`, `backend`,
   * `priorSize`, `priorSeed`) receives the global unless the experiment sets it explicitly.
   */
  params: z.strictObject({
    seed: z.int().default(0),
    tier: z.enum(["tiny", "small", "paper"]).default("small"),
    /** Left unset → filled from the tier by `resolve`, so the cache key holds the real value. */
    steps: z.int().min(1).optional(),
  }),
  /** Pure and deterministic: fill derived params before hashing. */
  resolve: (p) => ({ ...p, steps: p.steps ?? { tiny: 2, small: 200, paper: 20_000 }[p.tier] }),
  /**
   * Inputs: `{ stage }` = that stage's node in the same variant chain (an ArtifactRef);
   * `{ stage, from: "all" }` = fan-in over every variant (ArtifactRef[], in variant order).
   */
  inputs: { data: { stage: "prepare_data" } },
  /** Exactly what run() writes into ctx.outDir; a trailing "/" declares a directory. */
  outputs: ["result.json", "figures/", "timing.json"],
  /** Outputs allowed to differ between two runs with the same seed (wall times, hostnames). */
  volatile: ["timing.json"],
  /** Optional: a text output the CLI prints after the run (the report's tables). */
  // display: "tables.txt",
  /** Relative cost (≈ seconds) for the overall ETA. */
  cost: (p) => p.steps ?? 1,
  async run(ctx) {
    const data = ctx.inputs.data as ArtifactRef; // read-only: files under data.dir
    ctx.log(`reading ${data.stage} ${data.key.slice(0, 12)}`);
    // Resumable work: keep checkpoints in ctx.workDir (survives kill -9; deleted on success).
    const steps = ctx.params.steps!;
    for (let step = 0; step < steps; step++) {
      ctx.signal.throwIfAborted(); // Ctrl-C: checkpoint, then stop promptly
      ctx.progress(step + 1, steps);
    }
    await Deno.writeTextFile(`${ctx.outDir}/result.json`, JSON.stringify({ steps }) + "\n");
    await Deno.mkdir(`${ctx.outDir}/figures`);
    await Deno.writeTextFile(
      `${ctx.outDir}/timing.json`,
      JSON.stringify({ at: Date.now() }) + "\n",
    );
    // Scalars for the run ledger (`deno task runs`): final losses, metrics, backend used.
    return { steps };
  },
});
