/**
 * One KeypointGAN training iteration (digest §1, §5): G step (Φ and Ψ) → D step (D, and D_B
 * in second-cycle variants) → η step, each with its own Adam and gradient-norm clipping.
 * `supervised` replaces all three with one step on MSE(η(Φ(x)), p_gt).
 *
 * Paper symbols: x target frame, x′ appearance frame, p̄ prior keypoints, ȳ = β(p̄),
 * y = Φ(x), ŷ = β(η(y)), x̂ = Ψ(ŷ or y, x′), x̃ = Ψ(ȳ, x′) (second cycle).
 *
 * @module
 */
import { tf } from "../tf.ts";
import { Adam, type AdamConfig } from "./adam.ts";
import type { ArchConfig } from "./arch.ts";
import type { FeatureNet } from "./features.ts";
import { discriminatorLoss, l1, lsgan, mse } from "./losses.ts";
import {
  decoder,
  discriminator,
  imageDiscriminator,
  initAll,
  keypointRegressor,
  poseEncoder,
} from "./networks.ts";
import { ParamStore } from "./params.ts";
import { FakePool } from "./fake_pool.ts";
import {
  EQUIVARIANCE_WARPS,
  sampleSimilarities,
  warpImages,
  warpKeypoints,
} from "./equivariance.ts";
import { type ReconstructionKind, ReconstructionLoss } from "./reconstruction.ts";
import { type RenderOptions, renderSkeleton } from "./render.ts";
import { Rng } from "../rng.ts";
import { lrAt, type LrSchedule } from "./schedule.ts";
import type { VariantFlags } from "./variants.ts";
import { WeightAverage } from "./weight_average.ts";

/** Loss weights (digest §4; second-cycle weights mirror the first cycle's). */
export interface LossWeights {
  /** λ on LSGAN_G(D(y)): `lambda_gan_A` = 10 (config). */
  readonly adv: number;
  /** On the reconstruction loss: `lambda_A` = 10 (code default). */
  readonly rec: number;
  /** On the second cycle's L1(ỹ, ȳ): CycleGAN's λ_B = 10. */
  readonly cycle: number;
  /** On LSGAN_G(D_B(x̃)) in second-cycle variants: same as `adv`. */
  readonly advImage: number;
  /** η fine-tuning: MSE(η(ȳ), p̄) weight, `regressor_real_loss` 0.9. */
  readonly etaReal: number;
  /** η fine-tuning: MSE(β(η(y)), y) weight, `regressor_fake_loss` 0.1. */
  readonly etaFake: number;
}

/** Everything that decides what one training step computes. */
export interface TrainerConfig {
  readonly arch: ArchConfig;
  readonly flags: VariantFlags;
  readonly edges: readonly (readonly [number, number])[];
  readonly render: RenderOptions;
  readonly adam: AdamConfig;
  readonly schedule: LrSchedule;
  readonly weights: LossWeights;
  /** Fake pool size for D and D_B (official 50). */
  readonly poolSize: number;
  readonly reconstruction: ReconstructionKind;
  /** EMA factor of the perceptual loss normalisers (official 0.99). */
  readonly emaMu: number;
  /** Fine-tune η during training (official `finetune_regressor: True`). */
  readonly finetuneEta: boolean;
  /**
   * Instance noise on D's skeleton inputs (not in the official code; 0 = off): Gaussian noise of
   * sd `sigma` × (1 − t / steps) is added to every image D sees (ȳ and y, in the G and D steps),
   * so that D cannot separate the two distributions perfectly early on and its gradient to Φ
   * stays informative (Sønderby et al. 2017; Arjovsky & Bottou 2017).
   */
  readonly dNoise?: { readonly sigma: number; readonly steps: number };
  /**
   * Weight of the equivariance term ‖η(Φ(T x)) − T(η(Φ(x)))‖² under random similarity warps T
   * (equivariance.ts; not in the official code, 0 or unset = off). Why: a Φ that draws one
   * skeleton for every image (the collapse) pays for it.
   */
  readonly equivariance?: number;
  /** D's learning rate relative to G's (official 1; unset = 1). */
  readonly dLrScale?: number;
  /**
   * Decay of the moving average of Φ's, η's and Ψ's weights that is monitored and exported
   * (weight_average.ts; not in the official code; 0 or unset = off: the live weights).
   */
  readonly weightAverage?: number;
  readonly seed: number;
}

