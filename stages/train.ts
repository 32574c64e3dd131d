/**
 * `train`: KeypointGAN (or an ablation variant, or the supervised baseline) from a dataset and a
 * pretrained η. The variant sets `conditional`, `bottleneck`, `secondCycle` (each overridable);
 * every recipe knob is a param with the official default. Thin glue over keypointgan/model/run.ts.
 *
 * @module
 */
import { APPEARANCE_POOLS, PHI_OUTPUTS } from "../keypointgan/model/arch.ts";
import { join } from "node:path";
import { z } from "zod";
import { type ArtifactRef, defineStage } from "../pipeline/stage.ts";
import { readDataset } from "../keypointgan/data/dataset_io.ts";
import { runTrain } from "../keypointgan/model/run.ts";
import { VARIANT_NAMES } from "../keypointgan/model/variants.ts";
import { type BackendName, initBackend } from "../keypointgan/tf.ts";
import { commonParams, resolveTier } from "../keypointgan/model/params_schema.ts";

const params = z.strictObject({
  ...commonParams,
  /** Table 4 row (keypointgan/model/variants.ts); `supervised` = the Φ∘η upper bound. */
  variant: z.enum(VARIANT_NAMES).default("keypointgan"),
  /** Override the variant's flag: Ψ gets x′. */
  conditional: z.boolean().nullable().default(null),
  /** Override: Ψ fed β(η(Φ(x))) instead of Φ(x). */
  bottleneck: z.boolean().nullable().default(null),
  /** Override: the second cycle (none | bottleneck | cyclegan). */
  secondCycle: z.enum(["none", "bottleneck", "cyclegan"]).nullable().default(null),
  /** Multi-scale D scales (tier; official 3). */
  dScales: z.int().min(1).optional(),
  /** PatchGAN depth (tier; official 3). */
  dLayers: z.int().min(1).optional(),
  /** λ on LSGAN_G(D(y)) (official lambda_gan_A 10). */
  lambdaAdv: z.number().min(0).default(10),
  /** Weight of the reconstruction loss (official lambda_A 10). */
  lambdaRec: z.number().min(0).default(10),
  /** Weight of the second cycle's L1 (CycleGAN λ_B 10). */
  lambdaCycle: z.number().min(0).default(10),
  /** Weight of LSGAN_G(D_B(x̃)) (mirrors lambdaAdv). */
  lambdaAdvImage: z.number().min(0).default(10),
  /** η fine-tune weight of MSE(η(ȳ), p̄) (official 0.9). */
  etaReal: z.number().min(0).default(0.9),
  /** η fine-tune weight of MSE(β(η(y)), y) (official 0.1). */
  etaFake: z.number().min(0).default(0.1),
  /** Fine-tune η during training (official true). */
  finetuneEta: z.boolean().default(true),
  /** Fake pool size for D and D_B (official 50). */
  poolSize: z.int().min(0).default(50),
  /** Reconstruction loss (official perceptual). */
  reconstruction: z.enum(["perceptual", "l1", "mse", "multiscale_l1"]).default("perceptual"),
  /**
   * Perceptual features (no ImageNet weights ship offline): `pixels` (colour pyramid), `edges`
   * (multi-scale image gradients), `random` (a fixed random-weight ReLU conv net), or `vgg19`
   * (the paper's, from perceptualPath). Why each: the oracle's pose gain, docs/results.md.
   */
  perceptualNet: z.enum(["pixels", "edges", "random", "vgg19"]).default("pixels"),
  /**
   * Ψ's appearance code of x′: `spatial` (official default) or `global` (the official
   * `avg_pool_style`: pooled over space, so x's pose can only come through the skeleton);
   * unset → the tier's (small: global, paper: spatial).
   */
  appearancePool: z.enum(APPEARANCE_POOLS).optional(),
  /** Converted TF.js VGG-19 model.json (for perceptualNet vgg19). */
  perceptualPath: z.string().default(""),
  /** Standard VGG with ReLU; the official forward pass has none (digest §2.5). */
  vggRelu: z.boolean().default(false),
  /** Channel order of the VGG weights (Keras/Caffe bgr, MatConvNet rgb). */
  vggChannelOrder: z.enum(["bgr", "rgb"]).default("bgr"),
  /** EMA factor of the perceptual normalisers (official 0.99). */
  emaMu: z.number().min(0).max(1).default(0.99),
  /**
   * Instance noise on D's inputs (not in the official code; 0 = off, the official default): sd at
   * step 0, annealed linearly to 0 by `dNoiseSteps`. Why: Φ escapes the phase where D separates
   * its outputs perfectly sooner (docs/results.md).
   */
  dNoise: z.number().min(0).default(0),
  /**
   * D's last layer sees the minibatch sd of its features (ProGAN; not in the official code,
   * false = official): a Φ drawing one skeleton for every image is told apart from the prior.
   */
  dMinibatchStd: z.boolean().default(false),
  /** Steps over which dNoise anneals to 0 (0 = the whole training). */
  dNoiseSteps: z.int().min(0).default(0),
  /**
   * Weight of an equivariance term ‖η(Φ(T x)) − T(η(Φ(x)))‖² under random similarity warps
   * (NOT the paper's method; 0 = off, the official; tier: small 1000, paper 0). Why: it makes
   * the collapse to one skeleton cost something (docs/results.md); a table that uses it says so.
   */
  equivariance: z.number().min(0).optional(),
  /** D's lr as a multiple of G's (official 1). Why: a slower D leaves Φ's gradient informative. */
  dLrScale: z.number().positive().default(1),
  /**
   * Decay of a moving average of Φ's, η's and Ψ's weights, which is what is monitored, exported
   * and evaluated (NOT in the official code; 0 = off, the live weights; tier: small 0.995, paper
   * 0). Training never reads it. Why: the last live checkpoint can fall on a jump of the held-out
   * error (docs/results.md §2f).
   */
  weightAverage: z.number().min(0).lt(1).optional(),
  /**
   * Φ's output layer: `linear` (official, unbounded) or `sigmoid` (in ȳ's range; NOT the
   * paper's). Why it exists: a test of whether D tells Φ's outputs from β's by their range; it
   * did not help (every seed collapsed, docs/results.md §2d).
   */
  phiOutput: z.enum(PHI_OUTPUTS).default("linear"),
  /** Steps between held-out error rows in metrics.jsonl (tier; 0 = off; a multiple of logEvery). */
  evalEvery: z.int().min(0).optional(),
  /** Test frames (evenly spaced) the held-out monitor predicts on. */
  evalFrames: z.int().min(1).default(256),
});

