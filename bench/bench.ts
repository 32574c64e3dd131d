/**
 * `deno task bench`: the performance targets of issue 7, measured in one run.
 *
 * (a) OpenBLAS sgemm ceiling (2048³ and the im2col shape of the small tier's largest conv) and
 *     our conv kernels on that layer; (b) bench-net (../shared/bench: 7 convs, batch 16, 64²)
 *     on the native backend (C helper, and the pure-JS fallback) and on the stock backends;
 *     (c) the PyTorch reference `torch_bench.py 2 10 cl` when present, alternating with (b);
 *     (d) every variant's training step at the `small` tier against the PyTorch twin of the same
 *     networks (bench/twin/), in alternating rounds, with peak memory: one line per variant
 *     `tier-step VARIANT ours=S.SSSs torch=S.SSSs ratio=R.RR` (the `paper` tier with --full);
 *     (e) the sgemm ceiling and every distinct conv shape of that tier (forward, input and filter
 *     gradient, GFLOP/s and share of the ceiling); (f) a 100-step tensor-leak check. Every
 *     measurement runs in its own process.
 *
 * Flags: --full (also the stock `cpu` backend, > 60 s/step, and the paper tier, ≈ 17 GiB),
 * --steps N (bench-net timed steps, default 5), --rounds N (native/PyTorch alternations,
 * default 3), --tier-steps N (default 3), --leak-steps N (default 100),
 * --leak-tier tiny|small (default tiny; small with --full),
 * --tier small|tiny (the tier of (d) and (e), default small), --variants a,b (default all),
 * --twin-rounds N (default 3), --twin-steps N (steps per child, the first untimed; default 4),
 * --skip gemm,benchnet,torch,tiers,leak.
 *
 * Prints a table and, last, `ratio vs PyTorch (bench-net step): X.XX`; appends the results to
 * the run ledger (`deno task runs`).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { cpus, totalmem } from "node:os";
import { appendBenchLedger, Recorder, renderTable, type Target } from "./report.ts";
import { benchNetSection } from "./section_benchnet.ts";
import { convFlops, kernelsSection, SMALL_LARGEST_LAYER } from "./section_kernels.ts";
import { leakCheck, tierStep, VARIANTS } from "./section_tiers.ts";
import {
  convShapesSection,
  pickVariants,
  type TierRatio,
  tierTwinSection,
} from "./section_twin.ts";
import type { TierName } from "../keypointgan/tiers.ts";
import type { ConvGeometry } from "../keypointgan/native/mod.ts";
import { median } from "./bench_net.ts";

/** Issue 7 and issue 16 targets. */
const MAX_RATIO = 2.0, MIN_CEILING_SHARE = 0.5, MAX_SMALL_RSS_MIB = 4096, MAX_TIER_RATIO = 1.0;

const { values: opt } = parseArgs({
  args: Deno.args,
  options: {
    full: { type: "boolean", default: false },
    steps: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    "tier-steps": { type: "string", default: "3" },
    "leak-steps": { type: "string", default: "100" },
    "leak-tier": { type: "string" },
    tier: { type: "string", default: "small" },
    variants: { type: "string" },
    "twin-rounds": { type: "string", default: "3" },
    "twin-steps": { type: "string", default: "4" },
    skip: { type: "string", default: "" },
  },
});
const skip = new Set(opt.skip!.split(",").filter(Boolean));

function machine(): Record<string, unknown> {
  let load = "n/a";
  try {
    load = Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
  } catch { /* no --allow-sys */ }
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: navigator.hardwareConcurrency,
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    os: `${Deno.build.os}-${Deno.build.arch}`,
    deno: Deno.version.deno,
    load,
  };
}

/** The paper tier's step with --full (one variant, ≈ 17 GiB). */
async function paperTier(rec: Recorder): Promise<void> {
  if (opt.full) await tierStep(rec, "paper", "keypointgan", 2);
  else {
    const why = "≈ 17 GiB and over a minute per step on 2 cores: run with --full";
    rec.skipped("training step (paper)", "keypointgan", why, "step-paper", ["keypointgan"]);
  }
}

