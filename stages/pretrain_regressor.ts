/**
 * `pretrain_regressor`: pretrain η on rendered prior skeletons, MSE(η(β(p̄)), p̄) (digest §4),
 * using only the (possibly subset) unpaired prior. Thin glue over keypointgan/model/run.ts.
 *
 * @module
 */
import { z } from "zod";
import { type ArtifactRef, defineStage } from "../pipeline/stage.ts";
import { readDataset } from "../keypointgan/data/dataset_io.ts";
import { runPretrain } from "../keypointgan/model/run.ts";
import { type BackendName, initBackend } from "../keypointgan/tf.ts";
import { commonParams, resolveTier } from "../keypointgan/model/params_schema.ts";

export default defineStage({
  name: "pretrain_regressor",
  version: 1,
  description: "pretrain the keypoint regressor η on rendered prior skeletons β(p̄) → p̄",
  params: z.strictObject(commonParams),
  resolve: (p) => resolveTier(p, "pretrainSteps"),
  inputs: { data: { stage: "prepare_data" } },
  outputs: ["regressor/", "metrics.jsonl", "pretrain.json"],
  cost: (p) => (p.steps ?? 1000) * (p.batch ?? 16) * ((p.width ?? 0.25) * 4) ** 2 * 0.002,
  async run(ctx) {
    const data = ctx.inputs.data as ArtifactRef;
    const backend = await initBackend(ctx.params.backend as BackendName, ctx.log);
    const ds = await readDataset(data.dir);
    const final = await runPretrain(ctx.params, ds, {
      workDir: ctx.workDir,
      outDir: ctx.outDir,
      signal: ctx.signal,
      progress: ctx.progress,
      log: ctx.log,
      backend,
    });
    return { ...final, backend };
  },
});
