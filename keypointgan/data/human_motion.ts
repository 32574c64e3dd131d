/**
 * Procedural joint-angle trajectories for the six Simplified-Human3.6M activities. Each video
 * gets keyframed postures drawn from an activity-specific repertoire (eased, with holds), plus
 * activity oscillations (waving, talking beats, the gait cycle) and a little idle sway, so the
 * activities differ in how much and how the body moves — Table 1's per-activity columns.
 *
 * @module
 */
import { CH, NUM_CHANNELS } from "./human_body.ts";
import type { PoseChannel } from "./human_body.ts";
import type { Rng } from "../rng.ts";

/** The activities, in the order of `DatasetHeader.activities`. */
export const ACTIVITIES = ["wait", "pose", "greet", "direct", "discuss", "walk"] as const;
/** One activity. */
export type Activity = typeof ACTIVITIES[number];

/** A motion: fills a pose vector for time `t` (seconds). */
export type Motion = (t: number, out: Float64Array) => void;

// Auxiliary keyframe slots after the pose channels: oscillation amplitudes per arm.
const AUX_L_ELBOW = NUM_CHANNELS, AUX_R_ELBOW = NUM_CHANNELS + 1;
const AUX_L_FLEX = NUM_CHANNELS + 2, AUX_R_FLEX = NUM_CHANNELS + 3;
const KEY_LEN = NUM_CHANNELS + 4;

type Range = readonly [number, number];
type Spec = Partial<Record<PoseChannel, Range>>;

/** Arm repertoire, for the left arm (the right one uses the same numbers, mirrored by FK). */
const ARM: Record<string, Record<"Flex" | "Abd" | "Twist" | "Elbow", Range>> = {
  hang: { Flex: [-0.1, 0.15], Abd: [0.05, 0.25], Twist: [-0.2, 0.3], Elbow: [0.05, 0.35] },
  hip: { Flex: [-0.25, 0], Abd: [0.6, 0.85], Twist: [1.2, 1.5], Elbow: [1.7, 2.0] },
  crossed: { Flex: [0.45, 0.7], Abd: [-0.3, -0.1], Twist: [1.2, 1.5], Elbow: [1.8, 2.2] },
  clasped: { Flex: [0.15, 0.35], Abd: [-0.15, 0.05], Twist: [0.7, 1.0], Elbow: [0.9, 1.3] },
  behind: { Flex: [-0.55, -0.3], Abd: [0.05, 0.2], Twist: [0.9, 1.3], Elbow: [0.8, 1.2] },
  overhead: { Flex: [2.5, 3.0], Abd: [0.1, 0.5], Twist: [-0.2, 0.2], Elbow: [0, 0.4] },
  spread: { Flex: [-0.2, 0.3], Abd: [1.3, 1.7], Twist: [-0.3, 0.3], Elbow: [0, 0.3] },
  biceps: { Flex: [0, 0.2], Abd: [1.3, 1.5], Twist: [-1.6, -1.3], Elbow: [1.7, 2.1] },
  point: { Flex: [0.6, 1.6], Abd: [0, 1.3], Twist: [-0.2, 0.3], Elbow: [0, 0.25] },
  gesture: { Flex: [0.15, 0.55], Abd: [0.1, 0.45], Twist: [0.2, 0.7], Elbow: [1.1, 1.8] },
  wave: { Flex: [0.1, 0.4], Abd: [1.2, 1.5], Twist: [-1.6, -1.2], Elbow: [1.2, 1.5] },
  shake: { Flex: [0.6, 0.9], Abd: [0.05, 0.2], Twist: [0.1, 0.4], Elbow: [0.4, 0.8] },
  open: { Flex: [0.4, 0.7], Abd: [0.8, 1.2], Twist: [-0.3, 0.1], Elbow: [0.2, 0.5] },
  // Raised high but bent (the `wide` repertoire's "overhead"): the hands stay inside the frame.
  raised: { Flex: [1.9, 2.4], Abd: [0.2, 0.7], Twist: [-0.2, 0.2], Elbow: [0.5, 1.1] },
};

