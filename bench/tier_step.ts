/**
 * One KeypointGAN configuration (tier × variant) for `deno task bench`: builds the Trainer of
 * `keypointgan/model/` with the tier's sizes and the official recipe, feeds it random batches
 * (no dataset needed: timing and memory do not depend on the pixels), and reports step times,
 * peak resident memory and the tensor count after every step (leak check).
 *
 * Run as a subprocess by bench.ts so that peak RSS (VmHWM) belongs to this configuration only:
 *   deno run -A bench/tier_step.ts --tier small --variant keypointgan --steps 3 [--backend native]
 *     [--batch N] [--image-size S] [--width W] [--d-scales N]   (explore other configurations)
 * Prints one JSON line on stdout.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { initBackend, tf } from "../keypointgan/tf.ts";
import { SKELETONS } from "../keypointgan/skeletons.ts";
import { type TierName, TIERS } from "../keypointgan/tiers.ts";
import { pixelPyramid } from "../keypointgan/model/features.ts";
import { type Batch, Trainer, type TrainerConfig } from "../keypointgan/model/trainer.ts";
import { variantFlags, type VariantName } from "../keypointgan/model/variants.ts";
import { type ConvGeometry, convObservers } from "../keypointgan/native/mod.ts";

/** What one configuration measured. */
export interface TierStepResult {
  tier: string;
  variant: string;
  backend: string;
  stepSeconds: number[];
  peakRssMiB: number;
  tensorsAfterStep: number[];
  /** Resident memory after each step (MiB): a leak shows as steady growth. */
  rssMiB: number[];
  /** The forward conv with the most FLOPs seen in the first step (native backend only). */
  largestConv?: ConvGeometry;
  /** Forward-conv GFLOP of one step (native backend only). */
  convGflop?: number;
  /** Every distinct forward-conv geometry of the first step, with its calls (native only). */
  convShapes?: { geometry: ConvGeometry; calls: number }[];
}

const convFlops = (g: ConvGeometry) => 2 * g.batch * g.outH * g.outW * g.kH * g.kW * g.inC * g.outC;

/** Overrides of a tier's sizes, to explore step costs of other configurations. */
export interface TierOverrides {
  imageSize?: number;
  width?: number;
  etaWidth?: number;
  dScales?: number;
}

/** The Trainer config of a tier/variant with the official recipe (digest §4–5). */
export function benchTrainerConfig(
  tierName: TierName,
  variant: VariantName,
  o: TierOverrides = {},
): TrainerConfig {
  const tier = { ...TIERS[tierName], ...o };
  const flags = variantFlags(variant);
  const skeleton = SKELETONS.humans;
  return {
    arch: {
      imageSize: tier.imageSize,
      width: tier.width,
      etaWidth: tier.etaWidth,
      numPoints: skeleton.numPoints,
      conditional: flags.conditional,
      dScales: tier.dScales,
      dLayers: tier.dLayers,
      imageDiscriminator: flags.secondCycle !== "none" && !flags.supervised,
      appearancePool: tier.appearancePool,
    },
    flags,
    edges: skeleton.edges,
    render: { sigma: tier.sigma, distance: "linear" },
    adam: { lr: tier.lr, beta1: 0.5, beta2: 0.999, eps: 1e-8, clip: 1 },
    schedule: {
      kind: "constant",
      lr: tier.lr,
      steps: tier.steps,
      warmup: 0,
      stepEvery: 1,
      stepFactor: 1,
    },
    weights: { adv: 10, rec: 10, cycle: 10, advImage: 10, etaReal: 0.9, etaFake: 0.1 },
    poolSize: 50,
    reconstruction: "perceptual",
    emaMu: 0.99,
    finetuneEta: true,
    // The tier's default; the twin computes the same term (bench/twin/twin.py).
    equivariance: tier.equivariance,
    weightAverage: tier.weightAverage,
    seed: 1,
  };
}

/** A random batch of the tier's shapes (x, x′ in [−1, 1], p̄ and labels in [−0.8, 0.8]). */
export function randomBatch(cfg: TrainerConfig, batch: number, i: number): Batch {
  const s = cfg.arch.imageSize, k = cfg.arch.numPoints;
  return {
    x: tf.randomUniform([batch, s, s, 3], -1, 1, "float32", 4 * i + 1) as tf.Tensor4D,
    xCond: tf.randomUniform([batch, s, s, 3], -1, 1, "float32", 4 * i + 2) as tf.Tensor4D,
    prior: tf.randomUniform([batch, k, 2], -0.8, 0.8, "float32", 4 * i + 3) as tf.Tensor3D,
    keypoints: cfg.flags.supervised
      ? tf.randomUniform([batch, k, 2], -0.8, 0.8, "float32", 4 * i + 4) as tf.Tensor3D
      : undefined,
  };
}

