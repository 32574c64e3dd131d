/**
 * GEMM ceiling and conv-kernel throughput, for `deno task bench` (run as a child process):
 * (1) OpenBLAS sgemm with its own threads at 2048³ and at the im2col shape of `--layer`;
 * (2) our conv engine (the one training uses: the C helper when built, else JS) on that layer:
 * forward, input gradient and filter gradient, in GFLOP/s.
 *
 *   deno run -A bench/kernels_run.ts --layer '<ConvGeometry JSON>' [--reps 5] [--rounds 3]
 *   deno run -A bench/kernels_run.ts --layers FILE.json [--rounds 3]   (every layer of a tier)
 *
 * Prints one JSON line (`KernelsResult`, or `LayersResult` with --layers).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { isBlas, loadBlas } from "../keypointgan/native/blas.ts";
import {
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dForward,
  type ConvGeometry,
} from "../keypointgan/native/conv.ts";
import { loadHelper } from "../keypointgan/native/c_kernels.ts";
import { BufferPool } from "../keypointgan/native/buffer_pool.ts";
import { jsConvEngine } from "../keypointgan/native/prims_js.ts";
import { median } from "./bench_net.ts";

/** What this child measured. */
export interface KernelsResult {
  blas: string;
  engine: string;
  threads: number;
  /** Alternating rounds of (ceiling, forward, input gradient, filter gradient); medians below. */
  rounds: number;
  /** GFLOP/s of OpenBLAS sgemm (its own threads) at 2048³. */
  sgemm2048: number;
  /** GFLOP/s of OpenBLAS sgemm at the layer's forward im2col shape [B·OH·OW, K]·[K, CO]. */
  sgemmLayer: number;
  layer: ConvGeometry;
  gflop: number;
  /** Our conv engine on the layer, GFLOP/s. */
  forward: number;
  backpropInput: number;
  backpropFilter: number;
}

