/**
 * `deno task bench` sections (e) and (f): every variant's training step at a tier against the
 * PyTorch twin of the same networks (bench/twin/), alternating rounds in the same minutes, and
 * the throughput of every distinct conv shape of that tier against the sgemm ceiling.
 *
 * Each round runs our step (bench/tier_step.ts, 2 threads) and the twin with 2 threads and with
 * 1 thread, in alternating order. PyTorch's time of a round is the faster of the two: on a loaded
 * machine its OpenMP threads wait at barriers for a descheduled partner and 2 threads can be 10×
 * slower than 1, a strawman to compare against. Per variant it prints one line
 * `tier-step VARIANT ours=S.SSSs torch=S.SSSs ratio=R.RR`: medians over rounds of each round's
 * median step after the first; the ratio is the median of the per-round ratios; both PyTorch
 * thread counts follow in parentheses.
 *
 * @module
 */
import { join } from "node:path";
import { median } from "./bench_net.ts";
import { REPO_ROOT, runChild, runDenoChild } from "./children.ts";
import type { LayersResult } from "./kernels_run.ts";
import { type Recorder, round, type Target } from "./report.ts";
import type { TierStepResult } from "./tier_step.ts";
import { twinConfig } from "./twin/config.ts";
import type { ConvGeometry } from "../keypointgan/native/mod.ts";
import type { TierName } from "../keypointgan/tiers.ts";
import type { VariantName } from "../keypointgan/model/variants.ts";

const PYTHON = "/usr/bin/python3";
const TWIN = join(REPO_ROOT, "bench", "twin", "twin.py");
/** How to get the reference when it is missing. */
export const TORCH_HINT =
  "PyTorch not found for /usr/bin/python3: apt-get install -y python3-torch (Debian/Ubuntu)";

/** One variant's paired measurements. */
export interface TierRatio {
  variant: string;
  ours: number[];
  /** Per round: the faster of the twin's 2- and 1-thread steps. */
  torch: number[];
  torch2: number[];
  torch1: number[];
  ratios: number[];
  peakRssMiB: number;
}

interface TwinResult {
  torch: string;
  threads: number;
  stepSeconds: number[];
}

/** The PyTorch version, or undefined when /usr/bin/python3 has no torch. */
export async function torchVersion(): Promise<string | undefined> {
  const r = await runChild(
    PYTHON,
    ["-c", "import torch; print(torch.__version__)"],
    { timeoutSeconds: 120 },
    (s) => s.trim(),
  );
  return r.ok ? r.value : undefined;
}

const steady = (xs: number[]) => median(xs.slice(xs.length > 1 ? 1 : 0));
const s3 = (x: number | undefined) => (x === undefined ? "n/a" : `${x.toFixed(3)}s`);

/** Options of the paired rounds. */
export interface TwinOptions {
  tier: TierName;
  variants: readonly string[];
  rounds: number;
  steps: number;
  /** Measure the twin (false: ours alone, e.g. --skip torch). */
  torch: boolean;
}

/**
 * Paired rounds per variant. Returns the ratios and every distinct conv geometry our steps ran
 * (for the kernel section).
 */
