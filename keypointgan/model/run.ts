/**
 * Library entry points behind the `pretrain_regressor` and `train` stages: build configs from
 * resolved params, run the loop with checkpoints in `workDir`, write the declared outputs.
 * Usable without the pipeline (a `Dataset` in memory and two directories).
 *
 * @module
 */
import { join } from "node:path";
import { selectPriorSubset } from "../data/prior_subset.ts";
import type { Dataset } from "../data/types.ts";
import { SKELETONS } from "../skeletons.ts";
import { tf } from "../tf.ts";
import type { AppearancePool, ArchConfig, PhiOutput } from "./arch.ts";
import { validateArch } from "./arch.ts";
import { BatchSource } from "./batches.ts";
import { exportPredictor } from "./export.ts";
import { type FeatureNet, loadVgg19, offlineFeatureNet } from "./features.ts";
import type { ModelMetadata } from "./infer.ts";
import { GanJob, PretrainJob } from "./training_jobs.ts";
import { type MetricsRow, runLoop } from "./loop.ts";
import { makeMonitor, regressorFloor } from "./monitor.ts";
import type { ReconstructionKind } from "./reconstruction.ts";
import type { RenderOptions } from "./render.ts";
import type { LrScheduleKind } from "./schedule.ts";
import { Trainer } from "./trainer.ts";
import { type SecondCycle, variantFlags, type VariantName } from "./variants.ts";
import { atomicWrite, readWeightsRaw, writeWeights } from "./weights_io.ts";

/** Params shared by both stages (after tier resolution: no nulls left). */
export interface CommonParams {
  seed: number;
  tier: string;
  backend: string;
  priorSize: number;
  priorSeed: number;
  width: number;
  etaWidth: number;
  batch: number;
  steps: number;
  lr: number;
  lrSchedule: LrScheduleKind;
  lrWarmup: number;
  lrStepEvery: number;
  lrStepFactor: number;
  beta1: number;
  beta2: number;
  clip: number;
  sigma: number;
  distance: RenderOptions["distance"];
  logEvery: number;
  checkpointEvery: number;
}

/** Train-only params. */
export interface TrainParams extends CommonParams {
  variant: VariantName;
  conditional: boolean | null;
  bottleneck: boolean | null;
  secondCycle: SecondCycle | null;
  dScales: number;
  dLayers: number;
  lambdaAdv: number;
  lambdaRec: number;
  lambdaCycle: number;
  lambdaAdvImage: number;
  etaReal: number;
  etaFake: number;
  finetuneEta: boolean;
  poolSize: number;
  reconstruction: ReconstructionKind;
  perceptualNet: "pixels" | "edges" | "random" | "vgg19";
  appearancePool: AppearancePool;
  perceptualPath: string;
  vggRelu: boolean;
  vggChannelOrder: "bgr" | "rgb";
  emaMu: number;
  dNoise: number;
  dMinibatchStd: boolean;
  dNoiseSteps: number;
  equivariance: number;
  dLrScale: number;
  weightAverage: number;
  phiOutput: PhiOutput;
  evalEvery: number;
  evalFrames: number;
}

/** Host hooks (the stage context, or nothing). */
export interface RunHooks {
  readonly workDir: string;
  readonly outDir: string;
  readonly signal?: AbortSignal;
  readonly progress?: (done: number, total: number) => void;
  readonly log?: (line: string) => void;
  /** TF.js backend name actually in use (recorded in the outputs). */
  readonly backend: string;
  /** Edges β draws; default: the skeleton of the dataset's kind (keypointgan/skeletons.ts). */
  readonly edges?: readonly (readonly [number, number])[];
}

function common(p: CommonParams, ds: Dataset, hooks: RunHooks) {
  const edges = hooks.edges ?? SKELETONS[ds.header.kind].edges;
  const render: RenderOptions = { sigma: p.sigma, distance: p.distance };
  const adam = { lr: p.lr, beta1: p.beta1, beta2: p.beta2, eps: 1e-8, clip: p.clip };
  const schedule = {
    kind: p.lrSchedule,
    lr: p.lr,
    steps: p.steps,
    warmup: p.lrWarmup,
    stepEvery: p.lrStepEvery,
    stepFactor: p.lrStepFactor,
  };
  const prior = selectPriorSubset(ds.prior, p.priorSize, p.priorSeed);
  return { edges, render, adam, schedule, prior };
}

