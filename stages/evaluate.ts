/**
 * `evaluate`: one trained model on its dataset → every protocol number of the paper (on every
 * evaluation split), with and without supervised post-processing, the mean-pose baseline on the
 * same frames, the model's condensed training curves, qualitative figures and provenance.
 *
 * Thin glue: inference through `keypointgan/model/infer.ts`, scoring in `keypointgan/eval/`.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { type ArtifactRef, defineStage } from "../pipeline/stage.ts";
import { readDataset } from "../keypointgan/data/dataset_io.ts";
import type { Dataset } from "../keypointgan/data/types.ts";
import { condenseCurves, heldOutCurve, parseJsonLines } from "../keypointgan/eval/curves.ts";
import {
  scorePredictions,
  splitByName,
  stridedIndices,
  subsetSplit,
} from "../keypointgan/eval/score.ts";
import type { EvaluationRecord } from "../keypointgan/eval/record.ts";
import { loadTrainedModel, predictKeypoints } from "../keypointgan/model/infer.ts";
import { type BackendName, initBackend } from "../keypointgan/tf.ts";
import { evaluationRecordSchema } from "./_evaluation_schema.ts";
import { writeFigures } from "./_evaluate_figures.ts";

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

/** What evaluate needs from `train.json` (checked before any work). */
const trainJson = z.object({
  variant: z.string(),
  flags: z.record(z.string(), z.unknown()),
  lossNames: z.array(z.string()),
  steps: z.int(),
  backend: z.string().nullable().optional(),
  perceptual: z.string().nullable().optional(),
  kind: z.enum(["humans", "faces", "cats"]),
  numPoints: z.int(),
  imageSize: z.int(),
  tier: z.string().nullable().optional(),
  priorSize: z.int().min(0),
  /** Prior poses the model actually saw (after the subset). */
  priorCount: z.int().min(0).optional(),
  seed: z.int().nullable().optional(),
  finalLosses: z.record(z.string(), z.number()),
});

async function readTrainJson(dir: string, dataset: Dataset) {
  const file = join(dir, "train.json");
  const r = trainJson.safeParse(JSON.parse(await Deno.readTextFile(file)));
  if (!r.success) {
    throw new Error(
      `${file}: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const h = dataset.header, t = r.data;
  for (
    const [key, want] of [["kind", h.kind], ["numPoints", h.numPoints], [
      "imageSize",
      h.imageSize,
    ]] as const
  ) {
    if (t[key] !== want) {
      throw new Error(`${file}: ${key} is ${t[key]} but the dataset's is ${want}`);
    }
  }
  return t;
}

/** Predictions for `n` images of `images`, in batches; non-finite output is an error. */
async function predictAll(
  model: Awaited<ReturnType<typeof loadTrainedModel>>,
  images: Uint8Array,
  n: number,
  batch: number,
  tick: (k: number) => void,
) {
  const k = model.numPoints, px = images.length / Math.max(n, 1), out = new Float32Array(n * k * 2);
  for (let i = 0; i < n; i += batch) {
    const m = Math.min(batch, n - i);
    out.set(await predictKeypoints(model, images.subarray(i * px, (i + m) * px), m), i * k * 2);
    tick(m);
  }
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new Error(`the model predicted ${out[bad]} for image ${Math.floor(bad / (k * 2))}`);
  }
  return out;
}

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
    const train = await readTrainJson(trained.dir, dataset);
    const curvesFile = join(trained.dir, "metrics.jsonl");
    const rows = parseJsonLines(await Deno.readTextFile(curvesFile), curvesFile);
    const curves = condenseCurves(rows, train.lossNames);
    const heldOut = heldOutCurve(rows);
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
      evalPreds[name] = await predictAll(model, split.images, split.count, p.batchSize, tick);
    }
    const fitPreds = await predictAll(model, fit.images, fit.count, p.batchSize, tick);
    const scores = scorePredictions(
      dataset,
      { eval: evalPreds, fit: fitPreds, fitIndices },
      p.postprocessRidge,
    );
    await Deno.mkdir(join(ctx.outDir, "figures"));
    const { figures, notes } = await writeFigures(ctx.outDir, data.dir, model, dataset, {
      test: evalPreds.test,
      map: scores.map,
      generative: train.flags.supervised !== true,
      frames: p.figureFrames,
    });
    const prior = dataset.prior;
    const record: EvaluationRecord = {
      format: "keypointgan-evaluation",
      formatVersion: 1,
      dataset: {
        kind: h.kind,
        name: h.name,
        skeleton: h.skeleton,
        numPoints: h.numPoints,
        imageSize: h.imageSize,
        originalSize: h.originalSize,
        activities: h.activities,
        priorSource: prior.source,
        // The prior's poses name no frame of this dataset (video −1): another source (Table 2's 3DHP row).
        crossSourcePrior: prior.count > 0 && prior.video.every((v) => v === -1),
        counts: { train: dataset.train.count, test: dataset.test.count, prior: prior.count },
        artifactKey: data.key,
        params: data.params,
      },
      model: {
        variant: train.variant,
        flags: train.flags,
        priorSize: train.priorSize,
        priorUsed: train.priorCount ??
          (train.priorSize > 0 ? Math.min(train.priorSize, prior.count) : prior.count),
        seed: train.seed ?? null,
        tier: train.tier ?? null,
        backend: train.backend ?? null,
        perceptual: train.perceptual ?? null,
        steps: train.steps,
        finalLosses: train.finalLosses,
        artifactKey: trained.key,
        params: trained.params,
      },
      measurements: scores.measurements,
      postprocess: scores.postprocess,
      collapse: scores.collapse,
      training: curves,
      ...(heldOut ? { heldOut } : {}),
      figures,
      notes,
    };
    evaluationRecordSchema.parse(record); // never write a record the report would reject
    const test = evalPreds.test;
    await Deno.writeFile(
      join(ctx.outDir, "predictions.f32"),
      new Uint8Array(test.buffer, test.byteOffset, test.byteLength),
    );
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
