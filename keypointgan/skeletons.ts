/**
 * Keypoint layouts and the edge sets the skeleton renderer β draws (digest §3.2–3.3).
 *
 * Coordinates everywhere in keypointgan/: keypoints are (x = column, y = row) in [-1, 1],
 * matching the renderer's pixel grid `linspace(-1, 1, S)`: pixel centre i ↔ -1 + 2i/(S-1).
 * Use `toNormalized` / `toPixels` to convert from/to pixel coordinates of an S×S image.
 *
 * @module
 */

/** A keypoint layout: names, the edges β renders, and left/right pairs for flips. */
export interface Skeleton {
  readonly name: string;
  readonly numPoints: number;
  readonly jointNames: readonly string[];
  /** Pairs (i, j) rendered as segments by β. */
  readonly edges: readonly (readonly [number, number])[];
  /** (left, right) correspondences, used by the flip-invariant metric. */
  readonly leftRight: readonly (readonly [number, number])[];
}

/**
 * Human3.6M 32-joint layout (the joint order of the official code and of `h36m-prior`).
 * Parents of the standard H3.6M forward-kinematics tree; several joints coincide
 * (11 = 0, 16 = 24 = 13, wrist/hand duplicates), as in the dataset.
 */
export const H36M_PARENTS: readonly number[] = [
  -1,
  0,
  1,
  2,
  3,
  4,
  0,
  6,
  7,
  8,
  9,
  0,
  11,
  12,
  13,
  14,
  12,
  16,
  17,
  18,
  19,
  20,
  19,
  22,
  12,
  24,
  25,
  26,
  27,
  28,
  27,
  30,
];

const H36M_NAMES = [
  "hip",
  "r_hip",
  "r_knee",
  "r_ankle",
  "r_toe_base",
  "r_toe",
  "l_hip",
  "l_knee",
  "l_ankle",
  "l_toe_base",
  "l_toe",
  "pelvis",
  "thorax",
  "neck",
  "head",
  "head_top",
  "l_shoulder_anchor",
  "l_shoulder",
  "l_elbow",
  "l_wrist",
  "l_wrist_dup",
  "l_thumb",
  "l_hand",
  "l_hand_dup",
  "r_shoulder_anchor",
  "r_shoulder",
  "r_elbow",
  "r_wrist",
  "r_wrist_dup",
  "r_thumb",
  "r_hand",
  "r_hand_dup",
] as const;

/** `human36m_simple2` (digest §3.2): 16 edges over 17 joints; the other 15 joints are never drawn. */
export const HUMAN: Skeleton = {
  name: "human36m_simple2",
  numPoints: 32,
  jointNames: H36M_NAMES,
  edges: [
    [1, 11],
    [2, 1],
    [3, 2],
    [5, 3], // right leg
    [6, 11],
    [7, 6],
    [8, 7],
    [10, 8], // left leg
    [13, 11],
    [15, 13], // spine, head
    [17, 13],
    [18, 17],
    [19, 18], // left arm
    [25, 13],
    [26, 25],
    [27, 26], // right arm
  ],
  leftRight: [
    [6, 1],
    [7, 2],
    [8, 3],
    [9, 4],
    [10, 5],
    [16, 24],
    [17, 25],
    [18, 26],
    [19, 27],
    [20, 28],
    [21, 29],
    [22, 30],
    [23, 31],
  ],
};

/** The 17 "official" H3.6M joints used by the full-H3.6M pixel-error protocol (digest §3.2). */
export const H36M_OFFICIAL_17: readonly number[] = [
  1,
  2,
  3,
  6,
  7,
  8,
  11,
  12,
  13,
  14,
  15,
  17,
  18,
  19,
  25,
  26,
  27,
];

/** Consecutive links within [a, b], closed into a loop when asked. */
function chain(a: number, b: number, loop = false): [number, number][] {
  const out: [number, number][] = [];
  for (let i = a; i < b; i++) out.push([i, i + 1]);
  if (loop) out.push([b, a]);
  return out;
}

/** iBUG-68 mirror pairs (left, right) in image terms. */
const FACE_LR: [number, number][] = [
  ...Array.from({ length: 8 }, (_, i) => [i, 16 - i] as [number, number]),
  ...Array.from({ length: 5 }, (_, i) => [17 + i, 26 - i] as [number, number]),
  [31, 35],
  [32, 34],
  [36, 45],
  [37, 44],
  [38, 43],
  [39, 42],
  [40, 47],
  [41, 46],
  [48, 54],
  [49, 53],
  [50, 52],
  [59, 55],
  [58, 56],
  [60, 64],
  [61, 63],
  [67, 65],
];

/** iBUG-68 faces (digest §3.3): consecutive points within each group; eyes and lips closed. */
export const FACE: Skeleton = {
  name: "ibug68",
  numPoints: 68,
  jointNames: Array.from({ length: 68 }, (_, i) => `p${i}`),
  edges: [
    ...chain(0, 16), // jaw
    ...chain(17, 21), // right brow (image left)
    ...chain(22, 26), // left brow
    ...chain(27, 30), // nose bridge
    ...chain(31, 35), // nostrils
    ...chain(36, 41, true), // eye
    ...chain(42, 47, true), // eye
    ...chain(48, 59, true), // outer lip
    ...chain(60, 67, true), // inner lip
  ],
  leftRight: FACE_LR,
};

/** Outer eye corners (0-based) used as the 300-W inter-ocular normaliser. */
export const FACE_OUTER_EYES: readonly [number, number] = [36, 45];

/**
 * Cat Head (Zhang, Sun & Tang 2008) 9 points: left eye, right eye, mouth, left ear ×3,
 * right ear ×3 (the middle ear point is the tip). The paper's edge set is unknown
 * (digest §3.3); we draw the eye–mouth triangle and each ear as a triangle.
 */
export const CAT: Skeleton = {
  name: "cat9",
  numPoints: 9,
  jointNames: [
    "l_eye",
    "r_eye",
    "mouth",
    "l_ear_1",
    "l_ear_tip",
    "l_ear_3",
    "r_ear_1",
    "r_ear_tip",
    "r_ear_3",
  ],
  edges: [[0, 1], [0, 2], [1, 2], [3, 4], [4, 5], [5, 3], [6, 7], [7, 8], [8, 6]],
  leftRight: [[0, 1], [3, 6], [4, 7], [5, 8]],
};

/** Cat protocol (digest §6.4): 7 of 9 points (ear tips dropped), normalised by eye distance. */
export const CAT_EVAL_POINTS: readonly number[] = [0, 1, 2, 3, 5, 6, 8];

/** Skeletons by dataset kind. */
export const SKELETONS: Readonly<Record<"humans" | "faces" | "cats", Skeleton>> = {
  humans: HUMAN,
  faces: FACE,
  cats: CAT,
};

/** Pixel coordinate (pixel centre i at i) in an image of `size` pixels → [-1, 1]. */
export function toNormalized(px: number, size: number): number {
  return (2 * px) / (size - 1) - 1;
}

/** [-1, 1] → pixel coordinate in an image of `size` pixels. */
export function toPixels(v: number, size: number): number {
  return ((v + 1) * (size - 1)) / 2;
}
