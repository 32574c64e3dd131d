import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { tf } from "../tf.ts";
import type { ArchConfig } from "./arch.ts";
import {
  batchStdChannel,
  decoder,
  discriminator,
  imageDiscriminator,
  initAll,
  keypointHeatmaps,
  keypointRegressor,
  poseEncoder,
} from "./networks.ts";
import { ParamStore } from "./params.ts";
import { Rng } from "../rng.ts";

const TINY: ArchConfig = {
  imageSize: 32,
  width: 0.125,
  numPoints: 5,
  conditional: true,
  dScales: 1,
  dLayers: 3,
  imageDiscriminator: true,
};

Deno.test("paper-tier parameter counts equal the official networks (digest §12)", () => {
  const store = new ParamStore();
  const cfg: ArchConfig = { ...TINY, imageSize: 128, width: 1, numPoints: 32, dScales: 3 };
  initAll(store, cfg, new Rng(0));
  assertEquals(store.count("phi/"), 3_124_801);
  assertEquals(store.count("eta/"), 1_181_184);
  assertEquals(store.count("psi/"), 4_825_635);
  assertEquals(store.count("d/"), 8_288_067);
  store.dispose();
});

Deno.test("every network has the exact output shape at the tiny tier", () => {
  const store = new ParamStore();
  initAll(store, TINY, new Rng(1));
  const mode = { training: true };
  tf.tidy(() => {
    const x = tf.randomUniform([2, 32, 32, 3], -1, 1, "float32", 1) as tf.Tensor4D;
    const y = poseEncoder(store, x, mode);
    assertEquals(y.shape, [2, 32, 32, 1]);
    assertEquals(keypointHeatmaps(store, y).shape, [2, 4, 4, 5]);
    assertEquals(keypointRegressor(store, y).shape, [2, 5, 2]);
    assertEquals(decoder(store, y, x, mode).shape, [2, 32, 32, 3]);
    assertEquals(discriminator(store, y, TINY).map((t) => t.shape), [[2, 2, 2, 1]]);
    assertEquals(imageDiscriminator(store, x, TINY).shape, [2, 2, 2, 1]);
  });
  store.dispose();
});

Deno.test("paper-size D gives 14×14, 6×6 and 2×2 patch maps", () => {
  const store = new ParamStore();
  const cfg: ArchConfig = { ...TINY, imageSize: 128, dScales: 3, imageDiscriminator: false };
  initAll(store, cfg, new Rng(2));
  tf.tidy(() => {
    const y = tf.zeros([1, 128, 128, 1]) as tf.Tensor4D;
    assertEquals(discriminator(store, y, cfg).map((t) => t.shape), [[1, 14, 14, 1], [1, 6, 6, 1], [
      1,
      2,
      2,
      1,
    ]]);
  });
  store.dispose();
});

Deno.test("D's minibatch-sd channel: zero for a batch of one repeated image, one extra weight row", () => {
  const same = tf.tile(tf.randomUniform([1, 4, 4, 3], 0, 1, "float32", 3), [
    4,
    1,
    1,
    1,
  ]) as tf.Tensor4D;
  const varied = tf.randomUniform([4, 4, 4, 3], 0, 1, "float32", 4) as tf.Tensor4D;
  const a = batchStdChannel(same);
  const b = batchStdChannel(varied);
  assertEquals(a.shape, [4, 4, 4, 1]);
  assertEquals(Math.abs(a.dataSync()[0] - 1e-4) < 1e-5, true, `repeated batch: ${a.dataSync()[0]}`);
  assertEquals(b.dataSync()[0] > 0.1, true, `varied batch: ${b.dataSync()[0]}`);
  const plain = new ParamStore();
  const withSd = new ParamStore();
  initAll(plain, TINY, new Rng(1));
  initAll(withSd, { ...TINY, dMinibatchStd: true }, new Rng(1));
  const outC = (st: ParamStore) => st.count("d/s0/out");
  assertEquals(outC(withSd) - outC(plain), 16, "4×4 kernel × 1 extra input channel");
  const y = tf.randomUniform([2, 32, 32, 1], -1, 1, "float32", 5) as tf.Tensor4D;
  const [d] = discriminator(withSd, y, { ...TINY, dMinibatchStd: true });
  assertEquals(d.shape, discriminator(plain, y, TINY)[0].shape);
  tf.dispose([same, varied, a, b, y, d]);
  plain.dispose();
  withSd.dispose();
});

Deno.test("Φ's sigmoid output is sigmoid(linear − 4): in (0, 1), near 0 at init", () => {
  const store = new ParamStore();
  initAll(store, TINY, new Rng(3));
  const mode = { training: false };
  tf.tidy(() => {
    const x = tf.randomUniform([2, 32, 32, 3], -1, 1, "float32", 2) as tf.Tensor4D;
    const lin = poseEncoder(store, x, mode).dataSync();
    const sig = poseEncoder(store, x, mode, "sigmoid").dataSync();
    let worst = 0, mean = 0;
    for (let i = 0; i < lin.length; i++) {
      worst = Math.max(worst, Math.abs(sig[i] - 1 / (1 + Math.exp(4 - lin[i]))));
      mean += sig[i] / lin.length;
      if (!(sig[i] > 0 && sig[i] < 1)) throw new Error(`output ${sig[i]} outside (0, 1)`);
    }
    if (worst > 1e-6) throw new Error(`sigmoid output off by ${worst}`);
    if (!(mean < 0.05)) throw new Error(`a fresh Φ should start near 0, mean ${mean}`);
  });
  store.dispose();
});
