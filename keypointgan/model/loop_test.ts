import { deepStrictEqual, ok, rejects } from "node:assert/strict";
import { tf } from "../tf.ts";
import { BatchSource } from "./batches.ts";
import { pixelPyramid } from "./features.ts";
import { GanJob, type Job } from "./training_jobs.ts";
import { DivergedError, runLoop } from "./loop.ts";
import { decoder, keypointRegressor, poseEncoder } from "./networks.ts";
import { renderSkeleton } from "./render.ts";
import { fakeDataset } from "./testing/fake_dataset.ts";
import { tinyConfig } from "./testing/tiny_config.ts";
import { Trainer, type TrainerConfig } from "./trainer.ts";
import type { VariantName } from "./variants.ts";

const ds = fakeDataset(16, 0);

function makeJob(variant: VariantName, patch: Partial<TrainerConfig> = {}): GanJob {
  const cfg = { ...tinyConfig(variant), ...patch };
  return new GanJob(new Trainer(cfg, pixelPyramid(16)), new BatchSource(ds, ds.prior), 2, 3);
}

const loopOpts = (workDir: string, steps: number) => ({
  steps,
  logEvery: 1,
  checkpointEvery: 5,
  workDir,
  epochPerStep: 2 / ds.train.count,
});

Deno.test("checkpoint → resume reproduces the next 5 losses of an uninterrupted run", async () => {
  const dirA = await Deno.makeTempDir(), dirB = await Deno.makeTempDir();
  const a = makeJob("keypointgan_cycle");
  const full = await runLoop(a, loopOpts(dirA, 10));
  a.trainer.dispose();
  const b1 = makeJob("keypointgan_cycle");
  await runLoop(b1, loopOpts(dirB, 5));
  b1.trainer.dispose();
  const b2 = makeJob("keypointgan_cycle"); // fresh weights: everything must come from the checkpoint
  const resumed = await runLoop(b2, loopOpts(dirB, 10));
  b2.trainer.dispose();
  deepStrictEqual(resumed.slice(5), full.slice(5));
  deepStrictEqual(resumed.length, 10);
  const text = await Deno.readTextFile(`${dirB}/metrics.jsonl`);
  deepStrictEqual(text.trim().split("\n").length, 10);
  await Deno.remove(dirA, { recursive: true });
  await Deno.remove(dirB, { recursive: true });
});

Deno.test("a weight average: the same losses as without it, and its shadows resume bit for bit", async () => {
  const dirs = [await Deno.makeTempDir(), await Deno.makeTempDir(), await Deno.makeTempDir()];
  const off = makeJob("keypointgan");
  const plain = await runLoop(off, loopOpts(dirs[0], 10));
  off.trainer.dispose();
  const on = makeJob("keypointgan", { weightAverage: 0.9 });
  const full = await runLoop(on, loopOpts(dirs[1], 10));
  deepStrictEqual(full, plain, "training never reads the average");
  const b1 = makeJob("keypointgan", { weightAverage: 0.9 });
  await runLoop(b1, loopOpts(dirs[2], 5));
  b1.trainer.dispose();
  const b2 = makeJob("keypointgan", { weightAverage: 0.9 });
  await runLoop(b2, loopOpts(dirs[2], 10));
  const shadows = (j: GanJob) =>
    j.trainer.average!.entries().map(([n, v]) => [n, Array.from(v.dataSync())]);
  ok(shadows(on).length > 0);
  deepStrictEqual(shadows(b2), shadows(on));
  on.trainer.dispose();
  b2.trainer.dispose();
  for (const d of dirs) await Deno.remove(d, { recursive: true });
});

Deno.test("a NaN loss stops training naming the step and the loss; the last checkpoint stays", async () => {
  const dir = await Deno.makeTempDir();
  const job = makeJob("keypointgan");
  const inner = job.step.bind(job);
  let n = 0;
  const poisoned: Job = {
    lossNames: job.lossNames,
    step: () => {
      const l = inner();
      return ++n === 7 ? { ...l, g_rec: NaN } : l;
    },
    stateTensors: () => job.stateTensors(),
    stateJson: () => job.stateJson(),
    load: (t, j) => job.load(t, j),
  };
  await rejects(runLoop(poisoned, loopOpts(dir, 10)), (e: unknown) => {
    ok(e instanceof DivergedError);
    ok(
      e.message.includes("step 7") && e.message.includes("g_rec") && e.message.includes("step 5"),
      e.message,
    );
    return true;
  });
  const state =
    JSON.parse(await Deno.readTextFile(`${dir}/checkpoint/weights.json`)).metadata.state;
  deepStrictEqual(state.step, 5);
  job.trainer.dispose();
  await Deno.remove(dir, { recursive: true });
});

/** Reconstruction MSE of x̂ = Ψ(β(η(Φ(x))), x′) on a fixed batch. */
function reconstructionError(t: Trainer, x: tf.Tensor4D, xc: tf.Tensor4D): number {
  return tf.tidy(() => {
    const m = { training: true };
    const y = poseEncoder(t.store, x, m);
    const s = renderSkeleton(keypointRegressor(t.store, y), t.cfg.edges, 16, t.cfg.render);
    return tf.mean(tf.squaredDifference(decoder(t.store, s, xc, m), x)).dataSync()[0];
  });
}

Deno.test("a short tiny-tier training run lowers the reconstruction error", async () => {
  const dir = await Deno.makeTempDir();
  const cfg = tinyConfig("keypointgan");
  const job = makeJob("keypointgan", { schedule: { ...cfg.schedule, lr: 5e-3 } });
  const src = new BatchSource(ds, ds.prior);
  const { Rng } = await import("../rng.ts");
  const probe = src.sample(8, new Rng(99));
  const before = reconstructionError(job.trainer, probe.x, probe.xCond);
  await runLoop(job, { ...loopOpts(dir, 30), checkpointEvery: 30 });
  const after = reconstructionError(job.trainer, probe.x, probe.xCond);
  ok(after < 0.95 * before, `reconstruction MSE ${before} → ${after}`);
  tf.dispose([probe.x, probe.xCond, probe.prior]);
  job.trainer.dispose();
  await Deno.remove(dir, { recursive: true });
});
