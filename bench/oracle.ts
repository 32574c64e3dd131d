/**
 * The oracle test of KeypointGAN's objective (issue 15): does the reconstruction loss reward the
 * right pose at all? Trains the conditional decoder Ψ(s, x′) alone, on the training pairs of a
 * prepared dataset, with four skeleton inputs s for the target frame x:
 *
 *   (a) truth: β(p_x), the ground-truth skeleton of x (what a perfect Φ∘η would give);
 *   (b) mean:  β(p̄_mean), the mean training pose (what a collapsed Φ gives);
 *   (c) prior: β(p̄), a random prior pose (an uninformative but skeleton-shaped input);
 *   (d) empty: a blank skeleton image (Ψ sees only x′).
 *
 * and reports each one's held-out reconstruction loss on test-video pairs. The *pose gain*
 * (L_mean − L_truth) / L_truth is how much the objective pays for a correct pose: a lever that does
 * not raise it will not make Φ learn (docs/results.md has the table).
 *
 *   deno run -A bench/oracle.ts --data DATASET_DIR [--features pixels|edges|random]
 *     [--pool spatial|global] [--steps 300] [--batch 8] [--lr 1e-3] [--width 0.125] [--seed 0]
 *     [--eval-pairs 128] [--conditions truth,mean,prior,empty] [--json OUT.json]
 *
 * The held-out loss of a condition is the mean over the feature net's layers of the layer's MSE
 * divided by the variance of that layer's target features over the held-out set: unitless and
 * comparable between conditions (and, as a gain, between feature nets).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { readDataset } from "../keypointgan/data/dataset_io.ts";
import { PairSampler, samplePrior } from "../keypointgan/data/pairs.ts";
import type { Dataset } from "../keypointgan/data/types.ts";
import { meanPose } from "../keypointgan/eval/baselines.ts";
import { SKELETONS } from "../keypointgan/skeletons.ts";
import { initBackend, tf } from "../keypointgan/tf.ts";
import { Adam } from "../keypointgan/model/adam.ts";
import { type AppearancePool, type ArchConfig } from "../keypointgan/model/arch.ts";
import { imagesToTensor } from "../keypointgan/model/batches.ts";
import { type OfflineFeatureKind, offlineFeatureNet } from "../keypointgan/model/features.ts";
import { decoder, initDecoder } from "../keypointgan/model/networks.ts";
import { ParamStore } from "../keypointgan/model/params.ts";
import { ReconstructionLoss } from "../keypointgan/model/reconstruction.ts";
import { DEFAULT_RENDER, renderSkeleton } from "../keypointgan/model/render.ts";
import { Rng } from "../keypointgan/rng.ts";

/** The four skeleton inputs of the oracle. */
export const CONDITIONS = ["truth", "mean", "prior", "empty"] as const;
export type Condition = typeof CONDITIONS[number];

/** Settings of one oracle run. */
export interface OracleOptions {
  readonly features: OfflineFeatureKind;
  readonly pool: AppearancePool;
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly width: number;
  readonly seed: number;
  readonly evalPairs: number;
  readonly sigma: number;
  readonly conditions: readonly Condition[];
}

/** What one oracle run measured. */
export interface OracleResult {
  readonly dataset: string;
  readonly options: OracleOptions;
  /** Held-out loss per condition (unitless, see the module doc). */
  readonly heldOut: Partial<Record<Condition, number>>;
  /** (L_mean − L_truth) / L_truth, when both ran. */
  readonly poseGain: number | null;
  readonly seconds: number;
}

