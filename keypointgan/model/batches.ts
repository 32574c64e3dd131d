/**
 * Batch sampling from a `Dataset` for training: (x, x′) pairs, prior keypoints p̄ and (for the
 * supervised baseline) x's labels, as tensors in [−1, 1].
 *
 * Pairs come from `keypointgan/data/pairs.ts` (`PairSampler`: video pairs as the official loader,
 * or TPS-warped pairs for image datasets); prior poses are drawn uniformly per batch.
 *
 * @module
 */
import { tf } from "../tf.ts";
import { PairSampler, samplePrior } from "../data/pairs.ts";
import type { Dataset, Prior } from "../data/types.ts";
import type { Batch } from "./trainer.ts";
import type { Rng } from "../rng.ts";

/** uint8 images `[N, S, S, 3]` at `indices` → float tensor in [−1, 1]. */
export function imagesToTensor(
  images: Uint8Array,
  size: number,
  indices: readonly number[],
): tf.Tensor4D {
  const n = size * size * 3;
  const out = new Float32Array(indices.length * n);
  indices.forEach((idx, b) => {
    const src = images.subarray(idx * n, (idx + 1) * n);
    for (let i = 0; i < n; i++) out[b * n + i] = src[i] / 127.5 - 1;
  });
  return tf.tensor4d(out, [indices.length, size, size, 3]);
}

/** Keypoints `[N, K, 2]` at `indices` → tensor. */
export function pointsToTensor(
  points: Float32Array,
  k: number,
  indices: readonly number[],
): tf.Tensor3D {
  const out = new Float32Array(indices.length * k * 2);
  indices.forEach((idx, b) => out.set(points.subarray(idx * k * 2, (idx + 1) * k * 2), b * k * 2));
  return tf.tensor3d(out, [indices.length, k, 2]);
}

/** Draws training batches from a dataset and a (possibly subset) prior. */
export class BatchSource {
  readonly #ds: Dataset;
  readonly #prior: Prior;
  readonly #pairs: PairSampler;

  constructor(ds: Dataset, prior: Prior) {
    if (prior.count < 1) throw new Error("Cannot train with an empty pose prior");
    this.#ds = ds;
    this.#prior = prior;
    this.#pairs = new PairSampler(ds.train, ds.header);
  }

  /** One batch; the caller disposes its tensors. */
  sample(batch: number, rng: Rng, withLabels = false): Batch {
    const { imageSize: s, numPoints: k } = this.#ds.header;
    const pb = this.#pairs.sample(batch, rng);
    const all = Array.from({ length: batch }, (_, i) => i);
    return {
      x: imagesToTensor(pb.x, s, all),
      xCond: imagesToTensor(pb.xCond, s, all),
      prior: tf.tensor3d(samplePrior(this.#prior, batch, rng), [batch, k, 2]),
      keypoints: withLabels ? tf.tensor3d(pb.keypoints, [batch, k, 2]) : undefined,
    };
  }

  /** Prior keypoints only (η pretraining). */
  samplePrior(batch: number, rng: Rng): tf.Tensor3D {
    return tf.tensor3d(samplePrior(this.#prior, batch, rng), [batch, this.#ds.header.numPoints, 2]);
  }
}

/** Release a batch's tensors. */
export function disposeBatch(b: Batch): void {
  tf.dispose([b.x, b.xCond, b.prior, ...(b.keypoints ? [b.keypoints] : [])]);
}