const STAND: Spec = {
  lHipFlex: [-0.05, 0.1],
  rHipFlex: [-0.05, 0.1],
  lHipAbd: [0, 0.12],
  rHipAbd: [0, 0.12],
  lKnee: [0, 0.15],
  rKnee: [0, 0.15],
  spineFlex: [-0.05, 0.12],
  spineSide: [-0.06, 0.06],
  spineTwist: [-0.15, 0.15],
  chestTwist: [-0.1, 0.1],
  neckFlex: [-0.1, 0.25],
  neckSide: [-0.1, 0.1],
  neckTwist: [-0.5, 0.5],
};

function u(rng: Rng, r: Range): number {
  return r[0] + (r[1] - r[0]) * rng.uniform();
}

/** A keyframe: STAND plus `spec`, both arms from the named repertoire entries. */
function key(rng: Rng, spec: Spec, left: string, right: string): Float64Array {
  const k = new Float64Array(KEY_LEN);
  const all: Spec = { ...STAND, ...spec };
  for (const [name, range] of Object.entries(all)) k[CH[name as PoseChannel]] = u(rng, range!);
  for (const [side, mode] of [["l", left], ["r", right]] as const) {
    for (const part of ["Flex", "Abd", "Twist", "Elbow"] as const) {
      const ch = part === "Elbow" ? `${side}Elbow` : `${side}Arm${part}`;
      k[CH[ch as PoseChannel]] = u(rng, ARM[mode][part]);
    }
  }
  return k;
}

function pick<T>(rng: Rng, items: readonly T[], weights?: readonly number[]): T {
  const w = weights ?? items.map(() => 1);
  let r = rng.uniform() * w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < items.length; i++) if ((r -= w[i]) < 0) return items[i];
  return items[items.length - 1];
}

/** Keyframe samplers per activity (the first argument is the key index). */
const KEYS: Record<Activity, (rng: Rng) => Float64Array> = {
  wait: (rng) => {
    const mode = pick(rng, ["hang", "clasped", "behind", "crossed", "hip"], [4, 1.5, 1.5, 1.5, 1]);
    const other = mode === "hip" ? "hang" : mode;
    const leftFirst = rng.uniform() < 0.5;
    const lean = rng.uniform() < 0.5 ? "l" : "r";
    const k = key(
      rng,
      { [`${lean}Knee`]: [0.1, 0.3], rootRoll: [-0.04, 0.04] },
      leftFirst ? mode : other,
      leftFirst ? other : mode,
    );
    return k;
  },
  pose: (rng) => {
    const modes = ["overhead", "spread", "hip", "biceps", "point", "hang"];
    const leg = pick(rng, ["stand", "lunge", "wide"]);
    const front = rng.uniform() < 0.5 ? "l" : "r", back = front === "l" ? "r" : "l";
    const legs: Spec = leg === "lunge"
      ? {
        [`${front}HipFlex`]: [0.6, 0.9],
        [`${front}Knee`]: [0.8, 1.2],
        [`${back}HipFlex`]: [-0.35, -0.2],
      }
      : leg === "wide"
      ? { lHipAbd: [0.2, 0.32], rHipAbd: [0.2, 0.32], lKnee: [0.1, 0.35], rKnee: [0.1, 0.35] }
      : {};
    const torso: Spec = {
      spineSide: [-0.25, 0.25],
      spineTwist: [-0.4, 0.4],
      chestFlex: [-0.1, 0.2],
    };
    return key(rng, { ...legs, ...torso }, pick(rng, modes), pick(rng, modes));
  },
  greet: (rng) => {
    const what = pick(rng, ["wave", "shake", "bow", "open"], [3, 2, 1.5, 1]);
    const side = rng.uniform() < 0.7 ? "r" : "l"; // mostly right-handed
    if (what === "bow") {
      return key(rng, { spineFlex: [0.4, 0.7], neckFlex: [0.15, 0.35] }, "hang", "hang");
    }
    if (what === "open") return key(rng, {}, "open", "open");
    const k = key(rng, {}, side === "l" ? what : "hang", side === "r" ? what : "hang");
    if (what === "wave") k[side === "l" ? AUX_L_ELBOW : AUX_R_ELBOW] = u(rng, [0.35, 0.55]);
    else k[side === "l" ? AUX_L_FLEX : AUX_R_FLEX] = u(rng, [0.08, 0.15]);
    return k;
  },
  direct: (rng) => {
    const side = rng.uniform() < 0.5 ? "l" : "r";
    const other = pick(rng, ["hang", "hip", "gesture"], [3, 1, 1]);
    const turn = side === "l" ? 1 : -1;
    const k = key(rng, {}, side === "l" ? "point" : other, side === "r" ? "point" : other);
    k[CH.chestTwist] = turn * u(rng, [0.1, 0.35]);
    k[CH.neckTwist] = turn * u(rng, [0.2, 0.6]);
    if (rng.uniform() < 0.3) k[side === "l" ? AUX_L_ELBOW : AUX_R_ELBOW] = u(rng, [0.15, 0.3]);
    return k;
  },
  discuss: (rng) => {
    const raised = pick(rng, ["gesture", "point", "hang"], [5, 1, 1]);
    const k = key(rng, { spineTwist: [-0.25, 0.25] }, "gesture", raised);
    if (rng.uniform() < 0.5) [k[CH.lArmFlex], k[CH.rArmFlex]] = [k[CH.rArmFlex], k[CH.lArmFlex]];
    k[AUX_L_ELBOW] = u(rng, [0.1, 0.3]);
    k[AUX_R_ELBOW] = u(rng, [0.1, 0.3]);
    k[AUX_L_FLEX] = u(rng, [0.05, 0.15]);
    k[AUX_R_FLEX] = u(rng, [0.05, 0.15]);
    return k;
  },
  walk: (rng) => key(rng, { spineFlex: [0, 0.1], neckTwist: [-0.3, 0.3] }, "hang", "hang"),
};

