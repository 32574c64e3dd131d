/**
 * `deno task summary --tier tiny|small|paper`: each network's parameter count for a tier (and the
 * official counts at paper tier, digest §12), plus the tier's settings with their rationale.
 * `--json` prints the same as one JSON object (`tierSummary`), which the PyTorch twin of the
 * benchmark (bench/twin/) reads so that its networks follow the tier.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { getTier, type Tier, TIER_NAMES, TIER_RATIONALE, type TierName } from "../tiers.ts";
import { initAll } from "./networks.ts";
import { ParamStore } from "./params.ts";
import { Rng } from "./rng.ts";

/** Official counts (digest §12) for the paper-tier comparison. */
const OFFICIAL: Record<string, number> = {
  phi: 3_124_801,
  eta: 1_181_184,
  psi: 4_825_635,
  d: 8_288_067,
};
const NAMES: Record<string, string> = {
  phi: "Φ pose encoder",
  eta: "η keypoint regressor",
  psi: "Ψ conditional decoder",
  d: "D skeleton discriminator",
  db: "D_B image discriminator",
};

/** Run the command; returns the exit code. */
export function run(args: string[]): Promise<number> {
  return Promise.resolve(summary(args));
}

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
  const parameters = Object.fromEntries(Object.keys(NAMES).map((k) => [k, store.count(`${k}/`)]));
  store.dispose();
  return { tier: name, settings: { ...t }, numPoints, parameters };
}

function summary(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      tier: { type: "string", default: "paper" },
      points: { type: "string", default: "32" },
      json: { type: "boolean", default: false },
    },
  });
  const name = values.tier as TierName;
  if (!TIER_NAMES.includes(name)) {
    console.error(`Unknown tier "${name}": expected one of ${TIER_NAMES.join(", ")}`);
    return 2;
  }
  const numPoints = Number(values.points);
  const s = tierSummary(name, numPoints);
  if (values.json) {
    console.log(JSON.stringify(s));
    return 0;
  }
  const t = s.settings;
  console.log(`tier ${name}: ${t.imageSize}×${t.imageSize}, width ×${t.width}, K = ${numPoints}`);
  for (const k of Object.keys(NAMES)) {
    const n = s.parameters[k];
    const off = name === "paper" && OFFICIAL[k]
      ? `  official ${fmt(OFFICIAL[k])} (${((100 * (n - OFFICIAL[k])) / OFFICIAL[k]).toFixed(2)} %)`
      : "";
    console.log(`  ${NAMES[k].padEnd(26)} ${fmt(n).padStart(8)}${off}`);
  }
  console.log("settings:");
  for (const [k, v] of Object.entries(t)) {
    console.log(
      `  ${k.padEnd(16)} ${String(v).padEnd(8)} ${TIER_RATIONALE[name][k as keyof typeof t]}`,
    );
  }
  return 0;
}

function fmt(n: number): string {
  return n >= 1e6
    ? `${(n / 1e6).toFixed(2)} M`
    : n >= 1e3
    ? `${(n / 1e3).toFixed(1)} k`
    : String(n);
}

if (import.meta.main) Deno.exit(await run(Deno.args));
