import { deepStrictEqual, ok } from "node:assert/strict";
import { tf } from "../tf.ts";
import { BatchSource, disposeBatch } from "./batches.ts";
import { pixelPyramid } from "./features.ts";
import { decoder, keypointRegressor, poseEncoder } from "./networks.ts";
import { renderSkeleton } from "./render.ts";
import { Rng } from "../rng.ts";
import { fakeDataset } from "./testing/fake_dataset.ts";
import { tinyConfig } from "./testing/tiny_config.ts";
import { lossNames, Trainer } from "./trainer.ts";
import { VARIANT_NAMES, type VariantName } from "./variants.ts";

const ds = fakeDataset(16, 0);

function run(variant: VariantName, steps: number, onStep?: (i: number, t: Trainer) => void) {
  const cfg = tinyConfig(variant);
  const t = new Trainer(cfg, pixelPyramid(16));
  const src = new BatchSource(ds, ds.prior);
  const rng = new Rng(7);
  const losses: Record<string, number>[] = [];
  for (let i = 1; i <= steps; i++) {
    const b = src.sample(2, rng, cfg.flags.supervised);
    losses.push(t.step(b));
    disposeBatch(b);
    onStep?.(i, t);
  }
  return { t, losses };
}

Deno.test("every variant runs a step and reports exactly its declared losses", () => {
  for (const v of VARIANT_NAMES) {
    const { t, losses } = run(v, 1);
    deepStrictEqual(Object.keys(losses[0]).sort(), lossNames(t.cfg.flags).sort(), v);
    ok(Object.values(losses[0]).every(Number.isFinite), v);
    t.dispose();
  }
});

Deno.test("total losses equal the weighted sums of their parts", () => {
  const { t, losses } = run("keypointgan_cycle", 2);
  const w = t.cfg.weights;
  for (const l of losses) {
    const g = w.adv * l.g_adv + w.rec * l.g_rec + w.cycle * l.g_cycle + w.advImage * l.g_adv_image;
    ok(Math.abs(l.g_total - g) < 1e-4 * Math.max(1, Math.abs(g)), `g_total ${l.g_total} vs ${g}`);
    const e = w.etaReal * l.eta_real + w.etaFake * l.eta_fake;
    ok(Math.abs(l.eta - e) < 1e-6, `eta ${l.eta} vs ${e}`);
  }
  // The perceptual loss is normalised by its own running mean: exactly 1 at the first step.
  ok(Math.abs(losses[0].g_rec - 1) < 1e-6, `first g_rec ${losses[0].g_rec}`);
  t.dispose();
});

Deno.test("tf.memory().numTensors is the same after step 2 and step 20", () => {
  const counts: number[] = [];
  const { t } = run("keypointgan_cycle", 20, (i) => {
    if (i === 2 || i === 20) counts.push(tf.memory().numTensors);
  });
  // The fake pools grow by one image per sample until full (50); account for that growth.
  const poolGrowth = 2 * (Math.min(50, 40) - Math.min(50, 4));
  deepStrictEqual(counts[1] - counts[0], poolGrowth);
  t.dispose();
});

Deno.test("with the bottleneck, the reconstruction loss reaches Φ through η and β", () => {
  // x̂ = Ψ(β(η(Φ(x))), x′): if β or η cut the gradient, Φ would learn from D alone.
  const cfg = tinyConfig("keypointgan");
  ok(cfg.flags.bottleneck, "keypointgan has the skeleton bottleneck");
  const t = new Trainer(cfg, pixelPyramid(16));
  const b = new BatchSource(ds, ds.prior).sample(2, new Rng(3));
  const phi = t.store.trainable(["phi/"]);
  const { value, grads } = tf.variableGrads(() => {
    const y = poseEncoder(t.store, b.x, { training: true });
    const s = renderSkeleton(keypointRegressor(t.store, y), cfg.edges, 16, cfg.render);
    return t.rec.call(decoder(t.store, s, b.xCond, { training: true }), b.x);
  }, phi);
  const norms = Object.values(grads).map((g) => tf.norm(g).dataSync()[0]);
  ok(norms.every(Number.isFinite), "finite gradients");
  ok(norms.filter((n) => n > 0).length >= phi.length / 2, `non-zero on Φ: ${norms.join(", ")}`);
  tf.dispose([value, ...Object.values(grads)]);
  disposeBatch(b);
  t.dispose();
});

