/**
 * Layers as plain functions over a `ParamStore`, NHWC, reproducing PyTorch semantics
 * (digest §12): symmetric conv padding (TF.js explicit numeric padding), bilinear ×2 resizing
 * with `align_corners=False` (one ResizeBilinear where its gradient is the exact adjoint —
 * TF.js's stock CPU `ResizeBilinearGrad` ignores half-pixel centres, fixed by
 * keypointgan/tf.ts — else differentiable slices), InstanceNorm and BatchNorm (with running
 * statistics) as one custom-gradient normalisation.
 *
 * @module
 */
import { isNativeBackend, tf } from "../tf.ts";
import {
  AFFINE_RELU,
  AFFINE_RELU_GRAD,
  NORMALIZE,
  NORMALIZE_GRAD,
  RUNNING_STATS,
} from "../native/kernels_reduce.ts";
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
  return normalize(x, [1, 2], false).y;
}

/**
 * (x − mean) / sqrt(var + ε) with biased statistics over `axes` (kept as size-1 dims), as one
 * custom-gradient op. The forward pass is the kernels of `tf.moments` followed by the
 * normalisation (the same values, bit for bit); the gradient is the closed form
 * dx = (dy − mean(dy) − y·mean(dy·y)) / sqrt(var + ε) — 7 kernels instead of the ≈ 25 that
 * autodiff of the moments chain runs (same function; the last float bits of dx differ, the
 * sums being grouped differently). With `keepStats` the mean and variance are returned kept
 * (the caller disposes them).
 */
export function normalize(
  x: tf.Tensor4D,
  axes: number[],
  keepStats: boolean,
): { y: tf.Tensor4D; mean?: tf.Tensor; variance?: tf.Tensor } {
  let mean: tf.Tensor | undefined, variance: tf.Tensor | undefined;
  if (tf.getKernel(NORMALIZE, tf.getBackend())) {
    // native: the same forward values in one kernel, the same gradient formula in one kernel.
    const attrs = { axes, eps: NORM_EPS };
    const fused = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xi, save] = args as [tf.Tensor, tf.GradSaveFunc];
      const [y, m, v, s] = tf.engine().runKernel(NORMALIZE, { x: xi }, attrs) as tf.Tensor[];
      if (keepStats) [mean, variance] = [tf.keep(m), tf.keep(v)];
      save([y, s]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
          tf.engine().runKernel(
            NORMALIZE_GRAD,
            { dy: dy as tf.Tensor, y: saved[0], s: saved[1] },
            attrs,
          ) as tf.Tensor,
      };
    });
    return { y: fused(x) as tf.Tensor4D, mean, variance };
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const m = tf.mean(xi, axes, true);
    const xc = tf.sub(xi, m);
    const v = tf.mean(tf.square(xc), axes, true);
    const s = tf.sqrt(tf.add(v, NORM_EPS));
    const y = tf.div(xc, s);
    if (keepStats) [mean, variance] = [tf.keep(m), tf.keep(v)];
    save([y, s]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [ys, ss] = saved;
        dy = dy as tf.Tensor;
        const dyMean = tf.mean(dy, axes, true);
        const dyyMean = tf.mean(tf.mul(dy, ys), axes, true);
        return tf.div(tf.sub(tf.sub(dy, dyMean), tf.mul(ys, dyyMean)), ss);
      },
    };
  });
  const y = op(x) as tf.Tensor4D;
  return { y, mean, variance };
}

/**
 * BatchNorm2d, then ReLU when `relu`. Training: batch statistics (biased variance) normalise,
 * and the running statistics move by momentum 0.1 using the unbiased variance, exactly as
 * PyTorch. Evaluation: running statistics. On `native`, training runs as two kernels forward
 * (KpgNormalize, KpgAffineRelu: the same values as the kernel chain) and one backward
 * (KpgAffineReluGrad: ReLU's, the affine's and the normalisation's gradients in closed form).
 */