/**
 * The motion repertoire of a dataset: `narrow`, the everyday range of the six Simplified-H3.6M
 * activities (standing, arms mostly low: the mean pose is a good guess), or `wide`, the same
 * activities with large-range keyframes mixed in — squats and sitting, bending forward and
 * sideways, kicks, lunges, arms overhead — and walking across the frame, so that a model must
 * read the pose off the image to beat the mean pose (issue 15's benchmark).
 */
export type MotionRange = "narrow" | "wide";
export const MOTION_RANGES: readonly MotionRange[] = ["narrow", "wide"];

// Fully stretched overhead arms leave the Simplified-H3.6M framing: `wide` raises them bent.
const ANY_ARM = Object.keys(ARM).filter((m) => m !== "overhead");

/** Large-range keyframes (on top of STAND), mixed into every activity in `wide` mode. */
const WIDE: readonly ((rng: Rng) => Float64Array)[] = [
  // squat / sit (the pelvis drops: see groundContact)
  (rng) =>
    key(
      rng,
      {
        lHipFlex: [1.2, 1.7],
        rHipFlex: [1.2, 1.7],
        lKnee: [1.5, 2.2],
        rKnee: [1.5, 2.2],
        lHipAbd: [0.05, 0.3],
        rHipAbd: [0.05, 0.3],
        spineFlex: [0.15, 0.5],
      },
      pick(rng, ANY_ARM),
      pick(rng, ANY_ARM),
    ),
  // bend forward from the hips
  (rng) =>
    key(
      rng,
      { spineFlex: [0.7, 1.2], lHipFlex: [0.3, 0.7], rHipFlex: [0.3, 0.7], neckFlex: [-0.3, 0] },
      pick(rng, ["hang", "spread", "point"]),
      pick(rng, ["hang", "spread", "point"]),
    ),
  // bend sideways, one arm overhead
  (rng) => {
    const side = rng.uniform() < 0.5 ? 1 : -1;
    const k = key(rng, {}, side > 0 ? "raised" : "hip", side > 0 ? "hip" : "raised");
    k[CH.spineSide] = side * u(rng, [0.35, 0.6]);
    return k;
  },
  // kick / knee raise on one leg
  (rng) => {
    const leg = rng.uniform() < 0.5 ? "l" : "r";
    return key(
      rng,
      { [`${leg}HipFlex`]: [0.9, 1.6], [`${leg}Knee`]: [0, 1.6], spineFlex: [-0.1, 0.2] },
      pick(rng, ["spread", "open", "gesture", "raised"]),
      pick(rng, ["spread", "open", "gesture", "raised"]),
    );
  },
  // deep lunge
  (rng) => {
    const front = rng.uniform() < 0.5 ? "l" : "r", back = front === "l" ? "r" : "l";
    return key(
      rng,
      {
        [`${front}HipFlex`]: [1.0, 1.5],
        [`${front}Knee`]: [1.2, 1.8],
        [`${back}HipFlex`]: [-0.6, -0.3],
        [`${back}Knee`]: [0.6, 1.4],
      },
      pick(rng, ANY_ARM),
      pick(rng, ANY_ARM),
    );
  },
  // star: arms up or out, legs apart
  (rng) =>
    key(
      rng,
      { lHipAbd: [0.25, 0.5], rHipAbd: [0.25, 0.5] },
      pick(rng, ["raised", "spread"]),
      pick(rng, ["raised", "spread"]),
    ),
];

