/**
 * Scale tiers: one code path, three sizes. A stage's `resolve` fills every tier-dependent param
 * the experiment left unset (null) from here, so cache keys hold effective values.
 *
 * - `tiny`: unit tests and the smoke experiment (seconds on the plain CPU backend).
 * - `small`: the embedded default on 2 CPU cores (docs/results.md has its wall times).
 * - `paper`: the official sizes (128×128, official widths, batch 16): meant for a GPU.
 *
 * @module
 */

/** Ψ's appearance code: a spatial map (official default) or globally pooled (`avg_pool_style`). */
export type AppearancePool = "spatial" | "global";
export const APPEARANCE_POOLS: readonly AppearancePool[] = ["spatial", "global"];

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
  /** η pretraining batch size (rendered prior skeletons per step). */
  readonly pretrainBatch: number;
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
  /** β's line width σ (`sigma`, both stages; the official config 0.2, its code's default 0.4). */
  readonly sigma: number;
  /** Weight of the equivariance term (`train.equivariance`; NOT the paper's method; 0 = off). */
  readonly equivariance: number;
  /** Decay of the evaluated moving average of Φ, η, Ψ (`train.weightAverage`; not official; 0 = off). */
  readonly weightAverage: number;
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
    pretrainBatch: 2,
    lr: 2e-4,
    lrSchedule: "constant",
    pretrainLr: 2e-4,
    logEvery: 5,
    checkpointEvery: 10,
    evalEvery: 10,
    appearancePool: "spatial",
    sigma: 0.2,
    equivariance: 0,
    weightAverage: 0,
  },
  small: {
    imageSize: 64,
    width: 0.125,
    etaWidth: 0.25,
    dScales: 1,
    dLayers: 3,
    batch: 8,
    steps: 2000,
    pretrainSteps: 1500,
    pretrainBatch: 16,
    lr: 2e-4,
    lrSchedule: "constant",
    pretrainLr: 2e-4,
    logEvery: 20,
    checkpointEvery: 100,
    evalEvery: 200,
    appearancePool: "global",
    sigma: 0.4,
    equivariance: 1000,
    weightAverage: 0.995,
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
    pretrainBatch: 16,
    lr: 2e-4,
    lrSchedule: "constant",
    pretrainLr: 2e-4,
    logEvery: 100,
    checkpointEvery: 5000,
    evalEvery: 5000,
    appearancePool: "spatial",
    sigma: 0.2,
    equivariance: 0,
    weightAverage: 0,
  },
};

/**
 * Why each value is what it is (printed by `deno task summary` and in docs/model.md): the
 * reason, never a measurement. Measured wall times, speeds and errors change with the machine
 * and the code, so they live in docs/results.md and docs/performance.md with their commands.
 */
export const TIER_RATIONALE: Readonly<Record<TierName, Readonly<Record<keyof Tier, string>>>> = {
  tiny: {
    imageSize:
      "smallest size the networks accept (S/8 = 2×2 heatmaps): tests run on the plain CPU backend, whose naive conv gradients make every pixel expensive",
    width: "2 base channels: shapes and wiring are exercised, arithmetic stays trivial",
    etaWidth: "as width",
    dScales: "16 px leaves room for one PatchGAN scale only",
    dLayers: "2: the official 3 would leave no output patch at 16 px",
    batch: "2 keeps BatchNorm statistics defined while staying fast",
    steps: "enough to see the reconstruction loss move in a test",
    pretrainSteps: "enough for a smoke run; η is not meant to be good",
    pretrainBatch: "as batch",
    lr: "official 2e-4 (digest §5.1)",
    lrSchedule: "official constant",
    pretrainLr: "official 2e-4",
    logEvery: "several metric rows per smoke run",
    checkpointEvery: "exercises checkpoint/resume inside a smoke run",
    evalEvery: "exercises the held-out monitor",
    appearancePool: "official spatial code",
    sigma: "official config 0.2",
    equivariance: "off (the paper's method)",
    weightAverage: "off: tests compare live weights",
  },
  small: {
    imageSize: "64 px: 4× fewer pixels than the paper, still 8×8 heatmaps",
    width: "eighth widths (4…64 channels): Ψ and D dominate a step (docs/performance.md)",
    etaWidth:
      "quarter widths: η reads a 1-channel image, so a wider η is cheap and lowers its floor",
    dScales: "one 64 px scale: every extra scale adds to D's cost, which dominates a step with Ψ",
    dLayers: "official PatchGAN depth",
    batch:
      "8 (official 16): twice the steps for the same CPU time; BatchNorm statistics stay defined",
    steps:
      "where KeypointGAN's held-out curve has flattened with the tier's levers (docs/results.md §2e; at the constant lr its last checkpoint can still fall on a jump, §2f); fewer steps measure networks still learning, more buy little for the default ablation's 3 h budget",
    pretrainSteps:
      "the η of the learning runs in docs/results.md (batch 16 from experiments/ablation.jsonc); not converged: its floor in pretrain.json keeps falling with length",
    pretrainBatch:
      "official 16: η's steps are cheap (a 1-channel input), the η of docs/results.md's runs",
    lr:
      "official 2e-4: the runs in docs/results.md learn with it; 5e-4 and cosine schedules gave no reliable gain on the earlier data",
    lrSchedule: "official constant",
    pretrainLr: "official 2e-4: 1e-3 cosine gave η a worse floor on the earlier data",
    logEvery: "20 points per loss curve",
    checkpointEvery: "a kill loses at most about a minute of training",
    evalEvery: "a learning curve of the held-out error with 15 points (256 frames each)",
    appearancePool:
      "official avg_pool_style: a spatial code lets Ψ copy x's layout from x′ (oracle pose gain, docs/results.md)",
    sigma:
      "0.4, the official code's default (its config sets 0.2): with the equivariance term, D stops separating Φ's outputs from β's within a few hundred steps (docs/results.md)",
    equivariance:
      "NOT the paper's method: without it, at 3,000 steps on the synthetic humans 2 of 5 seeds fail (one collapses to a single skeleton); tables say so beside the numbers (docs/results.md)",
    weightAverage:
      "NOT in the official code (training never reads it): an average over the last ≈ 200 steps, because the live weights' last checkpoint can fall on a jump of the held-out error (docs/results.md §2f)",
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
    pretrainBatch: "official batch 16",
    lr: "official 2e-4, constant (digest §5.1)",
    lrSchedule: "official constant",
    pretrainLr: "official 2e-4",
    logEvery: "official print_freq is 10; 100 keeps metrics.jsonl small",
    checkpointEvery: "official save_latest_freq 5000",
    evalEvery: "with each checkpoint",
    appearancePool: "official default (avg_pool_style off)",
    sigma: "official config 0.2",
    equivariance: "off: the paper's method",
    weightAverage: "off: the official code evaluates the live weights",
  },
};

/** The tier called `name`; throws listing valid names. */
export function getTier(name: string): Tier {
  const t = (TIERS as Record<string, Tier>)[name];
  if (!t) throw new RangeError(`Unknown tier "${name}": expected one of ${TIER_NAMES.join(", ")}`);
  return t;
}