export function batchNorm(
  store: ParamStore,
  name: string,
  x: tf.Tensor4D,
  mode: Mode,
  relu = false,
): tf.Tensor4D {
  const gamma = store.get(`${name}/gamma`);
  const beta = store.get(`${name}/beta`);
  const runMean = store.get(`${name}/mean`);
  const runVar = store.get(`${name}/var`);
  if (!mode.training) {
    const out = tf.add(
      tf.mul(tf.div(tf.sub(x, runMean), tf.sqrt(tf.add(runVar, NORM_EPS))), gamma),
      beta,
    ) as tf.Tensor4D;
    return relu ? tf.relu(out) : out;
  }
  let out: tf.Tensor4D, mean: tf.Tensor | undefined, variance: tf.Tensor | undefined;
  if (tf.getKernel(AFFINE_RELU, tf.getBackend())) {
    const axes = [0, 1, 2];
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
      const [y, m, v, s] = tf.engine().runKernel(NORMALIZE, { x: xi }, {
        axes,
        eps: NORM_EPS,
      }) as tf.Tensor[];
      [mean, variance] = [tf.keep(m), tf.keep(v)];
      save([y, s, g, b]);
      return {
        value: tf.engine().runKernel(AFFINE_RELU, { y, gamma: g, beta: b }, { relu }) as tf.Tensor,
        gradFunc: (dz: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
          const [ys, ss, gs, bs] = saved;
          const inputs = { dz: dz as tf.Tensor, y: ys, s: ss, gamma: gs, beta: bs };
          return tf.engine().runKernel(AFFINE_RELU_GRAD, inputs, { axes, relu }) as tf.Tensor[];
        },
      };
    });
    out = op(x, gamma, beta) as tf.Tensor4D;
  } else {
    const n = normalize(x, [0, 1, 2], true); // stats [1, 1, 1, C]
    [mean, variance] = [n.mean, n.variance];
    out = tf.add(tf.mul(n.y, gamma), beta);
    if (relu) out = tf.relu(out);
  }
  const n = x.shape[0] * x.shape[1] * x.shape[2];
  const c = x.shape[3];
  tf.tidy(() => {
    if (tf.getKernel(RUNNING_STATS, tf.getBackend())) {
      // native: the chain below in one kernel (same float32 values), off the tape.
      const inputs = { runMean, runVar, mean: mean!, variance: variance! };
      const attrs = { momentum: BN_MOMENTUM, count: n };
      const [m, v] = tf.engine().runKernel(RUNNING_STATS, inputs, attrs) as tf.Tensor[];
      runMean.assign(m);
      runVar.assign(v);
      return;
    }
    const unbiased = tf.mul(tf.reshape(variance!, [c]), n / Math.max(n - 1, 1));
    runMean.assign(
      tf.add(tf.mul(runMean, 1 - BN_MOMENTUM), tf.mul(tf.reshape(mean!, [c]), BN_MOMENTUM)),
    );
    runVar.assign(tf.add(tf.mul(runVar, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
  });
  tf.dispose([mean!, variance!]);
  return out;
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
  const [, h, w] = x.shape;
  // One ResizeBilinear (half-pixel centres) and one exact-adjoint gradient kernel on `native`
  // and the fixed stock CPU backend (keypointgan/native/kernels_layout.ts), where the slice
  // chain below took ≈ 60 kernels each way. Same function; the last float bits differ (the
  // kernel interpolates as a + (b − a)·f in 2-D, the chain as 0.75·a + 0.25·b per axis).
  const backend = tf.getBackend();
  if (isNativeBackend(backend) || RESIZE_EXACT_BACKENDS.has(backend)) {
    return tf.image.resizeBilinear(x, [2 * h, 2 * w], false, true);
  }
  return upsample2xSlices(x);
}

/** `upsample2x` written with differentiable slices (any backend; the reference of its test). */
export function upsample2xSlices(x: tf.Tensor4D): tf.Tensor4D {
  return upsampleAxis(upsampleAxis(x, 1), 2);
}

/** Other backends whose ResizeBilinearGrad is the exact adjoint with half-pixel centres. */
const RESIZE_EXACT_BACKENDS = new Set(["cpu", "tensorflow"]);

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
