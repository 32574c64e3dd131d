import { deepStrictEqual, ok } from "node:assert/strict";
import { join } from "node:path";
import { tf } from "../tf.ts";
import { createPredictor } from "./export/predictor.js";
import {
  loadTrainedModel,
  predictKeypoints,
  renderFromKeypoints,
  skeletonImages,
  swapAppearance,
} from "./infer.ts";
import { type CommonParams, runPretrain, runTrain, type TrainParams } from "./run.ts";
import { FAKE_EDGES, fakeDataset } from "./testing/fake_dataset.ts";
import { readWeightsRaw } from "./weights_io.ts";

const ds = fakeDataset(16, 1);
const common: CommonParams = {
  seed: 0,
  tier: "tiny",
  backend: "cpu",
  priorSize: 0,
  priorSeed: 0,
  width: 0.0625,
  etaWidth: 0.0625,
  batch: 2,
  steps: 4,
  lr: 2e-4,
  lrSchedule: "constant",
  lrWarmup: 0,
  lrStepEvery: 1000,
  lrStepFactor: 0.5,
  beta1: 0.5,
  beta2: 0.999,
  clip: 1,
  sigma: 0.2,
  distance: "linear",
  logEvery: 2,
  checkpointEvery: 2,
};
const train: TrainParams = {
  ...common,
  variant: "keypointgan",
  conditional: null,
  bottleneck: null,
  secondCycle: null,
  dScales: 1,
  dLayers: 2,
  lambdaAdv: 10,
  lambdaRec: 10,
  lambdaCycle: 10,
  lambdaAdvImage: 10,
  etaReal: 0.9,
  etaFake: 0.1,
  finetuneEta: true,
  dNoise: 0,
  dMinibatchStd: false,
  dNoiseSteps: 0,
  equivariance: 0,
  dLrScale: 1,
  weightAverage: 0,
  phiOutput: "linear",
  poolSize: 50,
  reconstruction: "perceptual",
  perceptualNet: "pixels",
  appearancePool: "spatial",
  perceptualPath: "",
  vggRelu: false,
  vggChannelOrder: "bgr",
  emaMu: 0.99,
  evalEvery: 2,
  evalFrames: 8,
};

async function pipeline(root: string, trainParams: TrainParams = train) {
  const hooks = (name: string) => ({
    workDir: join(root, name, "work"),
    outDir: join(root, name, "out"),
    backend: "cpu",
    edges: FAKE_EDGES,
  });
  await Deno.mkdir(join(root, "pre", "out"), { recursive: true });
  await Deno.mkdir(join(root, "train", "out"), { recursive: true });
  await runPretrain(common, ds, hooks("pre"));
  await runTrain(trainParams, ds, join(root, "pre", "out", "regressor"), hooks("train"));
  return join(root, "train", "out");
}

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) {
      for (const [k, v] of Object.entries(await tree(p))) out[`${e.name}/${k}`] = v;
    } else {out[e.name] = Array.from(
        new Uint8Array(await crypto.subtle.digest("SHA-256", await Deno.readFile(p))),
      )
        .map((b) => b.toString(16).padStart(2, "0")).join("");}
  }
  return out;
}