/** One batch, as tensors owned by the caller. */
export interface Batch {
  /** x `[B, S, S, 3]` in [−1, 1]. */
  readonly x: tf.Tensor4D;
  /** x′ `[B, S, S, 3]` in [−1, 1]. */
  readonly xCond: tf.Tensor4D;
  /** p̄ `[B, K, 2]` unpaired prior keypoints. */
  readonly prior: tf.Tensor3D;
  /** Ground-truth keypoints of x `[B, K, 2]` (used by `supervised` only). */
  readonly keypoints?: tf.Tensor3D;
}

const TRAIN = { training: true } as const;

/** Names of the logged losses for a variant, declared once (metrics.jsonl columns). */
export function lossNames(flags: VariantFlags, equivariance = false): string[] {
  if (flags.supervised) return ["sup"];
  const cyc = flags.secondCycle !== "none";
  return [
    "g_total",
    "g_adv",
    "g_rec",
    ...(cyc ? ["g_cycle", "g_adv_image"] : []),
    ...(equivariance ? ["g_equi"] : []),
    "d",
    ...(cyc ? ["d_image"] : []),
    "eta",
    "eta_real",
    "eta_fake",
  ];
}

/** Model state and optimisers; `step(batch)` runs one full iteration. */
export class Trainer {
  readonly cfg: TrainerConfig;
  readonly store = new ParamStore();
  readonly rec: ReconstructionLoss;
  /** Drives the fake pools (its state is checkpointed). */
  readonly rng: Rng;
  readonly opts: Record<string, Adam> = {};
  readonly poolA: FakePool;
  readonly poolB: FakePool;
  /** The averaged generator-side weights, or null when `weightAverage` is off. */
  readonly average: WeightAverage | null;
  /** Iterations done. */
  iteration = 0;

  constructor(cfg: TrainerConfig, features: FeatureNet | null) {
    this.cfg = cfg;
    initAll(this.store, cfg.arch, Rng.derive(cfg.seed, "init"));
    this.rng = Rng.derive(cfg.seed, "pool");
    this.rec = new ReconstructionLoss(cfg.reconstruction, features, cfg.emaMu);
    this.poolA = new FakePool(cfg.poolSize);
    this.poolB = new FakePool(cfg.poolSize);
    const names = cfg.flags.supervised ? ["sup"] : ["g", "d", "eta"];
    for (const n of names) this.opts[n] = new Adam(n, cfg.adam);
    const decay = cfg.weightAverage ?? 0;
    this.average = decay > 0 ? new WeightAverage(this.store, decay) : null;
  }

  get lossNames(): string[] {
    return lossNames(this.cfg.flags, (this.cfg.equivariance ?? 0) > 0);
  }

  /** One iteration; returns every declared loss as a number. */
  step(b: Batch): Record<string, number> {
    const out = this.#iterate(b);
    this.average?.update(this.store, this.iteration);
    return out;
  }

