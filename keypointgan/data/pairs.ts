/**
 * Training pairs (x, x′): x is the frame whose pose is predicted and reconstructed, x′ gives the
 * appearance. Video mode follows the official loader (digest §5.2): a uniform video, then
 * start ~ U{0..L−1} and end ~ U{start..min(start + maxGap, L−1)}; x = start, x′ = end (a gap of 0
 * is allowed). TPS mode (image datasets, digest §5.4): x = affine warp of an image, x′ = full TPS
 * warp of the same image, each from a cache of warps refreshed with probability 0.01.
 *
 * @module
 */
import type { Rng } from "../rng.ts";
import type { DatasetHeader, Prior, Split } from "./types.ts";
import {
  sampleGrid,
  sampleWarp,
  TPS_DEFAULTS,
  TPS_TARGET,
  warpGrid,
  warpKeypoints,
} from "./tps.ts";
import type { TpsParams, Warp } from "./tps.ts";

/** A batch of pairs: uint8 images `[B, S, S, 3]` and their keypoints `[B, K, 2]`. */
export interface PairBatch {
  readonly x: Uint8Array;
  readonly xCond: Uint8Array;
  /** Ground truth of x and x′ (moved with the warp in TPS mode): for baselines and figures only. */
  readonly keypoints: Float32Array;
  readonly condKeypoints: Float32Array;
  /** Split indices the images come from. */
  readonly index: Int32Array;
  readonly condIndex: Int32Array;
}

/** Frame indices of each video of a split, videos by id, frames in frame order. */
export function videoIndex(split: Split): number[][] {
  const byVideo = new Map<number, number[]>();
  for (let i = 0; i < split.count; i++) {
    const list = byVideo.get(split.video[i]) ?? [];
    list.push(i);
    byVideo.set(split.video[i], list);
  }
  const videos = [...byVideo.keys()].sort((a, b) => a - b).map((v) => byVideo.get(v)!);
  for (const frames of videos) frames.sort((a, b) => split.frame[a] - split.frame[b]);
  return videos;
}

/** `batch` video pairs (x index, x′ index), drawn exactly as the official loader does. */
export function samplePairIndices(
  videos: readonly (readonly number[])[],
  maxGap: number,
  batch: number,
  rng: Rng,
): { x: number[]; xCond: number[] } {
  const x: number[] = [], xCond: number[] = [];
  for (let b = 0; b < batch; b++) {
    const frames = videos[rng.int(videos.length)];
    const start = rng.int(frames.length);
    const end = start + rng.int(Math.min(start + maxGap, frames.length - 1) - start + 1);
    x.push(frames[start]);
    xCond.push(frames[end]);
  }
  return { x, xCond };
}

/** Options of a `PairSampler`. */
export interface PairSamplerOptions {
  /** Override `header.maxGap` (video mode). */
  readonly maxGap?: number;
  /** Warp distribution of x′ and x (TPS mode); digest defaults. */
  readonly condWarp?: TpsParams;
  readonly targetWarp?: TpsParams;
  /** Warps kept per cache and the chance that a used warp is replaced (digest: 1000, 0.01). */
  readonly cacheSize?: number;
  readonly evictProbability?: number;
}

interface CachedWarp {
  readonly warp: Warp;
  readonly grid: Float32Array;
}

/** A cache of warps: fill up to `size`, then reuse a random one, replacing it with probability p. */
class WarpCache {
  readonly #items: CachedWarp[] = [];
  constructor(
    readonly params: TpsParams,
    readonly size: number,
    readonly evict: number,
    readonly imageSize: number,
  ) {}

  next(rng: Rng): CachedWarp {
    const make = () => {
      const warp = sampleWarp(rng, this.params);
      return { warp, grid: warpGrid(warp, this.imageSize) };
    };
    if (this.size === 0) return make();
    if (this.#items.length < this.size) {
      const item = make();
      this.#items.push(item);
      return item;
    }
    const r = rng.int(this.#items.length);
    if (rng.uniform() < this.evict) this.#items[r] = make();
    return this.#items[r];
  }
}

/** Draws training pairs from a split (`dataset.train`) in the dataset's pair mode. */
export class PairSampler {
  readonly #split: Split;
  readonly #size: number;
  readonly #k: number;
  readonly #mode: DatasetHeader["pairMode"];
  readonly #maxGap: number;
  readonly #videos: number[][];
  readonly #cond: WarpCache;
  readonly #target: WarpCache;