/**
 * Peak resident set size of this process in MiB: getrusage(2)'s ru_maxrss through FFI (Deno 2
 * reads /proc only with --allow-all). Linux reports KiB, macOS bytes; NaN elsewhere.
 */
export function peakRssMiB(): number {
  const os = Deno.build.os;
  if (os !== "linux" && os !== "darwin") return NaN;
  try {
    const libc = Deno.dlopen(os === "linux" ? "libc.so.6" : "libSystem.B.dylib", {
      getrusage: { parameters: ["i32", "buffer"], result: "i32" },
    });
    const ru = new BigInt64Array(18); // struct rusage: two timevals, then ru_maxrss (long)
    const rc = libc.symbols.getrusage(0, ru);
    libc.close();
    if (rc !== 0) return NaN;
    return Number(ru[4]) / (os === "linux" ? 1024 : 2 ** 20);
  } catch {
    return NaN;
  }
}

/** Build the trainer and run `steps` iterations. */
export async function runTierSteps(
  tierName: TierName,
  variant: VariantName,
  steps: number,
  backend: string,
  batchSize?: number,
  overrides: TierOverrides = {},
): Promise<TierStepResult> {
  const used = await initBackend(backend, () => {});
  const cfg = benchTrainerConfig(tierName, variant, overrides);
  const features = pixelPyramid(cfg.arch.imageSize);
  const trainer = new Trainer(cfg, features);
  const batch = batchSize ?? TIERS[tierName].batch;
  const stepSeconds: number[] = [], tensorsAfterStep: number[] = [], rssMiB: number[] = [];
  let largestConv: ConvGeometry | undefined, convGflop = 0;
  const shapes = new Map<string, { geometry: ConvGeometry; calls: number }>();
  const observe = (g: ConvGeometry) => {
    convGflop += convFlops(g) / 1e9;
    const key = JSON.stringify(g);
    const seen = shapes.get(key) ?? { geometry: { ...g }, calls: 0 };
    seen.calls += 1;
    shapes.set(key, seen);
    if (!largestConv || convFlops(g) > convFlops(largestConv)) largestConv = g;
  };
  convObservers.add(observe);
  for (let i = 0; i < steps; i++) {
    if (i === 1) convObservers.delete(observe);
    const b = randomBatch(cfg, batch, i);
    const t0 = performance.now();
    const losses = trainer.step(b);
    stepSeconds.push((performance.now() - t0) / 1000);
    tf.dispose([b.x, b.xCond, b.prior, ...(b.keypoints ? [b.keypoints] : [])]);
    tensorsAfterStep.push(tf.memory().numTensors);
    rssMiB.push(Deno.memoryUsage().rss / 2 ** 20);
    const bad = Object.entries(losses).find(([, v]) => !Number.isFinite(v));
    if (bad) throw new Error(`step ${i + 1}: loss ${bad[0]} = ${bad[1]}`);
  }
  convObservers.delete(observe);
  trainer.dispose();
  features.dispose();
  return {
    tier: tierName,
    variant,
    backend: used,
    stepSeconds,
    peakRssMiB: peakRssMiB(),
    tensorsAfterStep,
    rssMiB,
    ...(largestConv ? { largestConv, convGflop, convShapes: [...shapes.values()] } : {}),
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      tier: { type: "string", default: "small" },
      variant: { type: "string", default: "keypointgan" },
      steps: { type: "string", default: "3" },
      backend: { type: "string", default: "native" },
      batch: { type: "string" },
      "image-size": { type: "string" },
      width: { type: "string" },
      "d-scales": { type: "string" },
    },
  });
  const r = await runTierSteps(
    values.tier as TierName,
    values.variant as VariantName,
    Number(values.steps),
    values.backend!,
    values.batch ? Number(values.batch) : undefined,
    {
      ...(values["image-size"] ? { imageSize: Number(values["image-size"]) } : {}),
      ...(values.width ? { width: Number(values.width) } : {}),
      ...(values["d-scales"] ? { dScales: Number(values["d-scales"]) } : {}),
    },
  );
  console.log(JSON.stringify(r));
}
