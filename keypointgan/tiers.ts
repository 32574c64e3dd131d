/**
 * Scale tiers: one code path, three sizes. A stage's `resolve` fills every tier-dependent param
 * the experiment left unset (null) from here, so cache keys hold effective values.
 *
 * - `tiny`: unit tests and the smoke experiment (seconds on the plain CPU backend).
 * - `small`: the embedded default on 2 CPU cores (the full ablation, 22 trainings, in about 1 h 15).
 * - `paper`: the official sizes (128×128, official widths, batch 16): meant for a GPU.
 *
 * @module
 */

import type { AppearancePool } from "./model/arch.ts";

/** The tier names accepted by `--tier` and the `tier` global. */
export type TierName = "tiny" | "small" | "paper";
export const TIER_NAMES: readonly TierName[] = ["tiny", "small", "paper"];

/** Tier-dependent settings; each has a one-line rationale in `TIER_RATIONALE`. */
export interface Tier {
  /** Image side S of the dataset and the networks. */
  readonly imageSize: number;
  /** Channel multiplier of Φ, η, Ψ, D (1 = official widths). */
  readonly width: number;
  /** η's channel multiplier (η reads a 1-channel skeleton image: cheap to widen). */
  readonly etaWidth: number;
  /** Scales of the multi-scale skeleton discriminator D. */
  readonly dScales: number;
  /** PatchGAN depth of D and D_B. */
  readonly dLayers: number;
  /** Training batch size (pairs per step). */
  readonly batch: number;
  /** KeypointGAN training iterations (G → D → η each). */
  readonly steps: number;
  /** η pretraining iterations on rendered prior skeletons. */
  readonly pretrainSteps: number;
  /** Adam learning rate of every optimiser of `train`. */
  readonly lr: number;
  /** Learning-rate schedule of `train` (official: constant). */
  readonly lrSchedule: "constant" | "cosine" | "step";
  /** Adam learning rate of η's pretraining (`pretrain_regressor`, constant unless overridden). */
  readonly pretrainLr: number;
  /** Steps between `metrics.jsonl` rows. */
  readonly logEvery: number;
  /** Steps between checkpoints (a multiple of `logEvery`). */
  readonly checkpointEvery: number;
  /** Steps between held-out error rows in metrics.jsonl (0 = off). */
  readonly evalEvery: number;
  /** Ψ's appearance code of x′ (`train.appearancePool`; official `spatial`). */
  readonly appearancePool: AppearancePool;
}

export const TIERS: Readonly<Record<TierName, Tier>> = {
  tiny: {
    imageSize: 16,
    width: 0.0625,
    etaWidth: 0.0625,
    dScales: 1,
    dLayers: 2,
    batch: 2,
    steps: 20,
    pretrainSteps: 20,
    lr: 2e-4,
    lrSchedule: "constant",
    pretrainLr: 2e-4,
    logEvery: 5,
    checkpointEvery: 10,
    evalEvery: 10,
    appearancePool: "spatial",
  },
  small: {
    imageSize: 64,
    width: 0.125,
    etaWidth: 0.25,
    dScales: 1,
    dLayers: 3,
    batch: 8,
    steps: 400,
    pretrainSteps: 1000,
    lr: 2e-4,
    lrSchedule: "constant",
    pretrainLr: 2e-4,
    logEvery: 20,
    checkpointEvery: 100,
    evalEvery: 100,
    appearancePool: "global",
  },
  paper: {
    imageSize: 128,
    width: 1,
    etaWidth: 1,
    dScales: 3,
    dLayers: 3,
    batch: 16,
    steps: 200_000,
    pretrainSteps: 580_000,
    lr: 2e-4,
    lrSchedule: "constant",
    pretrainLr: 2e-4,
    logEvery: 100,
    checkpointEvery: 5000,
    evalEvery: 5000,
    appearancePool: "spatial",
  },
};