/** η pretraining on β(p̄) → p̄; writes `regressor/`, `metrics.jsonl`, `pretrain.json`. */
export async function runPretrain(
  p: CommonParams,
  ds: Dataset,
  hooks: RunHooks,
): Promise<Record<string, number>> {
  const c = common(p, ds, hooks);
  const arch: ArchConfig = {
    imageSize: ds.header.imageSize,
    width: p.width,
    etaWidth: p.etaWidth,
    numPoints: ds.header.numPoints,
    conditional: true,
    dScales: 1,
    dLayers: 1,
    imageDiscriminator: false,
  };
  validateArch({ ...arch, dLayers: 0 });
  const job = new PretrainJob({
    arch,
    edges: c.edges,
    render: c.render,
    adam: c.adam,
    schedule: c.schedule,
    batch: p.batch,
    seed: p.seed,
  }, new BatchSource(ds, c.prior));
  try {
    const rows = await runLoop(job, loopOptions(p, hooks, p.batch / c.prior.count));
    const meta = {
      kind: "keypointgan-regressor",
      arch,
      render: c.render,
      priorSize: c.prior.count,
    };
    await writeWeights(
      join(hooks.outDir, "regressor"),
      Object.fromEntries(job.store.entries()),
      meta,
    );
    const final = finalLosses(rows);
    // η on perfectly rendered test poses: the floor of every error KeypointGAN can reach.
    const floor = regressorFloor(job.store, ds, c.edges, c.render, 512);
    hooks.log?.(`η on rendered test poses (the floor of KeypointGAN's error): ${fmtErrors(floor)}`);
    await writeJson(join(hooks.outDir, "pretrain.json"), {
      lossNames: job.lossNames,
      steps: p.steps,
      backend: hooks.backend,
      kind: ds.header.kind,
      numPoints: ds.header.numPoints,
      imageSize: ds.header.imageSize,
      tier: p.tier,
      priorSize: p.priorSize,
      priorCount: c.prior.count,
      seed: p.seed,
      render: c.render,
      finalLosses: final,
      floor,
    });
    await Deno.copyFile(join(hooks.workDir, "metrics.jsonl"), join(hooks.outDir, "metrics.jsonl"));
    return {
      ...final,
      ...Object.fromEntries(Object.entries(floor).map(([k, v]) => [`floor_${k}`, v])),
    };
  } finally {
    job.dispose();
  }
}

function loopOptions(p: CommonParams, hooks: RunHooks, epochPerStep: number, timing?: number[][]) {
  return {
    steps: p.steps,
    logEvery: p.logEvery,
    checkpointEvery: p.checkpointEvery,
    workDir: hooks.workDir,
    epochPerStep,
    signal: hooks.signal,
    progress: hooks.progress,
    log: hooks.log,
    onTiming: timing ? (s: number, sec: number) => timing.push([s, sec]) : undefined,
  };
}

function finalLosses(rows: MetricsRow[]): Record<string, number> {
  const last = rows[rows.length - 1] ?? {};
  return Object.fromEntries(
    Object.entries(last).filter(([k]) => k !== "step" && k !== "t"),
  ) as Record<string, number>;
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await atomicWrite(path, new TextEncoder().encode(JSON.stringify(value, null, 2) + "\n"));
}

async function featureNet(p: TrainParams, imageSize: number): Promise<FeatureNet | null> {
  if (p.reconstruction !== "perceptual") return null;
  if (p.perceptualNet !== "vgg19") return offlineFeatureNet(p.perceptualNet, imageSize);
  if (!p.perceptualPath) {
    throw new Error(
      "Cannot use perceptualNet vgg19: set train.perceptualPath to a converted TF.js VGG-19 model.json",
    );
  }
  return await loadVgg19({
    path: p.perceptualPath,
    relu: p.vggRelu,
    channelOrder: p.vggChannelOrder,
  });
}

/** Load pretrained η into the trainer, checking that it matches this model. */
async function loadRegressor(t: Trainer, dir: string, render: RenderOptions): Promise<void> {
  const { header, raw } = await readWeightsRaw(dir);
  const meta = header.metadata as { render?: RenderOptions };
  if (
    meta.render && (meta.render.sigma !== render.sigma || meta.render.distance !== render.distance)
  ) {
    throw new Error(
      `Cannot fine-tune η from ${dir}: it was pretrained with sigma ${meta.render.sigma}/${meta.render.distance}, ` +
        `train uses ${render.sigma}/${render.distance}; set pretrain_regressor.sigma/distance to match`,
    );
  }
  for (const name of t.store.names("eta/")) {
    const r = raw[name];
    if (!r) throw new Error(`Cannot fine-tune η from ${dir}: weights.json has no tensor ${name}`);
    tf.tidy(() => t.store.assign(name, tf.tensor(r.data, r.shape)));
  }
}

