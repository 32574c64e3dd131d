/**
 * Keypoint error metrics of the paper's evaluation protocols (digest §6), as pure functions.
 *
 * All inputs are keypoints `[N, K, 2]` as (x, y) in [-1, 1] on the renderer grid (see
 * keypointgan/skeletons.ts). Every metric first computes one error per image (`perImage`), so
 * the same numbers feed the per-activity aggregation, seed statistics and the per-keypoint
 * distribution charts.
 *
 * @module
 */

/** Keypoints of N images: `xy` is `[N, K, 2]` row-major. */
export interface KeypointBatch {
  readonly count: number;
  readonly numPoints: number;
  readonly xy: ArrayLike<number>;
}

/** Per-image errors plus, per keypoint, the error of every image (for distributions). */
export interface ImageErrors {
  /** [N] error of each image, in the protocol's unit. */
  readonly perImage: Float64Array;
  /** [N, P] error of each evaluated point of each image, in the protocol's unit. */
  readonly perPoint: Float64Array;
  /** The evaluated keypoint indices (P of them), in order. */
  readonly points: readonly number[];
}

/** Throws unless `pred` and `gt` hold the same number of images and keypoints. */
export function checkShapes(pred: KeypointBatch, gt: KeypointBatch): void {
  for (const [name, b] of [["pred", pred], ["gt", gt]] as const) {
    const want = b.count * b.numPoints * 2;
    if (b.xy.length !== want) {
      throw new Error(
        `${name}: expected ${b.count}×${b.numPoints}×2 = ${want} values, got ${b.xy.length}`,
      );
    }
  }
  if (pred.count !== gt.count || pred.numPoints !== gt.numPoints) {
    throw new Error(
      `pred is [${pred.count}, ${pred.numPoints}, 2] but gt is [${gt.count}, ${gt.numPoints}, 2]`,
    );
  }
}

/** Distance between keypoint `a` of image i in `p` and keypoint `b` of image i in `g`. */
function dist(
  p: ArrayLike<number>,
  g: ArrayLike<number>,
  k: number,
  i: number,
  a: number,
  b: number,
) {
  const pi = (i * k + a) * 2, gi = (i * k + b) * 2;
  return Math.hypot(p[pi] - g[gi], p[pi + 1] - g[gi + 1]);
}

/** Identity permutation of K points with each (left, right) pair swapped. */
export function swapPermutation(
  numPoints: number,
  leftRight: readonly (readonly [number, number])[],
) {
  const perm = Array.from({ length: numPoints }, (_, i) => i);
  for (const [l, r] of leftRight) {
    if (l >= numPoints || r >= numPoints) {
      throw new Error(`left/right pair (${l}, ${r}) outside ${numPoints} keypoints`);
    }
    perm[l] = r;
    perm[r] = l;
  }
  return perm;
}

/**
 * Mean point distance per image, each distance multiplied by `scale` and divided by the
 * image's normaliser (1 when `normPair` is absent). With `gtPermutation`, the ground truth's
 * point `perm[j]` is compared with predicted point j (used by the flip-invariant variant).
 */
export function pointErrors(
  pred: KeypointBatch,
  gt: KeypointBatch,
  opts: {
    points?: readonly number[];
    scale?: number;
    normPair?: readonly [number, number];
    gtPermutation?: readonly number[];
  } = {},
): ImageErrors {
  checkShapes(pred, gt);
  const k = pred.numPoints, n = pred.count;
  const points = opts.points ?? Array.from({ length: k }, (_, i) => i);
  const perm = opts.gtPermutation ?? Array.from({ length: k }, (_, i) => i);
  const perImage = new Float64Array(n), perPoint = new Float64Array(n * points.length);
  for (let i = 0; i < n; i++) {
    let norm = 1;
    if (opts.normPair) {
      norm = dist(gt.xy, gt.xy, k, i, opts.normPair[0], opts.normPair[1]);
      if (!(norm > 0)) {
        throw new Error(
          `image ${i}: ground-truth points ${opts.normPair[0]} and ${opts.normPair[1]} coincide; ` +
            `cannot normalise by their distance`,
        );
      }
    }
    let sum = 0;
    points.forEach((j, p) => {
      const e = (dist(pred.xy, gt.xy, k, i, j, perm[j]) * (opts.scale ?? 1)) / norm;
      perPoint[i * points.length + p] = e;
      sum += e;
    });
    perImage[i] = sum / points.length;
  }
  return { perImage, perPoint, points };
}

/** Per image, the smaller of two error sets (picks the better ground-truth orientation). */
export function minErrors(a: ImageErrors, b: ImageErrors): ImageErrors {
  const p = a.points.length;
  const perImage = new Float64Array(a.perImage.length);
  const perPoint = new Float64Array(a.perPoint.length);
  for (let i = 0; i < perImage.length; i++) {
    const src = b.perImage[i] < a.perImage[i] ? b : a;
    perImage[i] = src.perImage[i];
    perPoint.set(src.perPoint.subarray(i * p, (i + 1) * p), i * p);
  }
  return { perImage, perPoint, points: a.points };
}

/** Mean of each activity's images, then the unweighted mean over activities with images. */
export interface ActivityMeans {
  /** Unweighted mean over the activities that have test images. */
  readonly all: number;
  /** Activity name → mean error, or null when the split has no image of that activity. */
  readonly perActivity: Readonly<Record<string, number | null>>;
  /** Activity name → number of images. */
  readonly counts: Readonly<Record<string, number>>;
}

/**
 * Aggregates per-image errors as the Simplified-H3.6M protocol does (digest §6.1): first the
 * mean per activity, then the unweighted mean over activities. With no activity names, every
 * image counts once (the plain mean).
 */
export function meanOverActivities(
  perImage: ArrayLike<number>,
  activity: ArrayLike<number>,
  activityNames: readonly string[],
): ActivityMeans {
  if (activity.length !== perImage.length) {
    throw new Error(`activity has ${activity.length} entries for ${perImage.length} images`);
  }
  if (perImage.length === 0) throw new Error("no images to evaluate");
  const names = activityNames.length > 0 ? activityNames : ["all"];
  const sums = new Float64Array(names.length), counts = new Float64Array(names.length);
  for (let i = 0; i < perImage.length; i++) {
    const a = activityNames.length > 0 ? activity[i] : 0;
    if (!(a >= 0 && a < names.length)) {
      throw new Error(`image ${i}: activity index ${a} outside [0, ${names.length})`);
    }
    sums[a] += perImage[i];
    counts[a]++;
  }
  const perActivity: Record<string, number | null> = {}, countOf: Record<string, number> = {};
  let total = 0, used = 0;
  names.forEach((name, a) => {
    countOf[name] = counts[a];
    perActivity[name] = counts[a] > 0 ? sums[a] / counts[a] : null;
    if (counts[a] > 0) (total += sums[a] / counts[a]), used++;
  });
  return { all: total / used, perActivity, counts: countOf };
}
