/**
 * `deno task bench`: the performance targets of issue 7, measured in one run.
 *
 * (a) OpenBLAS sgemm ceiling (2048³ and the im2col shape of the small tier's largest conv) and
 *     our conv kernels on that layer; (b) bench-net (../shared/bench: 7 convs, batch 16, 64²)
 *     on the native backend (C helper, and the pure-JS fallback) and on the stock backends;
 *     (c) the PyTorch reference `torch_bench.py 2 10 cl` when present; (d) training steps of
 *     every variant of the `small` tier (and `paper` with --full) with peak memory, and a
 *     100-step tensor-leak check. Every measurement runs in its own process.
 *
 * Flags: --full (also the stock `cpu` backend, > 60 s/step, and the paper tier, ≈ 17 GiB),
 * --steps N (bench-net timed steps, default 5), --rounds N (native/PyTorch alternations,
 * default 3), --tier-steps N (default 3),
 * --leak-steps N (default 100), --leak-tier tiny|small (default tiny; small with --full),
 * --skip gemm,benchnet,torch,tiers,leak.
 *
 * Prints a table and, last, `ratio vs PyTorch (bench-net step): X.XX`; appends the results to
 * the run ledger (`deno task runs`).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { cpus, totalmem } from "node:os";
import type { BenchNetResult } from "./bench_net.ts";
import { median } from "./bench_net.ts";
import {
  type ChildResult,
  parseTorch,
  runChild,
  runDenoChild,
  type TorchResult,
  torchScript,
} from "./children.ts";
import type { KernelsResult } from "./kernels_run.ts";
import {
  appendBenchLedger,
  type LedgerNodeLike,
  renderTable,
  type Row,
  secs,
  type Target,
} from "./report.ts";
import type { TierStepResult } from "./tier_step.ts";
import { type TierName, TIERS } from "../keypointgan/tiers.ts";

const VARIANTS = [
  "cyclegan",
  "conditional",
  "bottleneck",
  "keypointgan",
  "keypointgan_cycle",
  "supervised",
];
/**
 * The small tier's largest conv (by FLOPs), as observed in its training steps: D's 4×4
 * 64→128 stride-1 layer at 8×8 (padding 1). Used when the tier runs are skipped.
 */
const SMALL_LARGEST_LAYER = {
  batch: 16,
  inH: 8,
  inW: 8,
  inC: 64,
  outH: 7,
  outW: 7,
  outC: 128,
  kH: 4,
  kW: 4,
  strideH: 1,
  strideW: 1,
  padTop: 1,
  padLeft: 1,
};

/** Issue 7 targets. */
const MAX_RATIO = 2.0, MIN_CEILING_SHARE = 0.5, MAX_SMALL_RSS_MIB = 4096;

const { values: opt } = parseArgs({
  args: Deno.args,
  options: {
    full: { type: "boolean", default: false },
    steps: { type: "string", default: "5" },
    "tier-steps": { type: "string", default: "3" },
    "leak-steps": { type: "string", default: "100" },
    "leak-tier": { type: "string" },
    skip: { type: "string", default: "" },
    rounds: { type: "string", default: "3" },
  },
});
const skip = new Set(opt.skip!.split(",").filter(Boolean));
const rows: Row[] = [], nodes: LedgerNodeLike[] = [], results: Record<string, unknown> = {};
const started = new Date();

function record<T>(
  stage: string,
  variants: string[],
  r: ChildResult<T>,
  summary?: Record<string, unknown>,
) {
  nodes.push(
    r.ok
      ? {
        key: `${stage}:${variants.join(",")}`,
        stage,
        variants,
        status: "ran",
        seconds: r.seconds,
        summary,
      }
      : {
        key: `${stage}:${variants.join(",")}`,
        stage,
        variants,
        status: "failed",
        seconds: r.seconds,
        error: r.error,
      },
  );
}

function skipped(section: string, what: string, why: string, stage: string, variants: string[]) {
  rows.push({ section, what, value: "skipped", note: why });
  nodes.push({
    key: `${stage}:${variants.join(",")}`,
    stage,
    variants,
    status: "skipped",
    seconds: 0,
  });
}

function machine(): Record<string, unknown> {
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: navigator.hardwareConcurrency,
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    os: `${Deno.build.os}-${Deno.build.arch}`,
    deno: Deno.version.deno,
    load: (() => {
      try {
        return Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
      } catch {
        return "n/a";
      }
    })(),
  };
}