async function main() {
  const started = new Date(), m = machine(), rec = new Recorder(), targets: Target[] = [];
  console.error(`bench on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, load ${m.load}`);
  let ratio: number | undefined;
  if (!skip.has("benchnet")) {
    ratio = await benchNetSection(rec, {
      steps: Number(opt.steps),
      rounds: Number(opt.rounds),
      full: opt.full!,
      torch: !skip.has("torch"),
    });
  }
  targets.push({
    name: `bench-net step ≤ ${MAX_RATIO}× PyTorch`,
    pass: ratio === undefined ? undefined : ratio <= MAX_RATIO,
    detail: ratio === undefined ? "needs both measurements" : `${ratio.toFixed(2)}× (aim 1.0×)`,
  });
  let ratios: TierRatio[] = [];
  let shapes: ConvGeometry[] = [];
  if (!skip.has("tiers")) {
    ({ ratios, shapes } = await tierTwinSection(rec, {
      tier: opt.tier as TierName,
      variants: pickVariants(VARIANTS, opt.variants),
      rounds: Number(opt["twin-rounds"]),
      steps: Number(opt["twin-steps"]),
      torch: !skip.has("torch"),
    }));
  }
  const measured = ratios.filter((r) => r.ratios.length > 0);
  const worstRatio = measured.length
    ? Math.max(...measured.map((r) => median(r.ratios)))
    : undefined;
  targets.push({
    name: `every ${opt.tier}-tier variant's step ≤ ${MAX_TIER_RATIO}× its PyTorch twin`,
    pass: worstRatio === undefined ? undefined : worstRatio <= MAX_TIER_RATIO,
    detail: worstRatio === undefined
      ? "needs both measurements"
      : `worst ${worstRatio.toFixed(2)}× (${measured.length} variants)`,
  });
  const peak = ratios.length ? Math.max(...ratios.map((r) => r.peakRssMiB)) : undefined;
  targets.push({
    name: `${opt.tier}-tier step peak RSS ≤ 4 GiB`,
    pass: peak === undefined ? undefined : peak <= MAX_SMALL_RSS_MIB,
    detail: peak === undefined ? "" : `max over variants ${(peak / 1024).toFixed(2)} GiB`,
  });
  await paperTier(rec);
  if (skip.has("gemm")) {
    rec.skipped("GEMM / conv kernels", "sgemm ceiling", "--skip gemm", "kernels", ["gemm"]);
  } else if (shapes.length) {
    targets.push(await convShapesSection(rec, shapes, MIN_CEILING_SHARE, 3));
  } else {
    const layer = [...shapes].sort((a, b) => convFlops(b) - convFlops(a))[0] ??
      SMALL_LARGEST_LAYER;
    targets.push(await kernelsSection(rec, layer, MIN_CEILING_SHARE));
  }
  if (skip.has("leak")) rec.skipped("leak check", "tensor leak", "--skip leak", "leak", ["*"]);
  else {
    const tier = opt["leak-tier"] ?? (opt.full ? "small" : "tiny");
    targets.push(await leakCheck(rec, tier, Number(opt["leak-steps"])));
  }
  console.log(renderTable(rec.rows, targets));
  const ledger = await appendBenchLedger(started, Deno.args, m, rec.nodes, rec.results);
  console.log(`results appended to ${ledger} (compare runs: deno task runs <id> <id>)`);
  for (const r of ratios) {
    const m = (xs: number[]) => (xs.length ? median(xs) : NaN);
    const fmt = (x: number) => (Number.isFinite(x) ? `${x.toFixed(3)}s` : "n/a");
    console.log(
      `tier-step ${r.variant} ours=${fmt(m(r.ours))}` +
        (r.torch.length
          ? ` torch=${fmt(m(r.torch))} ratio=${m(r.ratios).toFixed(2)}`
          : " (no PyTorch: apt-get install -y python3-torch)"),
    );
  }
  console.log(
    `ratio vs PyTorch (bench-net step): ${ratio === undefined ? "n/a" : ratio.toFixed(2)}`,
  );
}

await main();
