/**
 * The articulated synthetic human: the 32-joint Human3.6M tree (skeletons.ts `H36M_PARENTS`)
 * with the real mocap mean bone lengths, per-subject proportions, joint-angle pose channels and
 * forward kinematics into the mocap world frame (mm; +x = subject's left, +y up, +z forward).
 *
 * @module
 */
import { H36M_PARENTS } from "../skeletons.ts";
import { apply3, identity3, mul3, rotX, rotY, rotZ, unit3 } from "./geometry.ts";
import type { Mat3, Vec3 } from "./geometry.ts";
import type { Rng } from "../rng.ts";

/** Mean bone lengths (mm) of the H3.6M mocap, bone parent(j) → j; index 0 unused. */
export const H36M_BONE_MM: readonly number[] = [
  0,
  133,
  443,
  454,
  163,
  75,
  133,
  443,
  454,
  163,
  75,
  0,
  233,
  257,
  121,
  115,
  257,
  151,
  279,
  252,
  0,
  100,
  100,
  0,
  257,
  151,
  279,
  252,
  0,
  100,
  137,
  0,
];

/** Rest direction of each bone in its parent's frame (standing, arms hanging). */
const REST_DIR: readonly Vec3[] = [
  [0, 1, 0],
  [-1, 0, 0], // r_hip
  [0, -1, 0],
  [0, -1, 0],
  [0, -0.28, 0.96], // foot
  [0, 0.1, 1], // toes
  [1, 0, 0], // l_hip
  [0, -1, 0],
  [0, -1, 0],
  [0, -0.28, 0.96],
  [0, 0.1, 1],
  [0, 1, 0], // pelvis (zero length)
  [0, 0.99, -0.12], // thorax
  [0, 0.99, 0.11], // neck
  [0, 0.64, 0.76], // head (in front of the neck, as in the mocap)
  [0, 0.94, -0.3], // head top
  [0, 0.99, 0.11], // l shoulder anchor (= neck)
  [0.96, -0.26, -0.09], // l clavicle
  [0.1, -1, 0], // l upper arm
  [0, -1, 0], // l forearm
  [0, -1, 0],
  [-0.3, -0.7, 0.5], // l thumb
  [0, -1, 0.1], // l hand
  [0, -1, 0],
  [0, 0.99, 0.11], // r shoulder anchor
  [-0.96, -0.26, -0.09],
  [-0.1, -1, 0],
  [0, -1, 0],
  [0, -1, 0],
  [0.3, -0.7, 0.5],
  [0, -1, 0.1],
  [0, -1, 0],
].map((v) => unit3(v as Vec3));

/** Pose channels (radians). Left/right limbs use the same sign conventions (mirrored). */
export const POSE_CHANNELS = [
  "rootYaw", // turn to the subject's left
  "rootPitch", // lean forward
  "rootRoll",
  "spineFlex", // bend forward
  "spineSide",
  "spineTwist",
  "chestFlex",
  "chestSide",
  "chestTwist",
  "neckFlex", // nod down
  "neckSide",
  "neckTwist", // look to the subject's left
  "lShrug",
  "lArmFlex", // raise forward
  "lArmAbd", // raise sideways
  "lArmTwist", // internal rotation about the arm's axis
  "lElbow", // bend
  "rShrug",
  "rArmFlex",
  "rArmAbd",
  "rArmTwist",
  "rElbow",
  "lHipFlex", // thigh forward
  "lHipAbd", // thigh outwards
  "lHipTwist", // internal rotation
  "lKnee", // bend (shin backwards)
  "lAnkle", // toes down
  "rHipFlex",
  "rHipAbd",
  "rHipTwist",
  "rKnee",
  "rAnkle",
] as const;

/** Name of a pose channel. */
export type PoseChannel = typeof POSE_CHANNELS[number];
/** Index of each channel in a pose vector. */
export const CH: Readonly<Record<PoseChannel, number>> = Object.fromEntries(
  POSE_CHANNELS.map((n, i) => [n, i]),
) as Record<PoseChannel, number>;
/** Number of pose channels. */
export const NUM_CHANNELS: number = POSE_CHANNELS.length;

/** Per-subject body: bone lengths (mm) and girth factors for the volumes. */
export interface BodyShape {
  /** Bone lengths, index = child joint. */
  readonly lengths: readonly number[];
  /** Limb radius factor (1 = average). */
  readonly girth: number;
  /** Torso width and depth factors. */
  readonly chest: number;
  readonly belly: number;
  /** Head size factor. */
  readonly head: number;
}

