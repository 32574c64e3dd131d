/**
 * The configuration the PyTorch twin (`bench/twin/twin.py`) builds its networks from: for each
 * variant, exactly the `TrainerConfig` that `bench/tier_step.ts` times (the tier's settings from
 * `keypointgan/tiers.ts`, the official recipe), the batch, the perceptual feature layers, and our
 * parameter count per network. The twin reads only this JSON, so it follows the tier when the
 * tier changes; its test (`twin_test.ts`) checks that its parameter counts equal ours.
 *
 *   deno run -A bench/twin/config.ts --tier small [--variant keypointgan] [--out FILE]
 *
 * Prints (or writes) `{ summary, variants: { <variant>: TwinVariantConfig } }`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type TierSummary, tierSummary } from "../../keypointgan/model/summary.ts";
import { pixelPyramid } from "../../keypointgan/model/features.ts";
import { EQUIVARIANCE_WARPS, type WarpRanges } from "../../keypointgan/model/equivariance.ts";
import { initAll } from "../../keypointgan/model/networks.ts";
import { ParamStore } from "../../keypointgan/model/params.ts";
import { Rng } from "../../keypointgan/rng.ts";
import type { TrainerConfig } from "../../keypointgan/model/trainer.ts";
import { VARIANT_NAMES, type VariantName } from "../../keypointgan/model/variants.ts";
import { type TierName, TIERS } from "../../keypointgan/tiers.ts";
import { benchTrainerConfig } from "../tier_step.ts";

/** Networks by parameter-name prefix (as `deno task summary`). */
export const NETWORKS = ["phi", "eta", "psi", "d", "db"] as const;

/** One variant's twin configuration. */
export interface TwinVariantConfig {
  variant: VariantName;
  batch: number;
  trainer: TrainerConfig;
  /** The perceptual loss's feature network (`pixels`: average-pool factors of each layer). */
  features: { id: string; layers: string[] };
  /** Our trainable parameters per network for this variant (0 = not built). */
  parameters: Record<string, number>;
  /** Ranges of the equivariance term's random warps (used when `trainer.equivariance` > 0). */
  equivarianceWarps: WarpRanges;
}

/** The whole file. */
export interface TwinConfig {
  summary: TierSummary;
  variants: Record<string, TwinVariantConfig>;
}

/** The twin configuration of `variant` at `tier`, as bench/tier_step.ts trains it. */
export function twinVariantConfig(tier: TierName, variant: VariantName): TwinVariantConfig {
  const trainer = benchTrainerConfig(tier, variant);
  const store = new ParamStore();
  initAll(store, trainer.arch, new Rng(0));
  const parameters = Object.fromEntries(NETWORKS.map((n) => [n, store.count(`${n}/`)]));
  store.dispose();
  const f = pixelPyramid(trainer.arch.imageSize);
  return {
    variant,
    batch: TIERS[tier].batch,
    trainer,
    features: { id: f.id, layers: [...f.layers] },
    parameters,
    equivarianceWarps: EQUIVARIANCE_WARPS,
  };
}

/** Every variant (or the listed ones) of `tier`. */
export function twinConfig(tier: TierName, variants: readonly VariantName[] = VARIANT_NAMES) {
  const numPoints = benchTrainerConfig(tier, "keypointgan").arch.numPoints;
  return {
    summary: tierSummary(tier, numPoints),
    variants: Object.fromEntries(variants.map((v) => [v, twinVariantConfig(tier, v)])),
  } satisfies TwinConfig;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      tier: { type: "string", default: "small" },
      variant: { type: "string", multiple: true },
      out: { type: "string" },
    },
  });
  const variants = (values.variant?.length ? values.variant : VARIANT_NAMES) as VariantName[];
  const text = JSON.stringify(twinConfig(values.tier as TierName, variants), null, 1);
  if (values.out) await Deno.writeTextFile(values.out, text + "\n");
  else console.log(text);
}