Deno.test("pretrain → train writes the declared outputs, byte-identical for the same seed (timing.json aside)", async () => {
  const a = await pipeline(await Deno.makeTempDir()), b = await pipeline(await Deno.makeTempDir());
  const ta = await tree(a), tb = await tree(b);
  deepStrictEqual(Object.keys(ta).sort(), [
    "metrics.jsonl",
    "model/weights.bin",
    "model/weights.json",
    "predictor/model.json",
    "predictor/predictor.js",
    "predictor/weights.bin",
    "timing.json",
    "train.json",
  ]);
  delete ta["timing.json"], delete tb["timing.json"];
  deepStrictEqual(ta, tb);
  const info = JSON.parse(await Deno.readTextFile(join(a, "train.json")));
  deepStrictEqual(info.perceptual, "pixels");
  deepStrictEqual(info.flags, {
    conditional: true,
    bottleneck: true,
    secondCycle: "none",
    supervised: false,
  });

  // Inference API and the browser export agree on the same images.
  const model = await loadTrainedModel(a);
  const n = 3, px = 16 * 16 * 3, imgs = ds.test.images.subarray(0, n * px);
  const kp = predictKeypoints(model, imgs, n);
  deepStrictEqual(kp.length, n * 5 * 2);
  ok(kp.every((v) => v >= -1 && v <= 1));
  deepStrictEqual(skeletonImages(model, imgs, n).length, n * 16 * 16);
  deepStrictEqual(swapAppearance(model, imgs, imgs.slice().reverse(), n).length, n * px);
  deepStrictEqual(renderFromKeypoints(model, kp, imgs, n).length, n * px);
  const cfg = JSON.parse(await Deno.readTextFile(join(a, "predictor/model.json")));
  const bin = (await Deno.readFile(join(a, "predictor/weights.bin"))).buffer;
  const p = createPredictor(tf, cfg, bin);
  const kp2 = p.predict(imgs, n) as Float32Array;
  ok(
    kp2.every((v, i) => Math.abs(v - kp[i]) < 1e-5),
    "exported predictor matches predictKeypoints",
  );
  p.dispose();
  model.dispose();
});

Deno.test("a sigmoid-Φ model: inference and the browser export both apply it, and agree", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = await pipeline(root, { ...train, steps: 2, phiOutput: "sigmoid" });
    const model = await loadTrainedModel(dir);
    deepStrictEqual(model.meta.arch.phiOutput, "sigmoid");
    const n = 2, imgs = ds.test.images.subarray(0, n * 16 * 16 * 3);
    ok(skeletonImages(model, imgs, n).every((v) => v > 0 && v < 1), "Φ's output in (0, 1)");
    const kp = predictKeypoints(model, imgs, n);
    const cfg = JSON.parse(await Deno.readTextFile(join(dir, "predictor/model.json")));
    deepStrictEqual(cfg.phiOutput, "sigmoid");
    const bin = (await Deno.readFile(join(dir, "predictor/weights.bin"))).buffer;
    const exported = createPredictor(tf, cfg, bin);
    const kp2 = exported.predict(imgs, n) as Float32Array;
    ok(kp2.every((v, i) => Math.abs(v - kp[i]) < 1e-5), "export matches predictKeypoints");
    exported.dispose();
    model.dispose();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a weight average: the live run's errors are logged beside it, and the model is the average", async () => {
  const root = await Deno.makeTempDir();
  try {
    const live = await pipeline(join(root, "a"), { ...train, steps: 4 });
    const avg = await pipeline(join(root, "b"), { ...train, steps: 4, weightAverage: 0.5 });
    const rows = async (d: string) =>
      (await Deno.readTextFile(join(d, "metrics.jsonl"))).trim().split("\n").map((l) =>
        JSON.parse(l)
      );
    const [ra, rb] = [await rows(live), await rows(avg)];
    for (const [a, b] of ra.map((r, i) => [r, rb[i]])) {
      deepStrictEqual(b.g_total, a.g_total, "the same training trajectory");
      deepStrictEqual(b.val_err_live, a.val_err, "val_err_live is the live weights' error");
      ok(Number.isFinite(b.val_err) && b.val_err !== a.val_err, "val_err is the average's");
    }
    const [wa, wb] = [
      (await readWeightsRaw(join(live, "model"))).raw,
      (await readWeightsRaw(join(avg, "model"))).raw,
    ];
    deepStrictEqual(Object.keys(wb), Object.keys(wa));
    for (const name of Object.keys(wa)) {
      const same = wa[name].data.every((v, i) => v === wb[name].data[i]);
      if (name.startsWith("d/")) ok(same, `${name}: D is not averaged`);
      if (name.endsWith("/w") && /^(phi|psi)\//.test(name)) ok(!same, `${name} is averaged`);
    }
    deepStrictEqual(
      JSON.parse(await Deno.readTextFile(join(avg, "train.json"))).weightAverage,
      0.5,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
