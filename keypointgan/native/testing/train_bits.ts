/**
 * Trains a small KeypointGAN (keypointgan_cycle: Φ, η, Ψ, D and D_B) for a few steps on the
 * `native` backend and prints a digest of every weight's bits, for `train_bits_test.ts`, which
 * runs it with 1 and 2 threads. Random batches (seeded): the digest depends only on the code.
 * Prints `skip: <reason>` when the native backend cannot load here.
 *
 *   deno run -A keypointgan/native/testing/train_bits.ts [--size 64] [--width 0.125] [--batch 4]
 *     [--steps 2] [--variant keypointgan_cycle]
 */
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import { nativeSkipReason } from "../test_util.ts";
import { tf } from "../../tf.ts";
import { pixelPyramid } from "../../model/features.ts";
import { tinyConfig } from "../../model/testing/tiny_config.ts";
import { Trainer } from "../../model/trainer.ts";
import type { VariantName } from "../../model/variants.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    size: { type: "string", default: "64" },
    width: { type: "string", default: "0.125" },
    batch: { type: "string", default: "4" },
    steps: { type: "string", default: "2" },
    variant: { type: "string", default: "keypointgan_cycle" },
    /** Train another model first in the same process (history must not change the bits). */
    warmup: { type: "boolean", default: false },
  },
});

if (nativeSkipReason !== undefined) {
  console.log(`skip: ${nativeSkipReason}`);
} else {
  await tf.setBackend("native");
  if (values.warmup) {
    const other = tinyConfig("cyclegan", 7);
    const t = new Trainer(
      { ...other, arch: { ...other.arch, imageSize: 32, dLayers: 3 } },
      pixelPyramid(32),
    );
    for (let i = 0; i < 2; i++) {
      const x = tf.randomUniform([3, 32, 32, 3], -1, 1, "float32", 100 + i) as tf.Tensor4D;
      const p = tf.randomUniform(
        [3, other.arch.numPoints, 2],
        -0.8,
        0.8,
        "float32",
        200 + i,
      ) as tf.Tensor3D;
      t.step({ x, xCond: x, prior: p });
      tf.dispose([x, p]);
    }
    t.dispose();
  }
  const base = tinyConfig(values.variant as VariantName, 3);
  const size = Number(values.size), width = Number(values.width);
  // dLayers 3 (the small tier's) leaves output patches from 32 px up; tiny's 2 below that.
  const cfg = {
    ...base,
    arch: {
      ...base.arch,
      imageSize: size,
      width,
      etaWidth: 2 * width,
      dLayers: size >= 32 ? 3 : 2,
    },
  };
  const features = pixelPyramid(size);
  const trainer = new Trainer(cfg, features);
  const b = Number(values.batch), k = cfg.arch.numPoints;
  for (let i = 0; i < Number(values.steps); i++) {
    const x = tf.randomUniform([b, size, size, 3], -1, 1, "float32", 4 * i + 1) as tf.Tensor4D;
    const xCond = tf.randomUniform([b, size, size, 3], -1, 1, "float32", 4 * i + 2) as tf.Tensor4D;
    const prior = tf.randomUniform([b, k, 2], -0.8, 0.8, "float32", 4 * i + 3) as tf.Tensor3D;
    trainer.step({ x, xCond, prior });
    tf.dispose([x, xCond, prior]);
  }
  const hash = createHash("sha256");
  for (const [name, v] of trainer.store.entries()) {
    hash.update(name);
    hash.update(new Uint8Array((v.dataSync() as Float32Array).slice().buffer));
  }
  trainer.dispose();
  features.dispose();
  console.log(hash.digest("hex"));
}
