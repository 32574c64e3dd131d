/**
 * `evaluate`: one trained model on its dataset → every protocol number of the paper (on every
 * evaluation split), with and without supervised post-processing, the mean-pose baseline on the
 * same frames, the model's condensed training curves, qualitative figures and provenance.
 *
 * Thin glue: scoring, the record (type, schema, assembly) and train.json in `keypointgan/eval/`;
 * inference and figures in `keypointgan/predict/`.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { type ArtifactRef, defineStage } from "../pipeline/stage.ts";
import { readDataset } from "../keypointgan/data/dataset_io.ts";
import { assembleRecord } from "../keypointgan/eval/assemble_record.ts";
import { condenseCurves, heldOutCurve, parseJsonLines } from "../keypointgan/eval/curves.ts";
import {
  scorePredictions,
  splitByName,
  stridedIndices,
  subsetSplit,
} from "../keypointgan/eval/score.ts";
import { readTrainInfo } from "../keypointgan/eval/train_info.ts";
import { loadTrainedModel } from "../keypointgan/model/infer.ts";
import { writeFigures } from "../keypointgan/predict/evaluation_figures.ts";
import { predictAll } from "../keypointgan/predict/predict_all.ts";
import { type BackendName, initBackend } from "../keypointgan/tf.ts";
const params = z.strictObject({
  /** Frames of the post-processing split used to fit the linear map and the "train" error (0 = all). */
  postprocessFrames: z.int().min(0).default(2000),
  /** Ridge λ of the post-processing fit; 0 is the protocol's plain least squares (digest §6.5). */
  postprocessRidge: z.number().min(0).default(0),
  /** Test images per qualitative figure. */
  figureFrames: z.int().min(2).max(16).default(8),
  /** Images per inference call. */
  batchSize: z.int().min(1).default(32),
  /** Compute backend (global). */
  backend: z.string().default("auto"),
});

/** The `evaluate` stage. */
export default defineStage({
  name: "evaluate",
  version: 1,
  description:
    "Every protocol number of one model (± post-processing), the mean-pose baseline, figures",
  params,
  inputs: { data: { stage: "prepare_data" }, model: { stage: "train" } },
  outputs: ["metrics.json", "predictions.f32", "figures/"],
  cost: () => 30,
  async run(ctx) {
    // A worker process starts on TF.js's default (stock cpu, ~60× slower than native here).
    await initBackend(ctx.params.backend as BackendName, ctx.log);
    const data = ctx.inputs.data as ArtifactRef, trained = ctx.inputs.model as ArtifactRef;
    const dataset = await readDataset(data.dir);
    const train = await readTrainInfo(trained.dir, dataset);
    const curvesFile = join(trained.dir, "metrics.jsonl");
    const rows = parseJsonLines(await Deno.readTextFile(curvesFile), curvesFile);
    const h = dataset.header, p = ctx.params;
    const fitSplit = splitByName(dataset, h.postprocessSplit);
    const fitIndices = stridedIndices(fitSplit.count, p.postprocessFrames);
    const fit = subsetSplit(fitSplit, h.numPoints, h.imageSize, fitIndices);
    const model = await loadTrainedModel(trained.dir);
    const total = h.evalSplits.reduce((a, s) => a + splitByName(dataset, s).count, fit.count);
    let done = 0;
    const tick = (k: number) => ctx.progress(done += k, total, "inference");
    const evalPreds: Record<string, Float32Array> = {};
    for (const name of h.evalSplits) {
      const split = splitByName(dataset, name);
      evalPreds[name] = predictAll(model, split.images, split.count, p.batchSize, tick);
    }
    const fitPreds = predictAll(model, fit.images, fit.count, p.batchSize, tick);
    const preds = { eval: evalPreds, fit: fitPreds, fitIndices };
    const scores = scorePredictions(dataset, preds, p.postprocessRidge);
    await Deno.mkdir(join(ctx.outDir, "figures"));
    const { figures, notes } = await writeFigures(ctx.outDir, data.dir, model, dataset, {
      test: evalPreds.test,
      map: scores.map,
      generative: train.flags.supervised !== true,
      frames: p.figureFrames,
    });
    const training = condenseCurves(rows, train.lossNames), heldOut = heldOutCurve(rows);
    const record = assembleRecord({
      ...{ dataset, data, train, trained, scores, training, heldOut, figures, notes },
    });
    const test = evalPreds.test;
    const bytes = new Uint8Array(test.buffer, test.byteOffset, test.byteLength);
    await Deno.writeFile(join(ctx.outDir, "predictions.f32"), bytes);
    await Deno.writeTextFile(
      join(ctx.outDir, "metrics.json"),
      JSON.stringify(record, null, 1) + "\n",
    );
    const headline = scores.measurements.find((m) =>
      m.split === "test" && m.predictor === "model" && m.flip !== "plain"
    )!;
    return {
      [headline.protocol]: headline.all,
      postprocess: scores.postprocess.status,
      spread: scores.collapse?.spread ?? null,
    };
  },
});
