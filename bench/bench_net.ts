/**
 * bench-net: the reference network of ../shared/bench (7 3×3 convs, batch 16, 64×64×3, ReLU,
 * nearest ×2 upsampling, tanh, L1 loss, Adam(2e-4, 0.5, 0.999)), identical to
 * `tfjs_bench_net.ts` and `torch_bench.py` there. One training step ≈ 22 GFLOP.
 *
 * As a program (a child of bench.ts): `deno run -A bench/bench_net.ts --backend native --steps 5`
 * prints one JSON line.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { initBackend, tf } from "../keypointgan/tf.ts";

/** A bench-net instance: `step()` runs one training step and returns the loss. */
export interface BenchNet {
  step(): Promise<number>;
  dispose(): void;
}

/**
 * Build bench-net on the current backend with a fixed seed. (TF.js treats a random seed of 0
 * as "unseeded", so every derived seed here is ≥ 1.)
 */
export function makeBenchNet(batch = 16, size = 64, seed = 0): BenchNet {
  const s = (i: number) => seed * 1000 + i + 1;
  const conv = (inC: number, outC: number, i: number) =>
    tf.variable(tf.randomNormal([3, 3, inC, outC], 0, Math.sqrt(2 / (9 * inC)), "float32", s(i)));
  const widths: [number, number][] = [
    [3, 32],
    [32, 64],
    [64, 128],
    [128, 128],
    [128, 64],
    [64, 32],
    [32, 3],
  ];
  const w = widths.map(([a, b], i) => conv(a, b, i)) as tf.Variable<tf.Rank.R4>[];
  const net = (x: tf.Tensor4D): tf.Tensor4D => {
    let h = tf.relu(tf.conv2d(x, w[0], 1, "same"));
    h = tf.relu(tf.conv2d(h, w[1], 2, "same"));
    h = tf.relu(tf.conv2d(h, w[2], 2, "same"));
    h = tf.relu(tf.conv2d(h, w[3], 1, "same"));
    h = tf.image.resizeNearestNeighbor(h, [size / 2, size / 2]);
    h = tf.relu(tf.conv2d(h, w[4], 1, "same"));
    h = tf.image.resizeNearestNeighbor(h, [size, size]);
    h = tf.relu(tf.conv2d(h, w[5], 1, "same"));
    return tf.tanh(tf.conv2d(h, w[6], 1, "same"));
  };
  const x = tf.randomNormal([batch, size, size, 3], 0, 1, "float32", s(100)) as tf.Tensor4D;
  const y = tf.randomNormal([batch, size, size, 3], 0, 1, "float32", s(101));
  const opt = tf.train.adam(2e-4, 0.5, 0.999);
  return {
    async step() {
      const loss = opt.minimize(() => tf.mean(tf.abs(tf.sub(net(x), y))) as tf.Scalar, true)!;
      const v = (await loss.data())[0];
      loss.dispose();
      return v;
    },
    dispose() {
      tf.dispose([x, y, ...w]);
      opt.dispose();
    },
  };
}

/** What a bench-net child process measured. */
export interface BenchNetResult {
  backend: string;
  description: string;
  warmupSeconds: number[];
  stepSeconds: number[];
  median: number;
  finalLoss: number;
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Run bench-net on `backend`: `warmup` untimed-for-the-median steps, then `steps` timed ones. */
export async function runBenchNet(
  backend: string,
  steps: number,
  warmup: number,
): Promise<BenchNetResult> {
  let description = "";
  const used = await initBackend(backend, (line) => description = line);
  const net = makeBenchNet();
  const warmupSeconds: number[] = [], stepSeconds: number[] = [];
  let finalLoss = NaN;
  for (let i = 0; i < warmup + steps; i++) {
    const t0 = performance.now();
    finalLoss = await net.step();
    (i < warmup ? warmupSeconds : stepSeconds).push((performance.now() - t0) / 1000);
  }
  net.dispose();
  return {
    backend: used,
    description,
    warmupSeconds,
    stepSeconds,
    median: median(stepSeconds),
    finalLoss,
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      backend: { type: "string", default: "native" },
      steps: { type: "string", default: "5" },
      warmup: { type: "string", default: "2" },
    },
  });
  const r = await runBenchNet(values.backend!, Number(values.steps), Number(values.warmup));
  console.log(JSON.stringify(r));
}
