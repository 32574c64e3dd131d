/**
 * Keypoint edits for the editing figure (paper Fig. 10): the decoder Ψ re-renders the same
 * appearance with edited keypoints, showing that pose and appearance are factorised.
 * Each edit maps one pose `[K, 2]` (x, y in [−1, 1]) to a new array.
 *
 * @module
 */
import type { DatasetKind } from "../data/types.ts";
import { SKELETONS } from "../skeletons.ts";
import { swapPermutation } from "./metrics.ts";

/** A named keypoint edit. */
export interface KeypointEdit {
  readonly name: string;
  apply(pose: Float32Array): Float32Array;
}

function centroid(p: Float32Array): [number, number] {
  let x = 0, y = 0;
  for (let i = 0; i < p.length; i += 2) (x += p[i]), (y += p[i + 1]);
  return [(2 * x) / p.length, (2 * y) / p.length];
}

function height(p: Float32Array): number {
  let lo = Infinity, hi = -Infinity;
  for (let i = 1; i < p.length; i += 2) (lo = Math.min(lo, p[i])), (hi = Math.max(hi, p[i]));
  return hi - lo;
}

/** Mirror about the centroid's vertical line, swapping left/right labels so sides stay right. */
export function mirror(kind: DatasetKind): KeypointEdit {
  const perm = swapPermutation(SKELETONS[kind].numPoints, SKELETONS[kind].leftRight);
  return {
    name: "mirrored",
    apply(p) {
      const [cx] = centroid(p), out = new Float32Array(p.length);
      perm.forEach((src, j) => {
        out[2 * j] = 2 * cx - p[2 * src];
        out[2 * j + 1] = p[2 * src + 1];
      });
      return out;
    },
  };
}

/** Scale about the centroid. */
export function scale(factor: number): KeypointEdit {
  return {
    name: `scaled ×${factor}`,
    apply(p) {
      const [cx, cy] = centroid(p);
      return p.map((v, i) => (i % 2 === 0 ? cx + factor * (v - cx) : cy + factor * (v - cy)));
    },
  };
}

/** Move `points` by `dy` × the pose height (negative = up). */
function movePoints(name: string, points: readonly number[], dy: number): KeypointEdit {
  return {
    name,
    apply(p) {
      const out = p.slice(), d = dy * height(p);
      for (const j of points) out[2 * j + 1] += d;
      return out;
    },
  };
}

/** Humans: reflect each arm's joints vertically about its shoulder (hanging arms go up). */
const armsRaised: KeypointEdit = {
  name: "arms raised",
  apply(p) {
    const out = p.slice();
    for (
      const [shoulder, joints] of [[17, [18, 19, 20, 21, 22, 23]], [25, [
        26,
        27,
        28,
        29,
        30,
        31,
      ]]] as const
    ) {
      for (const j of joints) out[2 * j + 1] = 2 * p[2 * shoulder + 1] - p[2 * j + 1];
    }
    return out;
  },
};

/** The edits shown for a dataset kind: two generic ones and one specific to the object. */
export function keypointEdits(kind: DatasetKind): KeypointEdit[] {
  const specific = kind === "humans" ? armsRaised : kind === "faces"
    // lower lip (outer 55–59, inner 65–67) and chin (jaw 6–10) down: the mouth opens
    ? movePoints("mouth opened", [55, 56, 57, 58, 59, 65, 66, 67, 6, 7, 8, 9, 10], 0.12)
    : movePoints("ears raised", [3, 4, 5, 6, 7, 8], -0.12);
  return [mirror(kind), scale(1.2), specific];
}