function random(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

/**
 * Median seconds of `f` after one warm-up run: at least `reps` runs and at least 0.3 s of
 * them (small layers take milliseconds, and the machine's load changes by the millisecond).
 */
function time(f: () => void, reps: number, minSeconds = 0.3): number {
  f();
  const ts: number[] = [];
  let total = 0;
  while ((ts.length < reps || total < minSeconds) && ts.length < 500) {
    const t0 = performance.now();
    f();
    const dt = (performance.now() - t0) / 1000;
    ts.push(dt);
    total += dt;
  }
  return median(ts);
}

/**
 * Run the measurements. The ceiling and the conv ops are measured in alternating rounds and
 * each reported value is the median over rounds: this machine's clock (and neighbours) change
 * within seconds, and a share of the ceiling is only meaningful if both saw the same conditions.
 */
export function runKernels(layer: ConvGeometry, reps: number, rounds = 3): KernelsResult {
  const blas = loadBlas();
  if (!isBlas(blas)) throw new Error(`no BLAS: ${blas.reason}`);
  const pool = new BufferPool();
  const helper = loadHelper(blas.path, blas.threads); // the engine training uses
  const engine = "engine" in helper ? helper.engine : jsConvEngine(blas.sgemm, pool);
  const ctx = { engine, pool };
  // OpenBLAS uses its own threads for the ceiling; the C helper pins it to one thread (it
  // parallelises itself), so each ceiling measurement sets them and puts the engine's back.
  const engineThreads = "engine" in helper ? 1 : blas.threads;
  const gemm = (m: number, n: number, k: number) => {
    blas.setThreads(blas.threads);
    const a = random(m * k, 1), b = random(k * n, 2), c = new Float32Array(m * n);
    const r = (2 * m * n * k) /
      time(() => blas.sgemm(false, false, m, n, k, 1, a, b, 0, c), reps) / 1e9;
    blas.setThreads(engineThreads);
    return r;
  };
  const g = layer, K = g.kH * g.kW * g.inC, M = g.batch * g.outH * g.outW;
  const sgemmLayer = gemm(M, g.outC, K);
  const x = random(g.batch * g.inH * g.inW * g.inC, 3), w = random(K * g.outC, 4);
  const y = new Float32Array(M * g.outC),
    dx = new Float32Array(x.length),
    dw = new Float32Array(w.length);
  const flop = 2 * M * K * g.outC;
  const rate = (f: () => void) => flop / time(f, reps) / 1e9;
  const seen = {
    sgemm2048: [] as number[],
    fwd: [] as number[],
    inp: [] as number[],
    filt: [] as number[],
  };
  for (let r = 0; r < rounds; r++) {
    seen.sgemm2048.push(gemm(2048, 2048, 2048));
    seen.fwd.push(rate(() => conv2dForward(ctx, x, w, g, y)));
    seen.inp.push(rate(() => conv2dBackpropInput(ctx, y, w, g, dx)));
    seen.filt.push(rate(() => conv2dBackpropFilter(ctx, x, y, g, dw)));
  }
  return {
    blas: blas.description,
    engine: "engine" in helper ? helper.note : `JS (${helper.reason})`,
    threads: blas.threads,
    rounds,
    sgemm2048: median(seen.sgemm2048),
    sgemmLayer,
    layer,
    gflop: flop / 1e9,
    forward: median(seen.fwd),
    backpropInput: median(seen.inp),
    backpropFilter: median(seen.filt),
  };
}

/** One layer's three conv ops, GFLOP/s (medians over rounds). */
export interface LayerRates {
  layer: ConvGeometry;
  gflop: number;
  forward: number;
  backpropInput: number;
  backpropFilter: number;
}

/** What `--layers` measures: the ceiling and every layer, in alternating rounds. */
export interface LayersResult {
  blas: string;
  engine: string;
  threads: number;
  rounds: number;
  /** The ceiling: per round the faster of the two sgemm 2048³ below; median over rounds. */
  sgemm2048: number;
  sgemm2048Rounds: number[];
  /** GFLOP/s of OpenBLAS sgemm 2048³ with its own threads, per round. */
  openblasRounds: number[];
  /** GFLOP/s of the engine's sgemm 2048³ (thread pool over 1-thread BLAS calls), per round. */
  engineRounds: number[];
  layers: LayerRates[];
}

/**
 * Every layer's forward, input-gradient and filter-gradient throughput, each round measuring the
 * ceiling and then every layer (≥ `minSeconds` of runs per op), so the shares of the ceiling
 * compare numbers taken minutes apart at most.
 */
export function runLayers(layers: ConvGeometry[], rounds = 3, minSeconds = 0.1): LayersResult {
  const blas = loadBlas();
  if (!isBlas(blas)) throw new Error(`no BLAS: ${blas.reason}`);
  const pool = new BufferPool();
  const helper = loadHelper(blas.path, blas.threads);
  const engine = "engine" in helper ? helper.engine : jsConvEngine(blas.sgemm, pool);
  const ctx = { engine, pool };
  const engineThreads = "engine" in helper ? 1 : blas.threads;
  const n = 2048, a = random(n * n, 1), b = random(n * n, 2), c = new Float32Array(n * n);
  const flop2048 = 2 * n ** 3;
  // The ceiling is the faster of OpenBLAS's own threads and our engine's sgemm (its thread
  // pool over single-threaded BLAS calls, as the convs run): on a loaded machine OpenBLAS's
  // threads wait for each other at barriers and its own number drops far below the engine's.
  const ceiling = () => {
    blas.setThreads(blas.threads);
    const own = flop2048 / time(() => blas.sgemm(false, false, n, n, n, 1, a, b, 0, c), 3) / 1e9;
    blas.setThreads(engineThreads);
    const pool = flop2048 / time(() => engine.sgemm(false, false, n, n, n, 1, a, b, 0, c), 3) /
      1e9;
    openblasRounds.push(own);
    engineRounds.push(pool);
    return Math.max(own, pool);
  };
  const openblasRounds: number[] = [], engineRounds: number[] = [];
  const data = layers.map((g, i) => {
    const K = g.kH * g.kW * g.inC, M = g.batch * g.outH * g.outW;
    return {
      g,
      flop: 2 * M * K * g.outC,
      x: random(g.batch * g.inH * g.inW * g.inC, 3 + i),
      w: random(K * g.outC, 4 + i),
      y: new Float32Array(M * g.outC),
      dx: new Float32Array(g.batch * g.inH * g.inW * g.inC),
      dw: new Float32Array(K * g.outC),
      seen: { fwd: [] as number[], inp: [] as number[], filt: [] as number[] },
    };
  });
  const ceilings: number[] = [];
  for (let r = 0; r < rounds; r++) {
    ceilings.push(ceiling());
    for (const d of data) {
      const rate = (f: () => void) => d.flop / time(f, 3, minSeconds) / 1e9;
      d.seen.fwd.push(rate(() => conv2dForward(ctx, d.x, d.w, d.g, d.y)));
      d.seen.inp.push(rate(() => conv2dBackpropInput(ctx, d.y, d.w, d.g, d.dx)));
      d.seen.filt.push(rate(() => conv2dBackpropFilter(ctx, d.x, d.y, d.g, d.dw)));
    }
  }
  return {
    blas: blas.description,
    engine: "engine" in helper ? helper.note : `JS (${helper.reason})`,
    threads: blas.threads,
    rounds,
    sgemm2048: median(ceilings),
    sgemm2048Rounds: ceilings,
    openblasRounds,
    engineRounds,
    layers: data.map((d) => ({
      layer: d.g,
      gflop: d.flop / 1e9,
      forward: median(d.seen.fwd),
      backpropInput: median(d.seen.inp),
      backpropFilter: median(d.seen.filt),
    })),
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      layer: { type: "string" },
      layers: { type: "string" },
      reps: { type: "string", default: "5" },
      rounds: { type: "string", default: "3" },
      "min-seconds": { type: "string", default: "0.1" },
    },
  });
  if (values.layers) {
    const layers = JSON.parse(await Deno.readTextFile(values.layers)) as ConvGeometry[];
    console.log(
      JSON.stringify(runLayers(layers, Number(values.rounds), Number(values["min-seconds"]))),
    );
    Deno.exit(0);
  }
  if (!values.layer) throw new Error("kernels_run: --layer '<ConvGeometry JSON>' is required");
  console.log(
    JSON.stringify(
      runKernels(JSON.parse(values.layer), Number(values.reps), Number(values.rounds)),
    ),
  );
}