export async function tierTwinSection(
  rec: Recorder,
  o: TwinOptions,
): Promise<{ ratios: TierRatio[]; shapes: ConvGeometry[]; steps: TierStepResult[] }> {
  const section = `tier-step (${o.tier}) vs PyTorch twin`;
  const version = o.torch ? await torchVersion() : undefined;
  let cfgPath: string | undefined;
  if (version) {
    cfgPath = await Deno.makeTempFile({ prefix: "kpg-twin-", suffix: ".json" });
    await Deno.writeTextFile(cfgPath, JSON.stringify(twinConfig(o.tier)));
  } else {
    const why = o.torch ? TORCH_HINT : "--skip torch";
    console.log(`tier-step: PyTorch twin skipped (${why}); our times alone`);
    rec.row(section, "PyTorch twin", "skipped", why);
  }
  const twin = async (variant: string, threads: number) => {
    // A time cap: under load PyTorch's 2 OpenMP threads can take 10 s per step, and the faster
    // of its two thread counts is what the ratio uses (a capped run was the slower one).
    const args = [
      TWIN,
      "--config",
      cfgPath!,
      "--variant",
      variant,
      "--steps",
      String(o.steps),
      "--max-seconds",
      "15",
    ];
    const r = await runChild<TwinResult>(
      PYTHON,
      [...args, "--threads", String(threads)],
      { timeoutSeconds: 1800 },
      (s) => JSON.parse(s.trim().split("\n").at(-1)!),
    );
    return r.ok ? steady(r.value.stepSeconds) : undefined;
  };
  const shapes = new Map<string, ConvGeometry>();
  const ratios: TierRatio[] = [], steps: TierStepResult[] = [];
  for (const variant of o.variants) {
    const t: TierRatio = {
      variant,
      ours: [],
      torch: [],
      torch2: [],
      torch1: [],
      ratios: [],
      peakRssMiB: 0,
    };
    let error = "";
    for (let r = 0; r < o.rounds; r++) {
      const ours = async () => {
        const args = ["--tier", o.tier, "--variant", variant, "--steps", String(o.steps)];
        const c = await runDenoChild<TierStepResult>("tier_step.ts", args, {
          timeoutSeconds: 1800,
        });
        if (!c.ok) {
          error = c.error;
          return undefined;
        }
        t.peakRssMiB = Math.max(t.peakRssMiB, c.value.peakRssMiB);
        for (const s of c.value.convShapes ?? []) {
          shapes.set(JSON.stringify(s.geometry), s.geometry);
        }
        if (r === 0) steps.push(c.value);
        return steady(c.value.stepSeconds);
      };
      // Alternate the order: a load change inside a round favours neither side every time.
      let mine: number | undefined, theirs: number | undefined, one: number | undefined;
      if (r % 2 === 0) {
        mine = await ours();
        if (version) [theirs, one] = [await twin(variant, 2), await twin(variant, 1)];
      } else {
        if (version) [one, theirs] = [await twin(variant, 1), await twin(variant, 2)];
        mine = await ours();
      }
      if (mine !== undefined) t.ours.push(mine);
      if (theirs !== undefined) t.torch2.push(theirs);
      if (one !== undefined) t.torch1.push(one);
      const best = Math.min(theirs ?? Infinity, one ?? Infinity);
      if (Number.isFinite(best)) t.torch.push(best);
      if (mine !== undefined && Number.isFinite(best)) t.ratios.push(mine / best);
    }
    if (t.ours.length === 0) {
      rec.row(section, variant, "failed", error);
      rec.record("tier-step", [variant], { ok: false, seconds: 0, error });
      continue;
    }
    const ours = median(t.ours);
    const torch = t.torch.length ? median(t.torch) : undefined;
    const ratio = t.ratios.length ? median(t.ratios) : undefined;
    const torch1 = t.torch1.length ? median(t.torch1) : undefined;
    const torch2 = t.torch2.length ? median(t.torch2) : undefined;
    const line = version
      ? `tier-step ${variant} ours=${s3(ours)} torch=${s3(torch)} ratio=${
        ratio?.toFixed(2) ?? "n/a"
      } (torch 2 threads ${s3(torch2)}, 1 thread ${s3(torch1)}; ${t.ours.length} rounds)`
      : `tier-step ${variant} ours=${s3(ours)}`;
    console.log(line);
    rec.row(
      section,
      variant,
      version ? `${ratio?.toFixed(2) ?? "n/a"}×` : s3(ours),
      `ours ${t.ours.map(s3).join(", ")}; torch 2 threads ${
        t.torch2.map(s3).join(", ")
      }; 1 thread ${t.torch1.map(s3).join(", ")}; peak RSS ${(t.peakRssMiB / 1024).toFixed(2)} GiB`,
    );
    rec.record("tier-step", [variant], { ok: true, seconds: 0 }, {
      ours: round(ours),
      ...(torch !== undefined ? { torch: round(torch), ratio: round(ratio!) } : {}),
      ...(torch1 !== undefined ? { torch1: round(torch1) } : {}),
      ...(torch2 !== undefined ? { torch2: round(torch2) } : {}),
      peakRssMiB: Math.round(t.peakRssMiB),
    });
    ratios.push(t);
  }
  if (cfgPath) await Deno.remove(cfgPath);
  rec.results.tierTwin = { tier: o.tier, torch: version, ratios };
  return { ratios, shapes: [...shapes.values()], steps };
}