  constructor(split: Split, header: DatasetHeader, opts: PairSamplerOptions = {}) {
    if (split.count < 1) {
      throw new RangeError(`Cannot sample pairs from an empty split of "${header.name}"`);
    }
    this.#split = split;
    this.#size = header.imageSize;
    this.#k = header.numPoints;
    this.#mode = header.pairMode;
    this.#maxGap = opts.maxGap ?? header.maxGap;
    this.#videos = videoIndex(split);
    const cache = opts.cacheSize ?? 1000, evict = opts.evictProbability ?? 0.01;
    this.#cond = new WarpCache(opts.condWarp ?? TPS_DEFAULTS, cache, evict, this.#size);
    this.#target = new WarpCache(opts.targetWarp ?? TPS_TARGET, cache, evict, this.#size);
  }

  /** One batch of `batch` pairs. */
  sample(batch: number, rng: Rng): PairBatch {
    const S = this.#size, K = this.#k, n = S * S * 3;
    const split = this.#split;
    const out = {
      x: new Uint8Array(batch * n),
      xCond: new Uint8Array(batch * n),
      keypoints: new Float32Array(batch * K * 2),
      condKeypoints: new Float32Array(batch * K * 2),
      index: new Int32Array(batch),
      condIndex: new Int32Array(batch),
    };
    if (this.#mode === "video") {
      const { x, xCond } = samplePairIndices(this.#videos, this.#maxGap, batch, rng);
      for (let b = 0; b < batch; b++) {
        out.index[b] = x[b];
        out.condIndex[b] = xCond[b];
        out.x.set(split.images.subarray(x[b] * n, (x[b] + 1) * n), b * n);
        out.xCond.set(split.images.subarray(xCond[b] * n, (xCond[b] + 1) * n), b * n);
        out.keypoints.set(split.keypoints.subarray(x[b] * K * 2, (x[b] + 1) * K * 2), b * K * 2);
        out.condKeypoints.set(
          split.keypoints.subarray(xCond[b] * K * 2, (xCond[b] + 1) * K * 2),
          b * K * 2,
        );
      }
      return out;
    }
    for (let b = 0; b < batch; b++) {
      const i = rng.int(split.count);
      const image = split.images.subarray(i * n, (i + 1) * n);
      out.index[b] = out.condIndex[b] = i;
      const t = this.#target.next(rng), c = this.#cond.next(rng);
      sampleGrid(image, S, t.grid, out.x, b * n);
      sampleGrid(image, S, c.grid, out.xCond, b * n);
      warpKeypoints(split.keypoints, K, t.warp, out.keypoints, i * K * 2, b * K * 2);
      warpKeypoints(split.keypoints, K, c.warp, out.condKeypoints, i * K * 2, b * K * 2);
    }
    return out;
  }
}

/** One-shot convenience: a batch from a fresh sampler (no warp cache carried between calls). */
export function samplePairs(
  split: Split,
  header: DatasetHeader,
  batch: number,
  rng: Rng,
): PairBatch {
  return new PairSampler(split, header, { cacheSize: 0 }).sample(batch, rng);
}

/** `batch` prior poses `[B, K, 2]`, uniform over the prior (each batch draws its own). */
export function samplePrior(prior: Prior, batch: number, rng: Rng): Float32Array {
  if (prior.count < 1) throw new RangeError("Cannot sample from an empty pose prior");
  const row = prior.keypoints.length / prior.count;
  const out = new Float32Array(batch * row);
  for (let b = 0; b < batch; b++) {
    const i = rng.int(prior.count);
    out.set(prior.keypoints.subarray(i * row, (i + 1) * row), b * row);
  }
  return out;
}