/** KeypointGAN training; writes `model/`, `predictor/`, `metrics.jsonl`, `train.json`, `timing.json`. */
export async function runTrain(
  p: TrainParams,
  ds: Dataset,
  regressorDir: string,
  hooks: RunHooks,
): Promise<Record<string, number>> {
  const c = common(p, ds, hooks);
  const flags = variantFlags(p.variant, p);
  const arch: ArchConfig = {
    imageSize: ds.header.imageSize,
    width: p.width,
    etaWidth: p.etaWidth,
    numPoints: ds.header.numPoints,
    conditional: flags.conditional,
    dScales: p.dScales,
    dLayers: p.dLayers,
    imageDiscriminator: flags.secondCycle !== "none" && !flags.supervised,
    appearancePool: p.appearancePool,
    ...(p.dMinibatchStd ? { dMinibatchStd: true } : {}),
    ...(p.phiOutput !== "linear" ? { phiOutput: p.phiOutput } : {}),
  };
  validateArch(arch);
  const features = await featureNet(p, arch.imageSize);
  const trainer = new Trainer({
    arch,
    flags,
    edges: c.edges,
    render: c.render,
    adam: c.adam,
    schedule: c.schedule,
    weights: {
      adv: p.lambdaAdv,
      rec: p.lambdaRec,
      cycle: p.lambdaCycle,
      advImage: p.lambdaAdvImage,
      etaReal: p.etaReal,
      etaFake: p.etaFake,
    },
    poolSize: p.poolSize,
    reconstruction: p.reconstruction,
    emaMu: p.emaMu,
    finetuneEta: p.finetuneEta,
    dNoise: { sigma: p.dNoise, steps: p.dNoiseSteps > 0 ? p.dNoiseSteps : p.steps },
    equivariance: p.equivariance,
    dLrScale: p.dLrScale,
    weightAverage: p.weightAverage,
    seed: p.seed,
  }, features);
  const timing: number[][] = [];
  const t0 = performance.now();
  try {
    await loadRegressor(trainer, regressorDir, c.render);
    trainer.average?.reset(trainer.store); // the average starts from the pretrained η
    const monitor = makeMonitor(ds, p.evalEvery > 0 ? p.evalFrames : 0, 64, p.phiOutput);
    const job = new GanJob(trainer, new BatchSource(ds, c.prior), p.batch, p.seed, monitor);
    const rows = await runLoop(job, {
      ...loopOptions(p, hooks, p.batch / ds.train.count, timing),
      evalEvery: p.evalEvery,
    });
    // The model written below (and evaluated) is the average; the checkpoint keeps the live one.
    trainer.average?.adopt(trainer.store);
    const meta: ModelMetadata = {
      kind: "keypointgan-model",
      arch,
      flags,
      variant: p.variant,
      edges: c.edges.map(([a, b]) => [a, b]),
      render: c.render,
      skeleton: ds.header.skeleton,
    };
    await writeWeights(
      join(hooks.outDir, "model"),
      Object.fromEntries(trainer.store.entries()),
      meta as unknown as Record<string, unknown>,
    );
    await exportPredictor(join(hooks.outDir, "predictor"), trainer.store, {
      imageSize: arch.imageSize,
      numPoints: arch.numPoints,
      skeleton: ds.header.skeleton,
      edges: c.edges,
      ...(arch.phiOutput ? { phiOutput: arch.phiOutput } : {}),
    });
    const final = finalLosses(rows);
    await writeJson(join(hooks.outDir, "train.json"), {
      variant: p.variant,
      flags,
      lossNames: trainer.lossNames,
      steps: p.steps,
      backend: hooks.backend,
      perceptual: p.reconstruction === "perceptual" ? features!.id : p.reconstruction,
      kind: ds.header.kind,
      numPoints: arch.numPoints,
      imageSize: arch.imageSize,
      tier: p.tier,
      priorSize: p.priorSize,
      priorCount: c.prior.count,
      seed: p.seed,
      width: p.width,
      weightAverage: p.weightAverage,
      finalLosses: final,
    });
    await Deno.copyFile(join(hooks.workDir, "metrics.jsonl"), join(hooks.outDir, "metrics.jsonl"));
    await writeJson(join(hooks.outDir, "timing.json"), {
      totalSeconds: (performance.now() - t0) / 1000,
      secondsPerLoggedWindow: timing,
    });
    return final;
  } finally {
    trainer.dispose();
    features?.dispose();
  }
}

/** "val_err 2.90, val_err_min 2.66". */
function fmtErrors(e: Record<string, number>): string {
  return Object.entries(e).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ") || "n/a";
}
