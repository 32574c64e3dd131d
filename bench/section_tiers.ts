/**
 * `deno task bench` section (d): one training step of every variant of a tier with peak memory
 * (each in its own process), and the tensor-leak check over many steps.
 *
 * @module
 */
import { median } from "./bench_net.ts";
import { runDenoChild } from "./children.ts";
import { type Recorder, round, secs, type Target } from "./report.ts";
import type { TierStepResult } from "./tier_step.ts";
import { type TierName, TIERS } from "../keypointgan/tiers.ts";
import { VARIANT_NAMES } from "../keypointgan/model/variants.ts";

/** Every training variant, one small-tier step each. */
export const VARIANTS: readonly string[] = VARIANT_NAMES;

/** Steps of `variant` at `tier`; the steady time is the median after the first (JIT) step. */
export async function tierStep(
  rec: Recorder,
  tier: string,
  variant: string,
  steps: number,
): Promise<TierStepResult | undefined> {
  const args = ["--tier", tier, "--variant", variant, "--steps", String(steps)];
  const r = await runDenoChild<TierStepResult>("tier_step.ts", args, {
    timeoutSeconds: tier === "paper" ? 3600 : 1800,
  });
  const section = `training step (${tier})`;
  if (!r.ok) {
    rec.record(`step-${tier}`, [variant], r);
    rec.row(section, variant, "failed", r.error);
    return undefined;
  }
  const v = r.value, steady = median(v.stepSeconds.slice(v.stepSeconds.length > 1 ? 1 : 0));
  const summary = {
    backend: v.backend,
    seconds: round(steady),
    peakRssMiB: Math.round(v.peakRssMiB),
  };
  rec.record(`step-${tier}`, [variant], r, summary);
  const note = `peak RSS ${(v.peakRssMiB / 1024).toFixed(2)} GiB; first step ${
    secs(v.stepSeconds[0])
  }`;
  rec.row(section, variant, secs(steady), note);
  return v;
}

/** Run `steps` steps of keypointgan_cycle (both fake pools) and compare tensor counts. */
export async function leakCheck(rec: Recorder, tier: string, steps: number): Promise<Target> {
  const name = `no tensor leak over ${steps} steps`;
  const args = ["--tier", tier, "--variant", "keypointgan_cycle", "--steps", String(steps)];
  const r = await runDenoChild<TierStepResult>("tier_step.ts", args, { timeoutSeconds: 3600 });
  const what = `${tier} tier, keypointgan_cycle, ${steps} steps`;
  if (!r.ok) {
    rec.record("leak", [tier], r);
    rec.row("leak check", what, "failed", r.error);
    return { name, pass: undefined, detail: r.error };
  }
  const t = r.value.tensorsAfterStep, rss = r.value.rssMiB;
  rec.record("leak", [tier], r, { tensors: t.at(-1), rssMiB: Math.round(rss.at(-1)!) });
  // The fake pools (50 images) fill during the first steps; compare after that.
  const h = Math.max(Math.floor(steps / 2), Math.ceil(50 / TIERS[tier as TierName].batch) + 1);
  if (h >= steps) {
    rec.row("leak check", what, "too short", `needs > ${h} steps`);
    return { name, pass: undefined, detail: "" };
  }
  const grown = t[steps - 1] - t[h - 1], rssGrowth = rss[steps - 1] - rss[h - 1];
  const sign = (x: number) => (x >= 0 ? "+" : "");
  rec.row(
    "leak check",
    what,
    `${sign(grown)}${grown} tensors`,
    `tensors after step ${h}: ${t[h - 1]}, after step ${steps}: ${t[steps - 1]}; RSS ${
      sign(rssGrowth)
    }${rssGrowth.toFixed(0)} MiB`,
  );
  return { name, pass: grown === 0, detail: `${tier} tier (same code path as small)` };
}