/** Run the oracle on a dataset in memory. */
export function runOracle(ds: Dataset, o: OracleOptions): OracleResult {
  const t0 = performance.now();
  const S = ds.header.imageSize, K = ds.header.numPoints;
  const edges = SKELETONS[ds.header.kind].edges;
  const render = { ...DEFAULT_RENDER, sigma: o.sigma };
  const net = offlineFeatureNet(o.features, S);
  const mean = meanPose(ds.train.keypoints, ds.train.count, K);
  const skeleton = (c: Condition, truth: Float32Array, n: number, rng: Rng): tf.Tensor4D =>
    tf.tidy(() => {
      if (c === "empty") return tf.fill([n, S, S, 1], -1) as tf.Tensor4D;
      const pts = c === "truth"
        ? truth
        : c === "mean"
        ? Float32Array.from({ length: n * K * 2 }, (_, i) => mean[i % (K * 2)])
        : samplePrior(ds.prior, n, rng);
      return renderSkeleton(tf.tensor3d(pts, [n, K, 2]), edges, S, render);
    });
  // A fixed held-out set: test-video pairs (x, x′), the same for every condition.
  const evalRng = Rng.derive(o.seed, "oracle/eval");
  const test = new PairSampler(ds.test, ds.header).sample(o.evalPairs, evalRng);
  const all = Array.from({ length: o.evalPairs }, (_, i) => i);
  const xEval = imagesToTensor(test.x, S, all);
  const cEval = imagesToTensor(test.xCond, S, all);
  const targetFeatures = net.features(xEval).map((f) => tf.keep(f));
  const variances = targetFeatures.map((f) =>
    tf.moments(f, [0, 1, 2]).variance.mean().dataSync()[0]
  );
  const heldOut: Partial<Record<Condition, number>> = {};
  const arch: ArchConfig = {
    imageSize: S,
    width: o.width,
    numPoints: K,
    conditional: true,
    dScales: 1,
    dLayers: 1,
    imageDiscriminator: false,
    appearancePool: o.pool,
  };
  for (const c of o.conditions) {
    const store = new ParamStore();
    initDecoder(store, arch, Rng.derive(o.seed, "oracle/init"));
    const adam = new Adam("psi", { lr: o.lr, beta1: 0.5, beta2: 0.999, eps: 1e-8, clip: 0 });
    const rec = new ReconstructionLoss("perceptual", net);
    const pairs = new PairSampler(ds.train, ds.header);
    const rng = Rng.derive(o.seed, "oracle/train"); // same batches for every condition
    const entries = store.trainableEntries(["psi/"]);
    const byTf = new Map(entries.map(([n, v]) => [v.name, n]));
    for (let step = 0; step < o.steps; step++) {
      const pb = pairs.sample(o.batch, rng);
      const idx = Array.from({ length: o.batch }, (_, i) => i);
      const x = imagesToTensor(pb.x, S, idx), xc = imagesToTensor(pb.xCond, S, idx);
      const s = skeleton(c, pb.keypoints, o.batch, rng);
      const { value, grads } = tf.variableGrads(
        () => rec.call(decoder(store, s, xc, { training: true }, o.pool), x),
        entries.map(([, v]) => v),
      );
      const named: tf.NamedTensorMap = {};
      for (const [k, g] of Object.entries(grads)) named[byTf.get(k)!] = g;
      adam.apply(Object.fromEntries(entries), named, o.lr);
      tf.dispose([value, ...Object.values(grads), x, xc, s]);
    }
    // Held-out: eval-mode BatchNorm, in chunks of the batch size.
    const sums = targetFeatures.map(() => 0);
    for (let i = 0; i < o.evalPairs; i += o.batch) {
      const n = Math.min(o.batch, o.evalPairs - i);
      tf.tidy(() => {
        const truth = test.keypoints.subarray(i * K * 2, (i + n) * K * 2);
        const s = skeleton(c, truth, n, Rng.derive(o.seed + i, "oracle/eval-prior"));
        const xHat = decoder(store, s, tf.slice(cEval, i, n), { training: false }, o.pool);
        net.features(xHat).forEach((f, l) => {
          const target = tf.slice(targetFeatures[l], i, n);
          sums[l] += tf.sum(tf.squaredDifference(f, target)).dataSync()[0] / (f.size / n);
        });
      });
    }
    heldOut[c] = sums.reduce((a, v, l) => a + v / o.evalPairs / variances[l], 0) / sums.length;
    store.dispose();
    adam.dispose();
  }
  tf.dispose([xEval, cEval, ...targetFeatures]);
  net.dispose();
  const poseGain = heldOut.truth !== undefined && heldOut.mean !== undefined
    ? (heldOut.mean - heldOut.truth) / heldOut.truth
    : null;
  return {
    dataset: ds.header.name,
    options: o,
    heldOut,
    poseGain,
    seconds: (performance.now() - t0) / 1000,
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      data: { type: "string" },
      features: { type: "string", default: "pixels" },
      pool: { type: "string", default: "spatial" },
      steps: { type: "string", default: "300" },
      batch: { type: "string", default: "8" },
      lr: { type: "string", default: "1e-3" },
      width: { type: "string", default: "0.125" },
      sigma: { type: "string", default: "0.2" },
      seed: { type: "string", default: "0" },
      "eval-pairs": { type: "string", default: "128" },
      conditions: { type: "string", default: CONDITIONS.join(",") },
      json: { type: "string" },
      backend: { type: "string", default: "auto" },
    },
  });
  const fail = (msg: string): never => {
    console.error(`oracle: ${msg}`);
    Deno.exit(2);
  };
  if (!values.data) fail("--data DATASET_DIR is required (a prepare_data artifact directory)");
  if (!["pixels", "edges", "random"].includes(values.features!)) {
    fail(`--features ${values.features}: expected pixels, edges or random`);
  }
  if (!["spatial", "global"].includes(values.pool!)) {
    fail(`--pool ${values.pool}: expected spatial or global`);
  }
  const conditions = values.conditions!.split(",").map((c) => c.trim());
  for (const c of conditions) {
    if (!CONDITIONS.includes(c as Condition)) {
      fail(`--conditions: unknown condition "${c}" (expected ${CONDITIONS.join(", ")})`);
    }
  }
  const num = (name: string, v: string | undefined): number => {
    const n = Number(v);
    return Number.isFinite(n) && n > 0 || (name === "seed" && n === 0)
      ? n
      : fail(`--${name} ${v}: expected a positive number`);
  };
  await initBackend(values.backend!);
  const ds = await readDataset(values.data!);
  const o: OracleOptions = {
    features: values.features as OfflineFeatureKind,
    pool: values.pool as AppearancePool,
    steps: num("steps", values.steps),
    batch: num("batch", values.batch),
    lr: num("lr", values.lr),
    width: num("width", values.width),
    sigma: num("sigma", values.sigma),
    seed: num("seed", values.seed),
    evalPairs: num("eval-pairs", values["eval-pairs"]),
    conditions: conditions as Condition[],
  };
  const r = runOracle(ds, o);
  const cells = CONDITIONS.filter((c) => r.heldOut[c] !== undefined)
    .map((c) => `${c}=${r.heldOut[c]!.toFixed(4)}`).join(" ");
  console.log(
    `oracle ${ds.header.name} features=${o.features} pool=${o.pool} steps=${o.steps} ${cells} ` +
      `pose_gain=${r.poseGain === null ? "n/a" : (100 * r.poseGain).toFixed(1) + "%"} ` +
      `(${r.seconds.toFixed(0)} s)`,
  );
  if (values.json) await Deno.writeTextFile(values.json, JSON.stringify(r, null, 2) + "\n");
}