/** Readable conv shape: `B×H×W×C → OH×OW×CO kK sS`. */
export function shapeName(g: ConvGeometry): string {
  return `${g.batch}×${g.inH}×${g.inW}×${g.inC} → ${g.outH}×${g.outW}×${g.outC} k${g.kH}${
    g.kW === g.kH ? "" : `×${g.kW}`
  } s${g.strideH}`;
}

/** Every distinct conv shape: GFLOP/s and share of the ceiling of its three ops. */
export async function convShapesSection(
  rec: Recorder,
  shapes: ConvGeometry[],
  minShare: number,
  rounds: number,
): Promise<Target> {
  const name = `every conv shape ≥ ${minShare * 100}% of the sgemm ceiling`;
  const section = "conv shapes of the tier";
  const file = await Deno.makeTempFile({ prefix: "kpg-layers-", suffix: ".json" });
  await Deno.writeTextFile(file, JSON.stringify(shapes));
  const r = await runDenoChild<LayersResult>(
    "kernels_run.ts",
    ["--layers", file, "--rounds", String(rounds)],
    { timeoutSeconds: 1800 },
  );
  await Deno.remove(file);
  if (!r.ok) {
    rec.row(section, "kernels", "failed", r.error);
    rec.record("conv-shapes", ["all"], r);
    return { name, pass: undefined, detail: r.error };
  }
  const k = r.value, c = k.sgemm2048;
  const pct = (x: number) => `${((100 * x) / c).toFixed(0)}%`;
  console.log(
    `sgemm ceiling 2048³: ${
      c.toFixed(1)
    } GFLOP/s (median over rounds of the faster of OpenBLAS's threads ${
      k.openblasRounds.map((x) => x.toFixed(0)).join("/")
    } and our pool over 1-thread calls ${
      k.engineRounds.map((x) => x.toFixed(0)).join("/")
    }; ${k.blas})`,
  );
  rec.row(section, "OpenBLAS sgemm 2048³ (ceiling)", `${c.toFixed(1)} GFLOP/s`, k.engine);
  const sorted = [...k.layers].sort((a, b) => b.gflop - a.gflop);
  for (const l of sorted) {
    const line = `conv ${shapeName(l.layer)} (${(l.gflop * 1000).toFixed(1)} MFLOP): fwd ${
      l.forward.toFixed(1)
    } GFLOP/s (${pct(l.forward)}), input ${l.backpropInput.toFixed(1)} (${
      pct(l.backpropInput)
    }), filter ${l.backpropFilter.toFixed(1)} (${pct(l.backpropFilter)})`;
    console.log(line);
    rec.row(
      section,
      shapeName(l.layer),
      `${pct(Math.min(l.forward, l.backpropInput, l.backpropFilter))}`,
      `GFLOP/s fwd ${l.forward.toFixed(1)} / input ${l.backpropInput.toFixed(1)} / filter ${
        l.backpropFilter.toFixed(1)
      }`,
    );
  }
  rec.record("conv-shapes", ["all"], r, { sgemm2048: round(c), layers: k.layers.length });
  rec.results.convShapes = k;
  const below = k.layers.filter((l) =>
    Math.min(l.forward, l.backpropInput, l.backpropFilter) < minShare * c
  );
  return {
    name,
    pass: below.length === 0,
    detail: `${k.layers.length - below.length} of ${k.layers.length} shapes pass (all three ops)`,
  };
}

/** The variants in order (all of them unless listed). */
export function pickVariants(all: readonly string[], list: string | undefined): VariantName[] {
  const want = list ? list.split(",").filter(Boolean) : [...all];
  for (const v of want) {
    if (!all.includes(v)) throw new Error(`Unknown variant "${v}": expected ${all.join(", ")}`);
  }
  return want as VariantName[];
}
