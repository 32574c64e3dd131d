/**
 * Layers as plain functions over a `ParamStore`, NHWC, reproducing PyTorch semantics
 * (digest §12): symmetric conv padding (TF.js explicit numeric padding), bilinear resizing
 * with `align_corners=False` written with differentiable slices (TF.js's CPU
 * `ResizeBilinearGrad` ignores half-pixel centres, so `tf.image.resizeBilinear` would give
 * wrong gradients), InstanceNorm via moments, BatchNorm with running statistics.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { ParamStore } from "./params.ts";

/** PyTorch norm epsilon (digest §2.6). */
export const NORM_EPS = 1e-5;
/** PyTorch BatchNorm momentum (digest §2.6). */
export const BN_MOMENTUM = 0.1;

/** Forward-pass mode: BatchNorm uses batch statistics (and updates running ones) when training. */
export interface Mode {
  readonly training: boolean;
}

/** Conv2d with PyTorch's symmetric zero padding `pad` and stride; bias if the store has one. */
export function conv2d(
  store: ParamStore,
  name: string,
  x: tf.Tensor4D, // [B, H, W, Cin]
  stride: number,
  pad: number,
): tf.Tensor4D {
  const w = store.get(`${name}/w`) as tf.Tensor4D; // [k, k, Cin, Cout]
  // A numeric pad is TF.js's explicit symmetric zero padding: PyTorch's `padding=pad`, without
  // a separate Pad op (and its gradient) per layer.
  const y = tf.conv2d(x, w, stride, pad > 0 ? pad : "valid");
  return store.has(`${name}/b`) ? tf.add(y, store.get(`${name}/b`)) : y;
}

/** InstanceNorm2d(affine=False): per-sample, per-channel statistics over H×W. */
export function instanceNorm(x: tf.Tensor4D): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [1, 2], true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, NORM_EPS)));
}

/**
 * BatchNorm2d. Training: batch statistics (biased variance) normalise, and the running
 * statistics move by momentum 0.1 using the unbiased variance, exactly as PyTorch.
 * Evaluation: running statistics.
 */
export function batchNorm(
  store: ParamStore,
  name: string,
  x: tf.Tensor4D,
  mode: Mode,
): tf.Tensor4D {
  const gamma = store.get(`${name}/gamma`);
  const beta = store.get(`${name}/beta`);
  const runMean = store.get(`${name}/mean`);
  const runVar = store.get(`${name}/var`);
  if (!mode.training) {
    return tf.add(
      tf.mul(tf.div(tf.sub(x, runMean), tf.sqrt(tf.add(runVar, NORM_EPS))), gamma),
      beta,
    );
  }
  const { mean, variance } = tf.moments(x, [0, 1, 2]); // [C], [C]
  const n = x.shape[0] * x.shape[1] * x.shape[2];
  tf.tidy(() => {
    const unbiased = tf.mul(variance, n / Math.max(n - 1, 1));
    runMean.assign(tf.add(tf.mul(runMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
    runVar.assign(tf.add(tf.mul(runVar, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
  });
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, NORM_EPS))), gamma), beta);
}

/** LeakyReLU with PyTorch's CycleGAN slope 0.2. */
export function leakyRelu(x: tf.Tensor4D): tf.Tensor4D {
  return tf.leakyRelu(x, 0.2);
}

/**
 * ×2 bilinear upsampling, PyTorch `align_corners=False`: output i samples the input at
 * i/2 − 1/4, i.e. 0.75·x[k] + 0.25·x[k∓1] with edge clamping.
 */
export function upsample2x(x: tf.Tensor4D): tf.Tensor4D {
  return upsampleAxis(upsampleAxis(x, 1), 2);
}

function upsampleAxis(x: tf.Tensor4D, axis: 1 | 2): tf.Tensor4D {
  const n = x.shape[axis];
  const first = sliceAxis(x, axis, 0, 1);
  const last = sliceAxis(x, axis, n - 1, 1);
  const prev = n > 1 ? tf.concat([first, sliceAxis(x, axis, 0, n - 1)], axis) : first;
  const next = n > 1 ? tf.concat([sliceAxis(x, axis, 1, n - 1), last], axis) : last;
  const even = tf.add(tf.mul(x, 0.75), tf.mul(prev, 0.25));
  const odd = tf.add(tf.mul(x, 0.75), tf.mul(next, 0.25));
  const [b, h, w, c] = x.shape;
  const both = tf.stack([even, odd], axis + 1); // interleave along `axis`
  return (axis === 1
    ? tf.reshape(both, [b, 2 * h, w, c])
    : tf.reshape(both, [b, h, 2 * w, c])) as tf.Tensor4D;
}

function sliceAxis(x: tf.Tensor4D, axis: 1 | 2, start: number, size: number): tf.Tensor4D {
  const begin = [0, 0, 0, 0];
  const sz = [-1, -1, -1, -1];
  begin[axis] = start;
  sz[axis] = size;
  return tf.slice(x, begin, sz);
}

/**
 * Bilinear downsampling by an even integer factor f, PyTorch `align_corners=False`, no
 * anti-aliasing: output i samples the input at f·i + (f−1)/2, the mean of pixels
 * f·i + f/2 − 1 and f·i + f/2 along each axis (f = 2 is 2×2 average pooling).
 */
export function downsampleBilinear(x: tf.Tensor4D, f: number): tf.Tensor4D {
  if (f === 1) return x;
  if (f % 2 !== 0) throw new RangeError(`Cannot downsample by ${f}: the factor must be even`);
  const [b, h, w, c] = x.shape;
  if (h % f !== 0 || w % f !== 0) {
    throw new RangeError(`Cannot downsample ${h}×${w} by ${f}: the size must be divisible`);
  }
  const r = tf.reshape(x, [b, h / f, f, w / f, f, c]);
  const s = tf.slice(r, [0, 0, f / 2 - 1, 0, f / 2 - 1, 0], [-1, -1, 2, -1, 2, -1]);
  return tf.mean(s, [2, 4]) as tf.Tensor4D;
}