/** bench-net on one backend. */
async function benchNet(
  name: string,
  backend: string,
  steps: number,
  warmup: number,
  env?: Record<string, string>,
) {
  const r = await runDenoChild<BenchNetResult>("bench_net.ts", [
    "--backend",
    backend,
    "--steps",
    String(steps),
    "--warmup",
    String(warmup),
  ], { env, timeoutSeconds: 1800 });
  record(
    "bench-net",
    [name],
    r,
    r.ok ? { backend: r.value.backend, median: round(r.value.median) } : undefined,
  );
  if (!r.ok) {
    rows.push({ section: "bench-net step", what: name, value: "failed", note: r.error });
    return undefined;
  }
  const v = r.value;
  rows.push({
    section: "bench-net step",
    what: name,
    value: secs(v.median),
    note: `median of ${v.stepSeconds.length} after ${v.warmupSeconds.length} warm-up; ${
      v.description.replace(/^\[tf\] backend: /, "")
    }`.slice(0, 150),
  });
  return v.median;
}

/**
 * bench-net on `native` and PyTorch, alternating `rounds` times: machine load changes by the
 * minute here, so the ratio is the median of per-round ratios. Returns it.
 */
async function pairedRounds(rounds: number): Promise<number | undefined> {
  const script = torchScript();
  if (!script || !(await exists("/usr/bin/python3"))) {
    skipped(
      "bench-net step",
      "PyTorch (2 threads, channels_last)",
      "../shared/bench/torch_bench.py or /usr/bin/python3 not found",
      "torch",
      ["bench-net"],
    );
    await benchNet("native (C helper)", "native", Number(opt.steps), 2);
    return undefined;
  }
  const nat: BenchNetResult[] = [], tor: TorchResult[] = [], ratios: number[] = [];
  let error = "";
  for (let r = 0; r < rounds; r++) {
    const n = await runDenoChild<BenchNetResult>("bench_net.ts", [
      "--backend",
      "native",
      "--steps",
      opt.steps!,
      "--warmup",
      "2",
    ], { timeoutSeconds: 900 });
    const t = await runChild<TorchResult>("/usr/bin/python3", [script, "2", "10", "cl"], {
      timeoutSeconds: 900,
    }, parseTorch);
    if (!n.ok || !t.ok) {
      error = !n.ok ? `native: ${n.error}` : !t.ok ? `PyTorch: ${t.error}` : "";
      continue;
    }
    nat.push(n.value);
    tor.push(t.value);
    ratios.push(n.value.median / t.value.median);
  }
  if (ratios.length === 0) {
    rows.push({
      section: "bench-net step",
      what: "native vs PyTorch",
      value: "failed",
      note: error,
    });
    nodes.push({
      key: "bench-net:native",
      stage: "bench-net",
      variants: ["native"],
      status: "failed",
      seconds: 0,
      error,
    });
    return undefined;
  }
  const nm = median(nat.map((v) => v.median)),
    tm = median(tor.map((v) => v.median)),
    ratio = median(ratios);
  const each = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(", ");
  rows.push(
    {
      section: "bench-net step",
      what: "native (C helper)",
      value: secs(nm),
      note: `median of ${nat.length} rounds (${
        each(nat.map((v) => v.median))
      }), each a median of ${opt.steps} steps after 2 warm-up; ${
        nat[0].description.replace(/^\[tf\] backend: native /, "")
      }`.slice(0, 160),
    },
    {
      section: "bench-net step",
      what: `PyTorch ${tor[0].version} (${tor[0].threads} threads, channels_last)`,
      value: secs(tm),
      note: `torch_bench.py 2 10 cl, alternating with the native runs (${
        each(tor.map((v) => v.median))
      })`,
    },
    {
      section: "bench-net step",
      what: "native / PyTorch",
      value: `${ratio.toFixed(2)}×`,
      note: `median of per-round ratios (${ratios.map((x) => x.toFixed(2)).join(", ")})`,
    },
  );
  nodes.push({
    key: "bench-net:native",
    stage: "bench-net",
    variants: ["native"],
    status: "ran",
    seconds: 0,
    summary: { median: round(nm), torch: round(tm), ratio: round(ratio) },
  });
  results.benchNet = {
    native: nat.map((v) => v.median),
    torch: tor.map((v) => v.median),
    ratios,
    ratio,
  };
  return ratio;
}

