/**
 * The reconstruction loss L_rec(x̂, x) (paper eq. 4, digest §4). `perceptual`: per feature
 * layer, MSE divided by a running mean of that same MSE (EMA, μ = 0.99, updated before use and
 * initialised to the first value, so the first call gives 1 per layer); the mean over layers.
 * `l1`, `mse` and `multiscale_l1` (the probe's loss) are simpler alternatives.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { FeatureNet } from "./features.ts";
import { l1, mse } from "./losses.ts";

export type ReconstructionKind = "perceptual" | "l1" | "mse" | "multiscale_l1";
export const RECONSTRUCTION_KINDS: readonly ReconstructionKind[] = [
  "perceptual",
  "l1",
  "mse",
  "multiscale_l1",
];

/** Stateful reconstruction loss; its EMA state is checkpointed. */
export class ReconstructionLoss {
  readonly kind: ReconstructionKind;
  readonly net: FeatureNet | null;
  readonly mu: number;
  /** Running mean per layer (null before the first call). */
  ema: number[] | null = null;

  constructor(kind: ReconstructionKind, net: FeatureNet | null, mu = 0.99) {
    if (kind === "perceptual" && !net) {
      throw new Error("Cannot build the perceptual loss without a feature network");
    }
    this.kind = kind;
    this.net = net;
    this.mu = mu;
  }

  /** Loss between reconstruction x̂ and target x (both `[B, S, S, 3]` in [−1, 1]). */
  call(xHat: tf.Tensor4D, x: tf.Tensor4D): tf.Scalar {
    switch (this.kind) {
      case "l1":
        return l1(xHat, x);
      case "mse":
        return mse(xHat, x);
      case "multiscale_l1":
        return tf.div(tf.addN([1, 2, 4].map((f) => l1(pool(xHat, f), pool(x, f)))), 3);
      case "perceptual":
        return this.#perceptual(xHat, x);
    }
  }

  #perceptual(xHat: tf.Tensor4D, x: tf.Tensor4D): tf.Scalar {
    const fa = this.net!.features(xHat);
    const fb = this.net!.features(x); // x is data: no gradient path to any variable
    const terms = fa.map((a, i) => mse(a, fb[i]));
    const values = terms.map((t) => t.dataSync()[0]);
    this.ema = this.ema === null
      ? values
      : this.ema.map((e, i) => this.mu * e + (1 - this.mu) * values[i]);
    const ema = this.ema;
    return tf.div(tf.addN(terms.map((t, i) => tf.div(t, ema[i]))), terms.length);
  }
}

function pool(x: tf.Tensor4D, f: number): tf.Tensor4D {
  return f === 1 ? x : tf.avgPool(x, f, f, "valid");
}