/** Draw a subject's proportions around the mocap mean. */
export function sampleBodyShape(rng: Rng): BodyShape {
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.uniform();
  const height = u(0.93, 1.07), legs = u(0.96, 1.04), arms = u(0.96, 1.04);
  const shoulders = u(0.92, 1.08), hips = u(0.92, 1.08);
  const lengths = H36M_BONE_MM.map((l, j) => {
    let f = height;
    if ([2, 3, 7, 8].includes(j)) f *= legs;
    if ([18, 19, 26, 27].includes(j)) f *= arms;
    if (j === 17 || j === 25) f *= shoulders;
    if (j === 1 || j === 6) f *= hips;
    return l * f;
  });
  return {
    lengths,
    girth: u(0.85, 1.2),
    chest: u(0.9, 1.12),
    belly: u(0.85, 1.2),
    head: u(0.95, 1.05),
  };
}

/** The mean body (mocap bone lengths, average girth). */
export const MEAN_BODY: BodyShape = {
  lengths: H36M_BONE_MM,
  girth: 1,
  chest: 1,
  belly: 1,
  head: 1,
};

/** Local rotation of a limb joint: twist about the bone axis, then flex, then abduction. */
function limb(flex: number, abd: number, twist: number): Mat3 {
  return mul3(rotZ(abd), mul3(rotX(flex), rotY(twist)));
}

/** Local rotation of every joint's incoming bone from a pose vector. */
function localRotations(p: ArrayLike<number>): Mat3[] {
  const L: Mat3[] = Array.from({ length: 32 }, identity3);
  L[0] = mul3(rotY(p[CH.rootYaw]), mul3(rotX(p[CH.rootPitch]), rotZ(p[CH.rootRoll])));
  L[12] = limb(p[CH.spineFlex], p[CH.spineSide], p[CH.spineTwist]);
  L[13] = L[16] = L[24] = limb(p[CH.chestFlex], p[CH.chestSide], p[CH.chestTwist]);
  L[14] = limb(p[CH.neckFlex], p[CH.neckSide], p[CH.neckTwist]);
  // Left side: + abduction = towards +x, + twist (internal rotation) = Ry(−θ) (front → medial);
  // the right side is the mirror image (rotations about y and z negated).
  L[17] = rotZ(p[CH.lShrug]);
  L[25] = rotZ(-p[CH.rShrug]);
  L[18] = limb(-p[CH.lArmFlex], p[CH.lArmAbd], -p[CH.lArmTwist]);
  L[26] = limb(-p[CH.rArmFlex], -p[CH.rArmAbd], p[CH.rArmTwist]);
  L[19] = rotX(-p[CH.lElbow]);
  L[27] = rotX(-p[CH.rElbow]);
  L[7] = limb(-p[CH.lHipFlex], p[CH.lHipAbd], -p[CH.lHipTwist]);
  L[2] = limb(-p[CH.rHipFlex], -p[CH.rHipAbd], p[CH.rHipTwist]);
  L[8] = rotX(p[CH.lKnee]);
  L[3] = rotX(p[CH.rKnee]);
  L[9] = rotX(p[CH.lAnkle]);
  L[4] = rotX(p[CH.rAnkle]);
  return L;
}

/** Posed body: joint positions `[32, 3]` (mm, world frame) and each bone's world rotation. */
export interface PosedBody {
  readonly joints: Float64Array;
  readonly frames: readonly Mat3[];
}

/** Forward kinematics of `shape` in pose `pose` (a vector of `NUM_CHANNELS` angles). */
export function forwardKinematics(shape: BodyShape, pose: ArrayLike<number>): PosedBody {
  const L = localRotations(pose);
  const W: Mat3[] = new Array(32);
  const joints = new Float64Array(96);
  W[0] = L[0];
  for (let j = 1; j < 32; j++) {
    const par = H36M_PARENTS[j];
    W[j] = mul3(W[par], L[j]);
    const d = apply3(W[j], REST_DIR[j]);
    for (let c = 0; c < 3; c++) joints[3 * j + c] = joints[3 * par + c] + d[c] * shape.lengths[j];
  }
  return { joints, frames: W };
}