/** Share of `wide` keyframes drawn from the large-range repertoire. */
const WIDE_SHARE = 0.6;

/** Seconds between keyframes and the fraction of each segment spent holding the pose. */
const TIMING: Record<Activity, { gap: Range; hold: number; yawStep: number }> = {
  wait: { gap: [2.5, 5], hold: 0.5, yawStep: 0.15 },
  pose: { gap: [1.5, 3], hold: 0.55, yawStep: 0.3 },
  greet: { gap: [2, 3.5], hold: 0.3, yawStep: 0.3 },
  direct: { gap: [1.5, 3], hold: 0.4, yawStep: 0.3 },
  discuss: { gap: [1.5, 2.5], hold: 0.25, yawStep: 0.2 },
  walk: { gap: [2, 4], hold: 0, yawStep: 0.7 },
};

interface Keys {
  readonly times: number[];
  readonly values: Float64Array[];
}

/** Keyframes covering [0, duration], with the root yaw kept in [−yawMax, yawMax]. */
function buildKeys(
  rng: Rng,
  activity: Activity,
  duration: number,
  yawMax: number,
  range: MotionRange,
): Keys {
  const { gap, yawStep } = TIMING[activity];
  const times: number[] = [], values: Float64Array[] = [];
  let t = -u(rng, gap) * rng.uniform(); // random phase: videos do not start on a keyframe
  let yaw = (2 * rng.uniform() - 1) * yawMax;
  while (times.length < 2 || times[times.length - 2] <= duration) {
    // `narrow` draws nothing extra, so its videos stay identical to before `wide` existed.
    const wide = range === "wide" && activity !== "walk" && rng.uniform() < WIDE_SHARE;
    const k = wide ? pick(rng, WIDE)(rng) : KEYS[activity](rng);
    yaw = Math.max(-yawMax, Math.min(yawMax, yaw + yawStep * rng.normal()));
    k[CH.rootYaw] = yaw;
    times.push(t);
    values.push(k);
    t += u(rng, gap);
  }
  return { times, values };
}

function evalKeys(keys: Keys, hold: number, t: number, out: Float64Array): void {
  const { times, values } = keys;
  let i = 0;
  while (i < times.length - 2 && times[i + 1] <= t) i++;
  const s = Math.min(1, Math.max(0, (t - times[i]) / (times[i + 1] - times[i])));
  const h = Math.min(1, Math.max(0, (s - hold) / (1 - hold)));
  const e = h * h * (3 - 2 * h);
  for (let c = 0; c < KEY_LEN; c++) out[c] = values[i][c] + e * (values[i + 1][c] - values[i][c]);
}