Deno.test("D's instance noise: annealed to 0, seeded by the iteration, changes only D's inputs", () => {
  const go = (dNoise?: { sigma: number; steps: number }) => {
    const cfg = { ...tinyConfig("keypointgan"), dNoise };
    const t = new Trainer(cfg, pixelPyramid(16));
    const src = new BatchSource(ds, ds.prior);
    const rng = new Rng(7);
    const rows: Record<string, number>[] = [];
    for (let i = 1; i <= 3; i++) {
      const b = src.sample(2, rng, false);
      rows.push(t.step(b));
      disposeBatch(b);
    }
    const before = tf.memory().numTensors;
    const b = src.sample(2, rng, false);
    t.step(b);
    disposeBatch(b);
    const leaked = tf.memory().numTensors - before;
    t.dispose();
    return { rows, leaked };
  };
  const off = go();
  const zero = go({ sigma: 0, steps: 10 });
  const on = go({ sigma: 0.5, steps: 2 });
  const again = go({ sigma: 0.5, steps: 2 });
  deepStrictEqual(zero.rows, off.rows, "sigma 0 is the official path, bit for bit");
  deepStrictEqual(on.rows, again.rows, "same seed, same noise");
  ok(on.rows[0].d !== off.rows[0].d, "noise reaches D at step 1");
  // The reconstruction at step 1 does not see the noise (D's inputs only).
  deepStrictEqual(on.rows[0].g_rec, off.rows[0].g_rec);
  // Annealed: sd 0.5 × (1 − 2/2) = 0 at step 3, so step 3's D input is the plain image again;
  // (the weights differ by then, so only the schedule itself is checked here).
  const t = new Trainer(
    { ...tinyConfig("keypointgan"), dNoise: { sigma: 0.5, steps: 2 } },
    pixelPyramid(16),
  );
  const s: number[] = [];
  for (let i = 1; i <= 3; i++) {
    t.iteration = i;
    s.push(t.dNoiseSigma);
  }
  deepStrictEqual(s, [0.5, 0.25, 0]);
  t.dispose();
  // (the fake pool grows by the batch each step; the noise adds nothing to that)
  deepStrictEqual(on.leaked, off.leaked, "no tensor left behind by the noise");
});

Deno.test("equivariance: weight 0 is the official path; on, it logs g_equi and enters g_total", () => {
  const go = (equivariance?: number) => {
    const cfg = { ...tinyConfig("keypointgan"), equivariance };
    const t = new Trainer(cfg, pixelPyramid(16));
    const b = new BatchSource(ds, ds.prior).sample(2, new Rng(7), false);
    const row = t.step(b);
    disposeBatch(b);
    const names = t.lossNames;
    t.dispose();
    return { row, names };
  };
  const off = go(), zero = go(0), on = go(50);
  deepStrictEqual(zero.row, off.row, "weight 0 changes no bit");
  ok(!off.names.includes("g_equi") && on.names.includes("g_equi"));
  ok(on.row.g_equi > 0, `g_equi ${on.row.g_equi}`);
  const w = tinyConfig("keypointgan").weights;
  const g = w.adv * on.row.g_adv + w.rec * on.row.g_rec + 50 * on.row.g_equi;
  ok(Math.abs(on.row.g_total - g) < 1e-4 * g, `g_total ${on.row.g_total} vs ${g}`);
});

Deno.test("dLrScale scales only D's step", () => {
  const go = (dLrScale?: number) => {
    const t = new Trainer({ ...tinyConfig("keypointgan"), dLrScale }, pixelPyramid(16));
    const src = new BatchSource(ds, ds.prior), rng = new Rng(7);
    const rows = [1, 2].map(() => {
      const b = src.sample(2, rng, false);
      const r = t.step(b);
      disposeBatch(b);
      return r;
    });
    t.dispose();
    return rows;
  };
  const off = go(), one = go(1), slow = go(0.1);
  deepStrictEqual(one, off);
  deepStrictEqual(slow[0].g_rec, off[0].g_rec, "step 1's G step comes before any D update");
  ok(slow[1].d !== off[1].d, "D's second loss differs once its first update was smaller");
});
