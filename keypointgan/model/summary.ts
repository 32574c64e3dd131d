/**
 * Each network's parameter count for a tier (`tierSummary`), and the official counts at paper
 * tier (digest §12). `deno task summary` (cli/summary.ts) prints them; the PyTorch twin of the
 * benchmark (bench/twin/) reads the same object so that its networks follow the tier.
 *
 * @module
 */
import { getTier, type Tier, type TierName } from "../tiers.ts";
import { initAll } from "./networks.ts";
import { ParamStore } from "./params.ts";
import { Rng } from "../rng.ts";

/** Official counts (digest §12) for the paper-tier comparison. */
export const OFFICIAL_COUNTS: Record<string, number> = {
  phi: 3_124_801,
  eta: 1_181_184,
  psi: 4_825_635,
  d: 8_288_067,
};
export const NETWORK_NAMES: Record<string, string> = {
  phi: "Φ pose encoder",
  eta: "η keypoint regressor",
  psi: "Ψ conditional decoder",
  d: "D skeleton discriminator",
  db: "D_B image discriminator",
};

/** What `deno task summary --json` prints. */
export interface TierSummary {
  tier: TierName;
  settings: Tier;
  numPoints: number;
  /** Trainable parameters per network (`phi`, `eta`, `psi`, `d`, `db`), conditional Ψ. */
  parameters: Record<string, number>;
}

/** The tier's settings and per-network parameter counts (Ψ conditional, D_B built). */
export function tierSummary(name: TierName, numPoints: number): TierSummary {
  const t = getTier(name);
  const store = new ParamStore();
  initAll(store, {
    imageSize: t.imageSize,
    width: t.width,
    etaWidth: t.etaWidth,
    numPoints,
    conditional: true,
    dScales: t.dScales,
    dLayers: t.dLayers,
    imageDiscriminator: true,
  }, new Rng(0));
  const parameters = Object.fromEntries(
    Object.keys(NETWORK_NAMES).map((k) => [k, store.count(`${k}/`)]),
  );
  store.dispose();
  return { tier: name, settings: { ...t }, numPoints, parameters };
}