/** The gait cycle (phase φ of the right leg) added on top of the walking keyframes. */
function gait(phase: number, k: Float64Array): void {
  for (const [side, ph] of [["r", phase], ["l", phase + Math.PI]] as const) {
    k[CH[`${side}HipFlex`]] = 0.05 + 0.42 * Math.sin(ph);
    k[CH[`${side}Knee`]] = 0.1 + 0.6 * Math.max(0, Math.cos(ph + 0.3));
    k[CH[`${side}Ankle`]] = 0.15 * Math.sin(ph + 1);
    // Each arm swings with the opposite leg.
    const arm = side === "r" ? "l" : "r";
    k[CH[`${arm}ArmFlex`]] += 0.35 * Math.sin(ph);
    k[CH[`${arm}Elbow`]] += 0.2 + 0.15 * Math.sin(ph);
  }
  k[CH.spineTwist] += 0.1 * Math.sin(phase);
  k[CH.rootRoll] += 0.03 * Math.sin(2 * phase);
  k[CH.rootPitch] += 0.06;
}

/**
 * The motion of one video: `yawMax` (radians) bounds the body's facing relative to the camera.
 * Draws a fixed amount from `rng` up front; evaluating the motion draws nothing.
 */
export function makeMotion(
  activity: Activity,
  rng: Rng,
  duration: number,
  yawMax: number,
  range: MotionRange = "narrow",
): Motion {
  const keys = buildKeys(rng, activity, duration, yawMax, range);
  const hold = TIMING[activity].hold;
  const beat = u(rng, [1.2, 2.2]), beatPhase = u(rng, [0, 6.3]);
  const cadence = u(rng, [0.8, 1.0]), gaitPhase = u(rng, [0, 6.3]);
  const sway = Array.from({ length: 6 }, () => [u(rng, [0.1, 0.4]), u(rng, [0, 6.3])]);
  return (t, out) => {
    const k = new Float64Array(KEY_LEN);
    evalKeys(keys, hold, t, k);
    const w = 2 * Math.PI * beat * t + beatPhase;
    k[CH.lElbow] += k[AUX_L_ELBOW] * Math.sin(w);
    k[CH.rElbow] += k[AUX_R_ELBOW] * Math.sin(w + 1.3);
    k[CH.lArmFlex] += k[AUX_L_FLEX] * Math.sin(0.5 * w + 0.7);
    k[CH.rArmFlex] += k[AUX_R_FLEX] * Math.sin(0.5 * w + 2.1);
    if (activity === "walk") gait(2 * Math.PI * cadence * t + gaitPhase, k);
    // Idle sway: slow, small, on the torso and head.
    const idle = [
      CH.spineSide,
      CH.spineFlex,
      CH.chestTwist,
      CH.neckFlex,
      CH.neckTwist,
      CH.neckSide,
    ];
    idle.forEach((c, i) => (k[c] += 0.03 * Math.sin(2 * Math.PI * sway[i][0] * t + sway[i][1])));
    out.set(k.subarray(0, NUM_CHANNELS));
  };
}

/** Horizontal root offset (mm, world x and z) at time t. */
export type RootPath = (t: number) => readonly [number, number];

/**
 * Where the body stands over time: fixed in `narrow` (draws nothing); in `wide`, walkers cross the
 * frame (±150–350 mm, a period of 5–9 s) and everyone else drifts a little (≤ ±60 mm).
 */
export function makeRootPath(activity: Activity, rng: Rng, range: MotionRange): RootPath {
  if (range === "narrow") return () => [0, 0];
  const walk = activity === "walk";
  const amp = u(rng, walk ? [150, 350] : [0, 60]);
  const period = u(rng, walk ? [5, 9] : [6, 12]), phase = u(rng, [0, 6.3]);
  const depth = u(rng, [-100, 100]);
  return (t) => [amp * Math.sin((2 * Math.PI * t) / period + phase), depth];
}