export default defineStage({
  name: "train",
  version: 1,
  description:
    "train KeypointGAN (or an ablation variant / the supervised baseline) with checkpoints",
  params,
  resolve: (p) =>
    resolveTier(p, "steps", [
      "dScales",
      "dLayers",
      "evalEvery",
      "appearancePool",
      "equivariance",
      "weightAverage",
    ]),
  inputs: { data: { stage: "prepare_data" }, regressor: { stage: "pretrain_regressor" } },
  outputs: ["model/", "predictor/", "metrics.jsonl", "train.json", "timing.json"],
  volatile: ["timing.json"],
  cost: (p) => (p.steps ?? 1000) * (p.batch ?? 16) * ((p.width ?? 0.25) * 4) ** 2 * 0.02,
  async run(ctx) {
    const data = ctx.inputs.data as ArtifactRef;
    const regressor = ctx.inputs.regressor as ArtifactRef;
    const backend = await initBackend(ctx.params.backend as BackendName, ctx.log);
    const ds = await readDataset(data.dir);
    const final = await runTrain(
      ctx.params,
      ds,
      join(regressor.dir, "regressor"),
      {
        workDir: ctx.workDir,
        outDir: ctx.outDir,
        signal: ctx.signal,
        progress: ctx.progress,
        log: ctx.log,
        backend,
      },
    );
    return { ...final, backend, variant: ctx.params.variant };
  },
});
