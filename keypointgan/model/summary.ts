/**
 * `deno task summary --tier tiny|small|paper`: each network's parameter count for a tier (and the
 * official counts at paper tier, digest §12), plus the tier's settings with their rationale.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { getTier, TIER_NAMES, TIER_RATIONALE, type TierName } from "../tiers.ts";
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

function summary(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      tier: { type: "string", default: "paper" },
      points: { type: "string", default: "32" },
    },
  });
  const name = values.tier as TierName;
  if (!TIER_NAMES.includes(name)) {
    console.error(`Unknown tier "${name}": expected one of ${TIER_NAMES.join(", ")}`);
    return 2;
  }
  const t = getTier(name);
  const store = new ParamStore();
  const numPoints = Number(values.points);
  initAll(store, {
    imageSize: t.imageSize,
    width: t.width,
    numPoints,
    conditional: true,
    dScales: t.dScales,
    dLayers: t.dLayers,
    imageDiscriminator: true,
  }, new Rng(0));
  console.log(`tier ${name}: ${t.imageSize}×${t.imageSize}, width ×${t.width}, K = ${numPoints}`);
  for (const k of Object.keys(NAMES)) {
    const n = store.count(`${k}/`);
    const off = name === "paper" && OFFICIAL[k]
      ? `  official ${fmt(OFFICIAL[k])} (${((100 * (n - OFFICIAL[k])) / OFFICIAL[k]).toFixed(2)} %)`
      : "";
    console.log(`  ${NAMES[k].padEnd(26)} ${fmt(n).padStart(8)}${off}`);
  }
  store.dispose();
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