/** 4 significant digits (ledger summaries). */
function round(x: number): number {
  return Number(x.toPrecision(4));
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function tierStep(
  tier: string,
  variant: string,
  steps: number,
): Promise<TierStepResult | undefined> {
  const r = await runDenoChild<TierStepResult>("tier_step.ts", [
    "--tier",
    tier,
    "--variant",
    variant,
    "--steps",
    String(steps),
  ], { timeoutSeconds: tier === "paper" ? 3600 : 1800 });
  const v = r.ok ? r.value : undefined;
  const steady = v ? median(v.stepSeconds.slice(v.stepSeconds.length > 1 ? 1 : 0)) : undefined;
  record(
    `step-${tier}`,
    [variant],
    r,
    v
      ? { backend: v.backend, seconds: round(steady!), peakRssMiB: Math.round(v.peakRssMiB) }
      : undefined,
  );
  rows.push(
    v
      ? {
        section: `training step (${tier})`,
        what: variant,
        value: secs(steady),
        note: `peak RSS ${(v.peakRssMiB / 1024).toFixed(2)} GiB; first step ${
          secs(v.stepSeconds[0])
        }`,
      }
      : {
        section: `training step (${tier})`,
        what: variant,
        value: "failed",
        note: r.ok ? "" : r.error,
      },
  );
  return v;
}

async function main() {
  const m = machine();
  console.error(`bench on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, load ${m.load}`);
  const targets: Target[] = [];
  let ratio: number | undefined;
  // (b) + (c): bench-net on the native backend and PyTorch, alternating (same-run ratios).
  if (!skip.has("benchnet") && !skip.has("torch")) ratio = await pairedRounds(Number(opt.rounds));
  else if (!skip.has("benchnet")) {
    await benchNet("native (C helper)", "native", Number(opt.steps), 2);
  }
  if (!skip.has("benchnet")) {
    results.benchNetJs = await benchNet("native (JS loops)", "native", 3, 1, {
      KEYPOINTGAN_NATIVE_HELPER: "0",
    });
    await stockBackends();
  }
  targets.push({
    name: `bench-net step ≤ ${MAX_RATIO}× PyTorch`,
    pass: ratio === undefined ? undefined : ratio <= MAX_RATIO,
    detail: ratio === undefined ? "needs both measurements" : `${ratio.toFixed(2)}× (aim 1.0×)`,
  });
  // (d) training steps per tier/variant.
  const small: TierStepResult[] = [];
  if (!skip.has("tiers")) {
    for (const v of VARIANTS) {
      const r = await tierStep("small", v, Number(opt["tier-steps"]));
      if (r) small.push(r);
    }
    if (opt.full) await tierStep("paper", "keypointgan", 2);
    else {skipped(
        "training step (paper)",
        "all variants",
        "≈ 18 GiB and minutes per step on 2 cores: run with --full",
        "step-paper",
        ["*"],
      );}
  }
  const peak = small.length ? Math.max(...small.map((r) => r.peakRssMiB)) : undefined;
  targets.push({
    name: "small-tier step peak RSS ≤ 4 GiB",
    pass: peak === undefined ? undefined : peak <= MAX_SMALL_RSS_MIB,
    detail: peak === undefined ? "" : `max over variants ${(peak / 1024).toFixed(2)} GiB`,
  });
  // (a) GEMM ceiling and conv kernels at the small tier's largest layer.
  const layer =
    small.flatMap((r) => (r.largestConv ? [r.largestConv] : [])).sort((a, b) =>
      flops(b) - flops(a)
    )[0] ?? SMALL_LARGEST_LAYER;
  targets.push(await kernels(layer));
  targets.push(await leakCheck());
  results.small = small.map((r) => ({
    variant: r.variant,
    stepSeconds: r.stepSeconds,
    peakRssMiB: r.peakRssMiB,
  }));
  console.log(renderTable(rows, targets));
  const ledger = await appendBenchLedger(started, Deno.args, m, nodes, results);
  console.log(`results appended to ${ledger} (compare runs: deno task runs <id> <id>)`);
  console.log(
    `ratio vs PyTorch (bench-net step): ${ratio === undefined ? "n/a" : ratio.toFixed(2)}`,
  );
}

const flops = (
  g: {
    batch: number;
    outH: number;
    outW: number;
    kH: number;
    kW: number;
    inC: number;
    outC: number;
  },
) => 2 * g.batch * g.outH * g.outW * g.kH * g.kW * g.inC * g.outC;

async function stockBackends() {
  if (opt.full) await benchNet("stock cpu", "cpu", 1, 0);
  else {skipped(
      "bench-net step",
      "stock cpu",
      "> 60 s/step: run with --full to measure one step",
      "bench-net",
      ["stock cpu"],
    );}
  for (const backend of ["wasm", "webgpu"]) {
    const probe = await runDenoChild<{ ok: boolean; reason?: string }>("backend_probe_run.ts", [
      "--backend",
      backend,
    ], {
      timeoutSeconds: 120,
    });
    if (probe.ok && probe.value.ok) await benchNet(`stock ${backend}`, backend, 2, 1);
    else {skipped(
        "bench-net step",
        `stock ${backend}`,
        probe.ok ? probe.value.reason! : probe.error,
        "bench-net",
        [`stock ${backend}`],
      );}
  }
}

async function kernels(layer: NonNullable<TierStepResult["largestConv"]>): Promise<Target> {
  const name = `conv kernels ≥ ${MIN_CEILING_SHARE * 100}% of the sgemm ceiling`;
  if (skip.has("gemm")) {
    skipped(
      "GEMM / conv kernels",
      "sgemm ceiling",
      "--skip gemm",
      "kernels",
      ["gemm"],
    );
    return { name, pass: undefined, detail: "" };
  }
  const r = await runDenoChild<KernelsResult>(
    "kernels_run.ts",
    ["--layer", JSON.stringify(layer)],
    { timeoutSeconds: 600 },
  );
  record("kernels", ["gemm"], r, r.ok ? { ...r.value, layer: undefined } : undefined);
  if (!r.ok) {
    rows.push({ section: "GEMM / conv kernels", what: "kernels", value: "failed", note: r.error });
    return { name, pass: undefined, detail: r.error };
  }
  const k = r.value, g = k.layer;
  const shape =
    `${g.batch}×${g.inH}×${g.inW}×${g.inC} → ${g.outH}×${g.outW}×${g.outC}, ${g.kH}×${g.kW} s${g.strideH}`;
  const gf = (x: number) => `${x.toFixed(1)} GFLOP/s`;
  rows.push(
    {
      section: "GEMM / conv kernels",
      what: "OpenBLAS sgemm 2048³ (ceiling)",
      value: gf(k.sgemm2048),
      note: k.blas,
    },
    {
      section: "GEMM / conv kernels",
      what: "OpenBLAS sgemm, layer im2col shape",
      value: gf(k.sgemmLayer),
      note: `[${g.batch * g.outH * g.outW}×${g.kH * g.kW * g.inC}]·[…×${g.outC}]`,
    },
    {
      section: "GEMM / conv kernels",
      what: "conv forward",
      value: gf(k.forward),
      note: `small tier's largest layer: ${shape} (${k.gflop.toFixed(2)} GFLOP)`,
    },
    {
      section: "GEMM / conv kernels",
      what: "conv input gradient",
      value: gf(k.backpropInput),
      note: k.engine,
    },
    {
      section: "GEMM / conv kernels",
      what: "conv filter gradient",
      value: gf(k.backpropFilter),
      note: "",
    },
  );
  results.kernels = k;
  const worst = Math.min(k.forward, k.backpropInput, k.backpropFilter);
  return {
    name,
    pass: worst >= MIN_CEILING_SHARE * k.sgemm2048,
    detail: `slowest ${((100 * worst) / k.sgemm2048).toFixed(0)}% of 2048³`,
  };
}

async function leakCheck(): Promise<Target> {
  const steps = Number(opt["leak-steps"]);
  const tier = opt["leak-tier"] ?? (opt.full ? "small" : "tiny");
  const name = `no tensor leak over ${steps} steps`;
  if (skip.has("leak")) {
    skipped("leak check", name, "--skip leak", "leak", [tier]);
    return { name, pass: undefined, detail: "" };
  }
  const r = await runDenoChild<TierStepResult>("tier_step.ts", [
    "--tier",
    tier,
    "--variant",
    "keypointgan_cycle",
    "--steps",
    String(steps),
  ], { timeoutSeconds: 3600 });
  record(
    "leak",
    [tier],
    r,
    r.ok ? { tensors: r.value.tensorsAfterStep.at(-1), rssMiB: r.value.rssMiB.at(-1) } : undefined,
  );
  if (!r.ok) {
    rows.push({
      section: "leak check",
      what: `${tier} tier, keypointgan_cycle`,
      value: "failed",
      note: r.error,
    });
    return { name, pass: undefined, detail: r.error };
  }
  // The fake pools (50 images) fill during the first steps; compare after that.
  const t = r.value.tensorsAfterStep, rss = r.value.rssMiB;
  const h = Math.max(Math.floor(steps / 2), Math.ceil(50 / TIERS[tier as TierName].batch) + 1);
  if (h >= steps) {
    rows.push({
      section: "leak check",
      what: `${tier} tier`,
      value: "too short",
      note: `needs > ${h} steps`,
    });
    return { name, pass: undefined, detail: "" };
  }
  const grown = t[steps - 1] - t[h - 1], rssGrowth = rss[steps - 1] - rss[h - 1];
  rows.push({
    section: "leak check",
    what: `${tier} tier, keypointgan_cycle, ${steps} steps`,
    value: `${grown >= 0 ? "+" : ""}${grown} tensors`,
    note: `tensors after step ${h}: ${t[h - 1]}, after step ${steps}: ${t[steps - 1]}; RSS ${
      rssGrowth >= 0 ? "+" : ""
    }${rssGrowth.toFixed(0)} MiB`,
  });
  return { name, pass: grown === 0, detail: `${tier} tier (same code path as small)` };
}

await main();
