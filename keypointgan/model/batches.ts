/**
 * Batch sampling from a `Dataset` for training: (x, x′) pairs, prior keypoints p̄ and (for the
 * supervised baseline) x's labels, as tensors in [−1, 1].
 *
 * Pairs: the single switch point is `samplePairIndices` below. Until `keypointgan/data/pairs.ts`
 * lands it samples video pairs like the official loader (digest §5.2: a uniform video, then
 * start ~ U{0..L−1}, end ~ U{start..min(start+maxGap, L−1)}; x = start, x′ = end).
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Dataset, Prior, Split } from "../data/types.ts";
import type { Batch } from "./trainer.ts";
import type { Rng } from "./rng.ts";

/** Frame indices of each video of a split, in frame order. */
export function videoIndex(split: Split): number[][] {
  const byVideo = new Map<number, number[]>();
  for (let i = 0; i < split.count; i++) {
    const v = split.video[i];
    if (!byVideo.has(v)) byVideo.set(v, []);
    byVideo.get(v)!.push(i);
  }
  const videos = [...byVideo.keys()].sort((a, b) => a - b).map((v) => byVideo.get(v)!);
  for (const frames of videos) frames.sort((a, b) => split.frame[a] - split.frame[b]);
  return videos;
}

/** `batch` pairs (x index, x′ index) sampled as the official video loader does. */
export function samplePairIndices(
  videos: readonly (readonly number[])[],
  maxGap: number,
  batch: number,
  rng: Rng,
): { x: number[]; xCond: number[] } {
  const x: number[] = [];
  const xCond: number[] = [];
  for (let b = 0; b < batch; b++) {
    const frames = videos[rng.int(videos.length)];
    const start = rng.int(frames.length);
    const end = start + rng.int(Math.min(start + maxGap, frames.length - 1) - start + 1);
    x.push(frames[start]);
    xCond.push(frames[end]);
  }
  return { x, xCond };
}

/** uint8 images `[N, S, S, 3]` at `indices` → float tensor in [−1, 1]. */
export function imagesToTensor(images: Uint8Array, size: number, indices: readonly number[]): tf.Tensor4D {
  const n = size * size * 3;
  const out = new Float32Array(indices.length * n);
  indices.forEach((idx, b) => {
    const src = images.subarray(idx * n, (idx + 1) * n);
    for (let i = 0; i < n; i++) out[b * n + i] = src[i] / 127.5 - 1;
  });
  return tf.tensor4d(out, [indices.length, size, size, 3]);
}

/** Keypoints `[N, K, 2]` at `indices` → tensor. */
export function pointsToTensor(points: Float32Array, k: number, indices: readonly number[]): tf.Tensor3D {
  const out = new Float32Array(indices.length * k * 2);
  indices.forEach((idx, b) => out.set(points.subarray(idx * k * 2, (idx + 1) * k * 2), b * k * 2));
  return tf.tensor3d(out, [indices.length, k, 2]);
}

/** Draws training batches from a dataset and a (possibly subset) prior. */
export class BatchSource {
  readonly #ds: Dataset;
  readonly #prior: Prior;
  readonly #videos: number[][];

  constructor(ds: Dataset, prior: Prior) {
    if (ds.header.pairMode !== "video") {
      throw new Error(
        `Cannot sample ${ds.header.pairMode} pairs: only video pairs are wired until keypointgan/data/pairs.ts lands`,
      );
    }
    if (prior.count < 1) throw new Error("Cannot train with an empty pose prior");
    this.#ds = ds;
    this.#prior = prior;
    this.#videos = videoIndex(ds.train);
  }

  /** One batch; the caller disposes its tensors. */
  sample(batch: number, rng: Rng, withLabels = false): Batch {
    const { header, train } = this.#ds;
    const { x, xCond } = samplePairIndices(this.#videos, header.maxGap, batch, rng);
    const pri = Array.from({ length: batch }, () => rng.int(this.#prior.count));
    const k = header.numPoints;
    return {
      x: imagesToTensor(train.images, header.imageSize, x),
      xCond: imagesToTensor(train.images, header.imageSize, xCond),
      prior: pointsToTensor(this.#prior.keypoints, k, pri),
      keypoints: withLabels ? pointsToTensor(train.keypoints, k, x) : undefined,
    };
  }

  /** Prior keypoints only (η pretraining). */
  samplePrior(batch: number, rng: Rng): tf.Tensor3D {
    const pri = Array.from({ length: batch }, () => rng.int(this.#prior.count));
    return pointsToTensor(this.#prior.keypoints, this.#ds.header.numPoints, pri);
  }
}

/** Release a batch's tensors. */
export function disposeBatch(b: Batch): void {
  tf.dispose([b.x, b.xCond, b.prior, ...(b.keypoints ? [b.keypoints] : [])]);
}
