/**
 * `deno task summary --tier tiny|small|paper`: each network's parameter count for a tier (and the
 * official counts at paper tier, digest §12), plus the tier's settings with their rationale.
 * `--json` prints the same as one JSON object (`tierSummary`).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { TIER_NAMES, TIER_RATIONALE, type TierName } from "../keypointgan/tiers.ts";
import { NETWORK_NAMES, OFFICIAL_COUNTS, tierSummary } from "../keypointgan/model/summary.ts";

/** Run the command; returns the exit code. */
export function run(args: string[]): Promise<number> {
  return Promise.resolve(summary(args));
}

if (import.meta.main) Deno.exit(await run(Deno.args));

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
  for (const k of Object.keys(NETWORK_NAMES)) {
    const n = s.parameters[k];
    const off = name === "paper" && OFFICIAL_COUNTS[k]
      ? `  official ${fmt(OFFICIAL_COUNTS[k])} (${
        ((100 * (n - OFFICIAL_COUNTS[k])) / OFFICIAL_COUNTS[k]).toFixed(2)
      } %)`
      : "";
    console.log(`  ${NETWORK_NAMES[k].padEnd(26)} ${fmt(n).padStart(8)}${off}`);
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