  #iterate(b: Batch): Record<string, number> {
    this.iteration += 1;
    const lr = lrAt(this.cfg.schedule, this.iteration);
    if (this.cfg.flags.supervised) return this.#supervisedStep(b, lr);
    const yBar = tf.keep(
      renderSkeleton(b.prior, this.cfg.edges, this.cfg.arch.imageSize, this.cfg.render),
    );
    const out: Record<string, number> = {};
    const { y, xTilde } = this.#gStep(b, yBar, lr, out);
    this.#dStep(b, yBar, y, xTilde, lr, out);
    if (this.cfg.finetuneEta) this.#etaStep(b, yBar, y, lr, out);
    else Object.assign(out, { eta: 0, eta_real: 0, eta_fake: 0 });
    tf.dispose([yBar, y, ...(xTilde ? [xTilde] : [])]);
    return out;
  }

  /** Run `f` under the tape for the variables under `prefixes`, update with optimiser `opt`. */
  #update(opt: string, prefixes: string[], lr: number, f: () => tf.Scalar): number {
    const entries = this.store.trainableEntries(prefixes);
    const byTf = new Map(entries.map(([n, v]) => [v.name, n]));
    const { value, grads } = tf.variableGrads(f, entries.map(([, v]) => v));
    const named: tf.NamedTensorMap = {};
    for (const [k, g] of Object.entries(grads)) named[byTf.get(k)!] = g;
    this.opts[opt].apply(Object.fromEntries(entries), named, lr);
    const total = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads)]);
    return total;
  }

  #gStep(b: Batch, yBar: tf.Tensor4D, lr: number, out: Record<string, number>) {
    const { arch, flags, weights: w, edges, render } = this.cfg;
    const parts: Record<string, tf.Scalar> = {};
    let y!: tf.Tensor4D;
    let xTilde: tf.Tensor4D | null = null;
    const cond = flags.conditional ? b.xCond : null;
    const lambdaEqui = this.cfg.equivariance ?? 0;
    out.g_total = this.#update("g", ["phi/", "psi/"], lr, () => {
      y = tf.keep(poseEncoder(this.store, b.x, TRAIN, this.cfg.arch.phiOutput)); // [B, S, S, 1]
      const k = flags.bottleneck || lambdaEqui > 0 ? keypointRegressor(this.store, y) : null;
      const psiIn = flags.bottleneck ? renderSkeleton(k!, edges, arch.imageSize, render) : y;
      const xHat = decoder(this.store, psiIn, cond, TRAIN, arch.appearancePool); // [B, S, S, 3]
      parts.g_adv = lsgan(discriminator(this.store, this.#noisy(y, "g"), arch), 1);
      parts.g_rec = this.rec.call(xHat, b.x);
      let total: tf.Scalar = tf.add(tf.mul(parts.g_adv, w.adv), tf.mul(parts.g_rec, w.rec));
      if (lambdaEqui > 0) {
        parts.g_equi = this.#equivariance(b.x, k!);
        total = tf.add(total, tf.mul(parts.g_equi, lambdaEqui));
      }
      if (flags.secondCycle !== "none") {
        xTilde = tf.keep(decoder(this.store, yBar, cond, TRAIN, arch.appearancePool)); // x̃ = Ψ(ȳ, x′)
        let yTilde = poseEncoder(this.store, xTilde, TRAIN, this.cfg.arch.phiOutput);
        if (flags.secondCycle === "bottleneck") {
          yTilde = renderSkeleton(
            keypointRegressor(this.store, yTilde),
            edges,
            arch.imageSize,
            render,
          );
        }
        parts.g_cycle = l1(yTilde, yBar);
        parts.g_adv_image = lsgan([imageDiscriminator(this.store, xTilde, arch)], 1);
        total = tf.addN([
          total,
          tf.mul(parts.g_cycle, w.cycle),
          tf.mul(parts.g_adv_image, w.advImage),
        ]);
      }
      for (const t of Object.values(parts)) tf.keep(t);
      return total;
    });
    readParts(parts, out);
    return { y, xTilde: xTilde as tf.Tensor4D | null };
  }

  /**
   * ‖η(Φ(T x)) − T(k)‖² with k = η(Φ(x)) `[B, K, 2]`; the warps are seeded by (seed, iteration)
   * like D's noise. Warped pixels outside the frame are black (−1), the masked data's background.
   */
  #equivariance(x: tf.Tensor4D, k: tf.Tensor3D): tf.Scalar {
    const rng = Rng.derive(this.cfg.seed, `equivariance/${this.iteration}`);
    const warps = sampleSimilarities(rng, x.shape[0], EQUIVARIANCE_WARPS);
    const kWarped = keypointRegressor(
      this.store,
      poseEncoder(this.store, warpImages(x, warps, -1), TRAIN, this.cfg.arch.phiOutput),
    );
    return mse(kWarped, warpKeypoints(k, warps));
  }

  /** Sd of D's instance noise at this iteration (0 when off or annealed away). */
  get dNoiseSigma(): number {
    const n = this.cfg.dNoise;
    if (!n || n.sigma <= 0 || n.steps <= 0) return 0;
    return n.sigma * Math.max(0, 1 - (this.iteration - 1) / n.steps);
  }

  /**
   * `t` plus instance noise for D (`[B, S, S, 1]`), or `t` itself when off. The noise is seeded
   * by (seed, iteration, use), so a resumed run draws the same noise without checkpointed state.
   */
  #noisy(t: tf.Tensor4D, use: "g" | "real" | "fake"): tf.Tensor4D {
    const sigma = this.dNoiseSigma;
    if (sigma === 0) return t;
    const rng = Rng.derive(this.cfg.seed, `dnoise/${this.iteration}/${use}`);
    return tf.add(t, tf.tensor4d(rng.normals(t.size, 0, sigma), t.shape));
  }

  #dStep(
    b: Batch,
    yBar: tf.Tensor4D,
    y: tf.Tensor4D,
    xTilde: tf.Tensor4D | null,
    lr: number,
    out: Record<string, number>,
  ) {
    const { arch } = this.cfg;
    const fakeY = this.poolA.query(y, this.rng);
    const fakeX = xTilde ? this.poolB.query(xTilde, this.rng) : null;
    const parts: Record<string, tf.Scalar> = {};
    this.#update("d", ["d/", "db/"], lr * (this.cfg.dLrScale ?? 1), () => {
      parts.d = tf.keep(
        discriminatorLoss(
          discriminator(this.store, this.#noisy(yBar, "real"), arch),
          discriminator(this.store, this.#noisy(fakeY, "fake"), arch),
        ),
      );
      if (!fakeX) return tf.clone(parts.d);
      parts.d_image = tf.keep(discriminatorLoss(
        [imageDiscriminator(this.store, b.x, arch)],
        [imageDiscriminator(this.store, fakeX, arch)],
      ));
      return tf.add(parts.d, parts.d_image);
    });
    tf.dispose([fakeY, ...(fakeX ? [fakeX] : [])]);
    readParts(parts, out);
  }

  #etaStep(b: Batch, yBar: tf.Tensor4D, y: tf.Tensor4D, lr: number, out: Record<string, number>) {
    const { arch, weights: w, edges, render } = this.cfg;
    const parts: Record<string, tf.Scalar> = {};
    out.eta = this.#update("eta", ["eta/"], lr, () => {
      parts.eta_real = mse(keypointRegressor(this.store, yBar), b.prior);
      const reRendered = renderSkeleton(
        keypointRegressor(this.store, y),
        edges,
        arch.imageSize,
        render,
      );
      parts.eta_fake = mse(reRendered, y); // y was computed outside this tape: detached
      for (const t of Object.values(parts)) tf.keep(t);
      return tf.add(tf.mul(parts.eta_real, w.etaReal), tf.mul(parts.eta_fake, w.etaFake));
    });
    readParts(parts, out);
  }

  #supervisedStep(b: Batch, lr: number): Record<string, number> {
    if (!b.keypoints) {
      throw new Error("Cannot train the supervised baseline: the batch has no keypoints");
    }
    const sup = this.#update("sup", ["phi/", "eta/"], lr, () => {
      return mse(
        keypointRegressor(this.store, poseEncoder(this.store, b.x, TRAIN, this.cfg.arch.phiOutput)),
        b.keypoints!,
      );
    });
    return { sup };
  }

  dispose(): void {
    this.store.dispose();
    for (const o of Object.values(this.opts)) o.dispose();
    this.poolA.dispose();
    this.poolB.dispose();
    this.average?.dispose();
  }
}

/** Read scalar parts into numbers and free them. */
function readParts(parts: Record<string, tf.Scalar>, out: Record<string, number>): void {
  for (const [k, t] of Object.entries(parts)) {
    out[k] = t.dataSync()[0];
    t.dispose();
  }
}
