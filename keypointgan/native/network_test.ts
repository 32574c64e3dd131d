/**
 * End-to-end checks of the native backends on a small network built from the layers the
 * model uses (explicit-padding convs incl. stride 2 and 4×4, 1×1 convs, batch norm and
 * instance norm via moments, ReLU, LeakyReLU 0.2, bilinear ×2 upsampling, concat, a marginal
 * soft-argmax, Adam): same losses and weights as the stock CPU backend over a few steps,
 * bit-identical runs for the same seed, and buffer-pool safety.
 */
import { deepEqual, equal as assertEquals, ok as assert } from "node:assert/strict";
import { tf } from "../tf.ts";
import { NATIVE_BACKENDS, nativeSkipReason, rand, relError, runOn } from "./test_util.ts";

const ignore = nativeSkipReason !== undefined;
const B = 2, S = 16;

function conv(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, pad: number): tf.Tensor4D {
  const padded = pad ? tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) : x;
  return tf.conv2d(padded, w, stride, "valid");
}

function instanceNorm(x: tf.Tensor4D): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [1, 2], true);
  return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))) as tf.Tensor4D;
}

function batchNorm(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm(x, mean, variance, beta, gamma, 1e-5) as tf.Tensor4D;
}

/** Marginal soft-argmax (digest §2.2): x from the column means, y from the row means. */
function softArgmax(h: tf.Tensor4D): tf.Tensor {
  const size = h.shape[1];
  const grid = tf.linspace(-1, 1, size);
  const coord = (m: tf.Tensor) => tf.sum(tf.mul(tf.softmax(m), grid), -1); // [B, K]
  const perK = tf.transpose(h, [0, 3, 1, 2]); // [B, K, H, W]
  return tf.stack([coord(tf.mean(perK, 2)), coord(tf.mean(perK, 3))], -1); // [B, K, 2]
}

interface Net {
  vars: tf.Variable[];
  loss(): tf.Scalar;
}

function makeNet(seed: number): Net {
  const v = (shape: number[], i: number, scale = 0.2) =>
    tf.variable(tf.tensor(rand(shape.reduce((a, b) => a * b), seed + i, -scale, scale), shape));
  const w7 = v([7, 7, 3, 8], 1), w3s2 = v([3, 3, 8, 16], 2), w4 = v([4, 4, 16, 16], 3);
  const w1 = v([1, 1, 24, 4], 4), gamma = v([16], 5, 1), beta = v([16], 6, 0.1);
  const x = tf.tensor4d(rand(B * S * S * 3, seed + 10), [B, S, S, 3]);
  const target = tf.tensor(rand(B * 4 * 2, seed + 11, -0.5, 0.5), [B, 4, 2]);
  const loss = () =>
    tf.tidy(() => {
      const h1 = tf.relu(instanceNorm(conv(x, w7 as tf.Tensor4D, 1, 3))); // [B,16,16,8]
      const h2 = tf.leakyRelu(
        batchNorm(conv(h1, w3s2 as tf.Tensor4D, 2, 1), gamma as tf.Tensor1D, beta as tf.Tensor1D),
        0.2,
      ); // [B,8,8,16]
      const h3 = tf.relu(conv(h2, w4 as tf.Tensor4D, 1, 1)); // [B,7,7,16]
      const up = tf.image.resizeBilinear(h3, [14, 14], false, true); // [B,14,14,16]
      const skip = tf.slice(h1, [0, 1, 1, 0], [B, 14, 14, 8]);
      const heat = tf.conv2d(tf.concat([up, skip], -1), w1 as tf.Tensor4D, 1, "valid"); // [B,14,14,4]
      const points = softArgmax(heat);
      return tf.add(
        tf.mean(tf.abs(tf.sub(points, target))),
        tf.mul(tf.mean(tf.square(heat)), 0.01),
      ) as tf.Scalar;
    });
  return { vars: [w7, w3s2, w4, w1, gamma, beta], loss };
}

/** Losses of `steps` Adam steps and the final weights, on `backend`. */
async function train(
  backend: string,
  steps: number,
): Promise<{ losses: number[]; weights: Float32Array[] }> {
  await tf.setBackend(backend);
  const net = makeNet(100);
  const opt = tf.train.adam(0.01, 0.5, 0.999);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const l = opt.minimize(net.loss, true, net.vars)!;
    losses.push(l.dataSync()[0]);
    l.dispose();
  }
  const weights = net.vars.map((w) => w.dataSync() as Float32Array);
  tf.dispose(net.vars);
  opt.dispose();
  return { losses, weights };
}

Deno.test({
  name: "native training steps match the stock CPU backend (losses and weights, Adam)",
  ignore,
  async fn() {
    const ref = await train("cpu", 4);
    for (const backend of NATIVE_BACKENDS) {
      const got = await train(backend, 4);
      const err = relError(got.losses, ref.losses);
      assert(err <= 1e-4, `${backend} losses ${got.losses} vs cpu ${ref.losses}`);
      got.weights.forEach((w, i) => {
        const e = relError(w, ref.weights[i]);
        assert(e <= 1e-4, `${backend} weight ${i}: relative error ${e}`);
      });
    }
  },
});

Deno.test({
  name: "native training is bit-reproducible for the same seed",
  ignore,
  async fn() {
    for (const backend of NATIVE_BACKENDS) {
      const a = await train(backend, 3), b = await train(backend, 3);
      deepEqual(a.losses, b.losses, `${backend}: ${a.losses} vs ${b.losses}`);
    }
  },
});

Deno.test({
  name: "native buffer pool never recycles memory a caller can still see",
  ignore,
  async fn() {
    for (const backend of NATIVE_BACKENDS) {
      const [res] = await runOn(backend, () => {
        const x = tf.tensor(rand(8192, 1));
        const y = tf.mul(x, 2); // pooled output
        const seen = y.dataSync(); // must be a copy: y's buffer goes back to the pool
        const view = tf.slice(y, [4096], [4096]); // stock Slice: a view of y's buffer
        y.dispose();
        tf.mul(x, 3).dispose(); // would reuse y's buffer if it were free
        tf.mul(x, 4).dispose();
        assertEquals(seen[10], rand(8192, 1)[10] * 2);
        return view;
      });
      const expect = rand(8192, 1).subarray(4096).map((v) => v * 2);
      assertEquals(relError(res.values, expect), 0, backend);
    }
  },
});

Deno.test({
  name: "native backend leaks no tensors over repeated training steps",
  ignore,
  async fn() {
    await tf.setBackend("native");
    const net = makeNet(7);
    const opt = tf.train.adam(0.01);
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      opt.minimize(net.loss, false, net.vars);
      counts.push(tf.memory().numTensors);
    }
    assertEquals(counts[4], counts[1], `tensor counts ${counts}`);
    tf.dispose(net.vars);
    opt.dispose();
  },
});
