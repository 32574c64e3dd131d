/**
 * The paper's evaluation protocols (digest §6), one function per dataset kind that returns
 * every score that applies. Pure: keypoints in, numbers out.
 *
 * - `simplified_h36m` (Table 1, 4, 5 humans): mean L2 over all 32 joints with coordinates in
 *   [0, 1] (normalised by image size), ×100; mean per activity, then over activities.
 * - `h36m_pixels` (Table 2): mean pixel error over the 17 official joints in the original image
 *   frame (`originalSize`), aggregated per activity the same way.
 * - `face_iod` (Table 3, 4, 5 faces): 300-W mean point-to-point error over 68 points divided by
 *   the outer-eye-corner distance (36/45), in %.
 * - `cat_eyes` (cats): 7 of 9 points (ear tips dropped), divided by the eye distance, in %.
 *
 * Human protocols come in a `plain` and a left/right flip-invariant `min` flavour (per image,
 * the smaller error of the ground truth and its mirrored labelling; digest §6.1).
 *
 * @module
 */
import {
  CAT_EVAL_POINTS,
  FACE_OUTER_EYES,
  H36M_OFFICIAL_17,
  type Skeleton,
  SKELETONS,
} from "../skeletons.ts";
import {
  type ImageErrors,
  type KeypointBatch,
  meanOverActivities,
  minErrors,
  pointErrors,
  swapPermutation,
} from "./metrics.ts";
import { type Distribution, distribution } from "./stats.ts";

/** Identifier of an evaluation protocol. */
export type ProtocolId = "simplified_h36m" | "h36m_pixels" | "face_iod" | "cat_eyes";

/** `plain`: labels as given; `min`: left/right flip-invariant; `null`: protocol has no flip flavour. */
export type FlipMode = "plain" | "min" | null;

/** What a protocol measures and in which unit (for tables and charts). */
export interface ProtocolInfo {
  readonly id: ProtocolId;
  readonly title: string;
  readonly unit: string;
}

/** Every protocol, by id. */
export const PROTOCOLS: Readonly<Record<ProtocolId, ProtocolInfo>> = {
  simplified_h36m: {
    id: "simplified_h36m",
    title: "Simplified Human3.6M (32 joints, % of image size)",
    unit: "% of image size",
  },
  h36m_pixels: {
    id: "h36m_pixels",
    title: "Human3.6M (17 official joints, pixels in the original frame)",
    unit: "px (original frame)",
  },
  face_iod: {
    id: "face_iod",
    title: "300-W (68 points, % of outer inter-ocular distance)",
    unit: "% of inter-ocular distance",
  },
  cat_eyes: {
    id: "cat_eyes",
    title: "Cat Head (7 of 9 points, % of eye distance)",
    unit: "% of eye distance",
  },
};

/** One protocol's score for one predictor on one split. */
export interface ProtocolScore {
  readonly protocol: ProtocolId;
  readonly flip: FlipMode;
  /** The protocol's headline number (mean over activities, or over images). */
  readonly all: number;
  /** Activity → mean (null when the split has none of it); `{}` for datasets without activities. */
  readonly perActivity: Readonly<Record<string, number | null>>;
  /** Number of images evaluated. */
  readonly count: number;
  /** Per evaluated keypoint (names as in the skeleton), the distribution over images. */
  readonly perKeypoint: readonly { readonly name: string; readonly dist: Distribution }[];
}

/** The test-split context a protocol needs besides the keypoints. */
export interface SplitContext {
  /** [N] activity index per image. */
  readonly activity: ArrayLike<number>;
  /** Activity names (empty when the dataset has none). */
  readonly activities: readonly string[];
  /** Side S of the square images. */
  readonly imageSize: number;
  /** Side of the original frame the S×S crop represents (pixel protocol). */
  readonly originalSize: number;
}

function score(
  protocol: ProtocolId,
  flip: FlipMode,
  errors: ImageErrors,
  ctx: SplitContext,
  skeleton: Skeleton,
): ProtocolScore {
  const agg = meanOverActivities(errors.perImage, ctx.activity, ctx.activities);
  const p = errors.points.length, n = errors.perImage.length;
  const perKeypoint = errors.points.map((j, c) => {
    const column = new Float64Array(n);
    for (let i = 0; i < n; i++) column[i] = errors.perPoint[i * p + c];
    return { name: skeleton.jointNames[j], dist: distribution(column) };
  });
  return {
    protocol,
    flip,
    all: agg.all,
    perActivity: ctx.activities.length > 0 ? agg.perActivity : {},
    count: n,
    perKeypoint,
  };
}

/** Plain and flip-invariant errors of one human protocol. */
function humanPair(
  protocol: ProtocolId,
  pred: KeypointBatch,
  gt: KeypointBatch,
  ctx: SplitContext,
  opts: { points?: readonly number[]; scale: number },
): ProtocolScore[] {
  const skeleton = SKELETONS.humans;
  const plain = pointErrors(pred, gt, opts);
  const swapped = pointErrors(pred, gt, {
    ...opts,
    gtPermutation: swapPermutation(gt.numPoints, skeleton.leftRight),
  });
  return [
    score(protocol, "plain", plain, ctx, skeleton),
    score(protocol, "min", minErrors(plain, swapped), ctx, skeleton),
  ];
}

/**
 * Every protocol score that applies to a dataset kind, for predictions `pred` against the
 * ground truth `gt` of one split.
 */
export function evaluateProtocols(
  kind: "humans" | "faces" | "cats",
  pred: KeypointBatch,
  gt: KeypointBatch,
  ctx: SplitContext,
): ProtocolScore[] {
  const skeleton = SKELETONS[kind];
  if (gt.numPoints !== skeleton.numPoints) {
    throw new Error(`${kind}: expected ${skeleton.numPoints} keypoints, got ${gt.numPoints}`);
  }
  if (kind === "humans") {
    // [-1, 1] → [0, 1] halves distances; ×100 gives % of image size.
    const pixels = ((ctx.imageSize - 1) / 2) * (ctx.originalSize / ctx.imageSize);
    return [
      ...humanPair("simplified_h36m", pred, gt, ctx, { scale: 50 }),
      ...humanPair("h36m_pixels", pred, gt, ctx, { points: H36M_OFFICIAL_17, scale: pixels }),
    ];
  }
  if (kind === "faces") {
    const errors = pointErrors(pred, gt, { scale: 100, normPair: FACE_OUTER_EYES });
    return [score("face_iod", null, errors, ctx, skeleton)];
  }
  const errors = pointErrors(pred, gt, { points: CAT_EVAL_POINTS, scale: 100, normPair: [0, 1] });
  return [score("cat_eyes", null, errors, ctx, skeleton)];
}
