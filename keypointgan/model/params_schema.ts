/**
 * Param schemas shared by the `pretrain_regressor` and `train` stages. Tier-dependent params are optional: `resolveTier` fills them from
 * keypointgan/tiers.ts so the cache key holds effective values. Each default says why.
 *
 * @module
 */
import { z } from "zod";
import { type Cadence, cadenceProblem } from "./cadence.ts";
import { getTier, type Tier } from "../tiers.ts";

/** Params both stages have. */
export const commonParams = {
  /** Global: seed of init, batch sampling and pools. */
  seed: z.int().default(0),
  /** Global: scale tier (keypointgan/tiers.ts). */
  tier: z.enum(["tiny", "small", "paper"]).default("small"),
  /** Global: compute backend (keypointgan/tf.ts). */
  backend: z.string().default("auto"),
  /** Global: Table 5 prior subset size (0 = full prior). */
  priorSize: z.int().min(0).default(0),
  /** Global: seed of the prior subset. */
  priorSeed: z.int().default(0),
  /** Channel multiplier (tier; 1 = official widths). */
  width: z.number().positive().optional(),
  /** η's channel multiplier (tier; 1 = official): η reads a 1-channel image, so widening it is cheap. */
  etaWidth: z.number().positive().optional(),
  /** Batch size (tier; official 16). */
  batch: z.int().min(1).optional(),
  /** Iterations (tier). */
  steps: z.int().min(1).optional(),
  /** Adam learning rate (tier: `lr` for train, `pretrainLr` for η's pretraining; official 2e-4). */
  lr: z.number().positive().optional(),
  /** LR schedule (train: tier; pretraining: constant): official constant; cosine/step for CPU budgets. */
  lrSchedule: z.enum(["constant", "cosine", "step"]).optional(),
  /** Linear warm-up steps (official 0). */
  lrWarmup: z.int().min(0).default(0),
  /** `step` schedule period in steps. */
  lrStepEvery: z.int().min(1).default(1000),
  /** `step` schedule factor. */
  lrStepFactor: z.number().positive().default(0.5),
  /** Adam β1 (official 0.5). */
  beta1: z.number().min(0).max(1).default(0.5),
  /** Adam β2 (official 0.999). */
  beta2: z.number().min(0).max(1).default(0.999),
  /** Gradient-norm clip per optimiser (official clip_grad 1.0; 0 = off). */
  clip: z.number().min(0).default(1),
  /** Renderer σ (tier: official config 0.2; small 0.4, the official code's default). */
  sigma: z.number().positive().optional(),
  /** Renderer distance: official `linear` exp(−d/σ²); `squared` = the paper's possible reading. */
  distance: z.enum(["linear", "squared"]).default("linear"),
  /** Steps between metrics rows (tier). */
  logEvery: z.int().min(1).optional(),
  /** Steps between checkpoints (tier; a multiple of logEvery). */
  checkpointEvery: z.int().min(1).optional(),
};

/** The params `resolveTier` always fills. */
type TierFilled =
  | "sigma"
  | "width"
  | "etaWidth"
  | "batch"
  | "steps"
  | "lr"
  | "lrSchedule"
  | "logEvery"
  | "checkpointEvery";

/** `P` with the params `K` filled in (no longer optional). */
export type Filled<P, K extends keyof P> = Omit<P, K> & { [k in K]-?: Exclude<P[k], undefined> };

/** Fill tier-dependent params left unset. `stepsKey` picks the tier's step count. */
export function resolveTier<
  P extends { tier: string } & { [k in TierFilled]?: unknown },
  E extends keyof Tier & keyof P = never,
>(
  p: P,
  stepsKey: "steps" | "pretrainSteps",
  extra: readonly E[] = [],
): Filled<P, TierFilled | E> {
  const t = getTier(p.tier);
  const out: Record<string, unknown> = { ...p };
  const fill = (k: string, v: unknown) => (out[k] = out[k] ?? v);
  fill("sigma", t.sigma);
  fill("width", t.width);
  fill("etaWidth", t.etaWidth);
  fill("batch", stepsKey === "pretrainSteps" ? t.pretrainBatch : t.batch);
  fill("steps", t[stepsKey]);
  const pretraining = stepsKey === "pretrainSteps";
  fill("lr", pretraining ? t.pretrainLr : t.lr);
  fill("lrSchedule", pretraining ? "constant" : t.lrSchedule);
  fill("logEvery", Math.min(t.logEvery, out.steps as number));
  fill("checkpointEvery", t.checkpointEvery);
  for (const k of extra) fill(k, t[k]);
  // Checked here, at validation, not when train starts after the upstream stages have run.
  const problem = cadenceProblem(out as unknown as Cadence);
  if (problem) throw new RangeError(problem);
  return out as Filled<P, TierFilled | E>;
}
