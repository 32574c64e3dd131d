/**
 * Table 5's prior subsets (digest §5.3 `skeleton_subset_size` / `skeleton_subset_seed`): a fixed
 * subset of `size` prior poses chosen once from `seed`, as the official loader does (each pose: a
 * random sequence, then a random frame of it); poses from an external source (video −1) are drawn
 * uniformly. 0 (or ≥ the prior's size) = the full prior. Shared by `pretrain_regressor` and
 * `train` so both see the same poses.
 *
 * @module
 */
import { Rng } from "../rng.ts";
import type { Prior } from "./types.ts";

/** The subset of `prior` used for training. */
export function selectPriorSubset(prior: Prior, size: number, seed: number): Prior {
  if (!Number.isInteger(size) || size < 0) {
    throw new RangeError(`Cannot select a prior subset of size ${size}`);
  }
  if (size === 0 || size >= prior.count) return prior;
  const rng = Rng.derive(seed, "prior-subset");
  const groups = new Map<number, number[]>();
  for (let i = 0; i < prior.count; i++) {
    const v = prior.video[i] >= 0 ? prior.video[i] : -1 - i; // external poses: one group each
    const g = groups.get(v) ?? [];
    g.push(i);
    groups.set(v, g);
  }
  const seqs = [...groups.keys()].sort((a, b) => a - b).map((k) => groups.get(k)!);
  const picks = Array.from({ length: size }, () => {
    const g = seqs[rng.int(seqs.length)];
    return g[rng.int(g.length)];
  });
  const row = prior.keypoints.length / prior.count;
  const keypoints = new Float32Array(size * row);
  picks.forEach((p, i) => keypoints.set(prior.keypoints.subarray(p * row, (p + 1) * row), i * row));
  return {
    count: size,
    keypoints,
    video: Int32Array.from(picks, (p) => prior.video[p]),
    frame: Int32Array.from(picks, (p) => prior.frame[p]),
    source: `${prior.source} (subset ${size}, seed ${seed})`,
  };
}