/** Why each value is what it is (printed by `deno task summary` and in docs/model.md). */
export const TIER_RATIONALE: Readonly<Record<TierName, Readonly<Record<keyof Tier, string>>>> = {
  tiny: {
    imageSize:
      "smallest size the networks accept (S/8 = 2×2 heatmaps); the plain CPU backend's naive conv gradients cost ~1 µs per MAC",
    width: "2 base channels: shapes and wiring are exercised, arithmetic stays trivial",
    etaWidth: "as width",
    dScales: "16 px leaves room for one PatchGAN scale only",
    dLayers: "2: the official 3 would leave no output patch at 16 px",
    batch: "2 keeps BatchNorm statistics defined while staying fast",
    steps: "enough to see the reconstruction loss move in a test",
    pretrainSteps: "enough for a smoke run; η is not meant to be good",
    lr: "official 2e-4 (digest §5.1)",
    lrSchedule: "official constant",
    pretrainLr: "official 2e-4",
    logEvery: "several metric rows per smoke run",
    checkpointEvery: "exercises checkpoint/resume inside a smoke run",
    evalEvery: "exercises the held-out monitor",
    appearancePool: "official spatial code",
  },
  small: {
    imageSize: "64 px: 4× fewer pixels than the paper, still 8×8 heatmaps",
    width:
      "eighth widths (4…64 channels): Ψ and D dominate a step; ~0.33 s/step with 2 jobs on 2 cores (docs/performance.md)",
    etaWidth:
      "quarter widths: η reads a 1-channel image, so a wider η is cheap and lowers its floor",
    dScales: "one 64 px scale: each extra scale adds a third of D's cost",
    dLayers: "official PatchGAN depth",
    batch:
      "8 (official 16): twice the steps for the same CPU time; BatchNorm statistics stay defined",
    steps:
      "CPU budget: the ablation's 22 trainings in about an hour on 2 cores; at 400 steps D still wins; that phase ends after 800–1,500 steps (README, what matters)",
    pretrainSteps:
      "CPU budget (9 pretrainings per ablation); not converged: η's floor in pretrain.json is 4.62 here, 2.74 after 8,000 steps of batch 16 (README, what matters)",
    lr:
      "official 2e-4: 1e-3 and 5e-4 (cosine) did no better at this length; at 3,000 steps 5e-4 beat it in one run of two (README, what matters)",
    lrSchedule: "official constant",
    pretrainLr:
      "official 2e-4: 1e-3 cosine gave η a worse floor (3.15 vs 2.90, measured at commit 4333dc2)",
    logEvery: "20 points per loss curve",
    checkpointEvery: "a kill loses at most about a minute of training",
    evalEvery: "a learning curve of the held-out error with 4 points (256 frames each)",
    appearancePool:
      "official avg_pool_style: a spatial code lets Ψ copy x's layout from x′ (oracle pose gain, docs/results.md)",
  },
  paper: {
    imageSize: "official loadSize/fineSize 128 (digest §2)",
    width: "official widths: 3.12 M / 1.18 M / 4.83 M / 8.29 M parameters (digest §12)",
    etaWidth: "official η width",
    dScales: "official multi_ganA: 128, 64, 32 px (digest §2.4)",
    dLayers: "official n_layers_D 3",
    batch: "official batch 16 (digest §5.1)",
    steps: "our choice: the official train.py never stops; 200k iterations at batch 16",
    pretrainSteps:
      "the released regressor checkpoint is named 580000_net_regressor.pth (digest §4)",
    lr: "official 2e-4, constant (digest §5.1)",
    lrSchedule: "official constant",
    pretrainLr: "official 2e-4",
    logEvery: "official print_freq is 10; 100 keeps metrics.jsonl small",
    checkpointEvery: "official save_latest_freq 5000",
    evalEvery: "with each checkpoint",
    appearancePool: "official default (avg_pool_style off)",
  },
};

/** The tier called `name`; throws listing valid names. */
export function getTier(name: string): Tier {
  const t = (TIERS as Record<string, Tier>)[name];
  if (!t) throw new RangeError(`Unknown tier "${name}": expected one of ${TIER_NAMES.join(", ")}`);
  return t;
}
