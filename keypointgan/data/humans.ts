/**
 * Synthetic humans, a "Simplified Human3.6M"-like video dataset: subjects with their own body
 * proportions and clothes perform the six activities in front of a static camera; frames are
 * ray-cast shaded volumes with a depth buffer (self-occlusion), on per-video backgrounds.
 * Ground truth: all 32 H3.6M joints, framed by the shared `frameBody`.
 *
 * @module
 */
import { HUMAN } from "../skeletons.ts";
import { Rng } from "../rng.ts";
import { BODY_FRAMING, bodyProjector, frameBody, sampleBodyCamera } from "./framing.ts";
import type { BodyCameraRanges } from "./framing.ts";
import { forwardKinematics, NUM_CHANNELS, sampleBodyShape } from "./human_body.ts";
import type { BodyShape, PosedBody } from "./human_body.ts";
import { ACTIVITIES, makeMotion, makeRootPath, type MotionRange } from "./human_motion.ts";
import { bodyPrimitives, sampleHumanLook } from "./human_render.ts";
import type { HumanLook } from "./human_render.ts";
import { renderScene } from "./raster.ts";
import { addNoise, sampleLight, videoBackground } from "./shading.ts";
import { halves, whole } from "./synthetic.ts";
import type { Segment, SyntheticGenerator, SyntheticVideo, VideoSpec } from "./synthetic.ts";

/** Appearance and difficulty knobs of the synthetic humans. */
export interface HumanOptions {
  readonly dataSeed: number;
  readonly imageSize: number;
  /** Supersampling factor per axis (anti-aliasing). */
  readonly supersample: number;
  /** Simulated frames per second (motion speed between consecutive frames). */
  readonly fps: number;
  readonly camera: BodyCameraRanges;
  /** Background clutter ∈ [0, 1] (0: plain gradient walls). */
  readonly clutter: number;
  /** Clothing texture ∈ [0, 1] (chance and contrast of stripes / checks / dots). */
  readonly texture: number;
  /** Sensor noise standard deviation in [0, 1] intensity units. */
  readonly noise: number;
  /**
   * `scene`: per-video rooms (walls, floor, clutter); `black`: the person on black, as the
   * official Simplified-H3.6M loader multiplies every frame by its foreground mask (digest §5.2).
   */
  readonly background: "scene" | "black";
  /** Motion repertoire: `narrow` (everyday range) or `wide` (large-range poses, walking across). */
  readonly motion: MotionRange;
}

/** Subject names: the H3.6M training subjects, then the test subjects, then extra ones. */
export const HUMAN_TRAIN_SUBJECTS = ["S1", "S5", "S6", "S7", "S8"];
export const HUMAN_TEST_SUBJECTS = ["S9", "S11"];

/** Shape and look of a subject: a stream of its own, identical in every video of the subject. */
function subject(
  seed: number,
  name: string,
  texture: number,
): { shape: BodyShape; look: HumanLook } {
  const rng = Rng.derive(seed, `humans/subject/${name}`);
  return { shape: sampleBodyShape(rng), look: sampleHumanLook(rng, texture) };
}

/** The synthetic-humans generator. */
export function humanGenerator(opts: HumanOptions): SyntheticGenerator {
  const S = opts.imageSize, ss = opts.supersample;
  const yawMax = (opts.camera.yawRange * Math.PI) / 180;
  const video = (spec: VideoSpec): SyntheticVideo => {
    const { shape, look } = subject(opts.dataSeed, spec.subjectName, opts.texture);
    const rng = Rng.derive(opts.dataSeed, `humans/video/${spec.id}`);
    // The body's facing comes from the motion (it turns); the camera only tilts, rolls, zooms.
    const camera = sampleBodyCamera(rng, { ...opts.camera, yawRange: 0 });
    const activity = ACTIVITIES[spec.activity];
    const motion = makeMotion(activity, rng, spec.frames / opts.fps, yawMax, opts.motion);
    const light = sampleLight(rng);
    const bgSeed = rng.nextU32();
    let background: Float32Array | undefined;
    const pose = new Float64Array(NUM_CHANNELS);
    // Drawn after every other stream of the video, so `narrow` videos are unchanged.
    const path = makeRootPath(activity, rng, opts.motion);
    const floor = lowestY(forwardKinematics(shape, new Float64Array(NUM_CHANNELS)).joints);
    const posed = (f: number): PosedBody => {
      motion(f / opts.fps, pose);
      const body = forwardKinematics(shape, pose);
      if (opts.motion === "narrow") return body;
      // Ground contact (squats and lunges lower the pelvis) and the walk across the frame.
      const [dx, dz] = path(f / opts.fps), dy = floor - lowestY(body.joints);
      for (let j = 0; j < body.joints.length; j += 3) {
        body.joints[j] += dx;
        body.joints[j + 1] += dy;
        body.joints[j + 2] += dz;
      }
      return body;
    };
    const bg = () => (background ??= videoBackground(opts.background, bgSeed, S, ss, opts));
    return {
      keypoints(f, out, offset) {
        frameBody(posed(f).joints, camera, S, out, offset);
      },
      background(out, offset) {
        out.set(renderScene([], S, ss, bg()).image, offset);
      },
      render(f, out, offset) {
        const background = bg();
        const prims = bodyPrimitives(posed(f), shape, look, bodyProjector(camera, S), light);
        const { image } = renderScene(prims, S, ss, background);
        addNoise(image, opts.noise, Rng.derive(bgSeed, `noise/${f}`));
        out.set(image, offset);
      },
    };
  };
  return {
    kind: "humans",
    name: "synthetic-humans",
    skeleton: HUMAN,
    activities: ACTIVITIES,
    originalSize: BODY_FRAMING.originalSize,
    provenance: { ...opts, framing: BODY_FRAMING },
    video,
  };
}

/** The smallest y (up axis, mm) of a joint array `[32 × 3]`. */
function lowestY(joints: Float64Array): number {
  let m = Infinity;
  for (let j = 1; j < joints.length; j += 3) m = Math.min(m, joints[j]);
  return m;
}

/** How many videos and frames the human dataset has. */
export interface HumanLayoutOptions {
  readonly trainSubjects: number;
  readonly testSubjects: number;
  readonly trainVideos: number;
  readonly testVideos: number;
  readonly framesPerVideo: number;
  readonly testFramesPerVideo: number;
  /** "second-half": prior = second halves of the training videos (paper); "other-videos": extra videos. */
  readonly priorFrom: "second-half" | "other-videos";
}

function names(base: string[], n: number, offset: number): string[] {
  return Array.from({ length: n }, (_, i) => base[i] ?? `S${100 + offset + i}`);
}

/**
 * Videos cycle over subjects, then activities, then repetitions, so every subject performs every
 * activity as evenly as the counts allow. Video ids: training, then test, then extra prior videos.
 */
export function humanLayout(o: HumanLayoutOptions): { segments: Segment[]; subjects: string[] } {
  const train = names(HUMAN_TRAIN_SUBJECTS, o.trainSubjects, 0);
  const test = names(HUMAN_TEST_SUBJECTS, o.testSubjects, o.trainSubjects);
  const subjects = [...train, ...test];
  const spec = (
    id: number,
    v: number,
    pool: string[],
    offset: number,
    frames: number,
  ): VideoSpec => ({
    id,
    subject: offset + (v % pool.length),
    subjectName: pool[v % pool.length],
    activity: Math.floor(v / pool.length) % ACTIVITIES.length,
    frames,
  });
  const segments: Segment[] = [];
  for (let v = 0; v < o.trainVideos; v++) {
    const s = spec(v, v, train, 0, o.framesPerVideo);
    segments.push(...(o.priorFrom === "second-half" ? halves(s) : [whole(s, "train")]));
  }
  for (let v = 0; v < o.testVideos; v++) {
    segments.push(
      whole(spec(o.trainVideos + v, v, test, train.length, o.testFramesPerVideo), "test"),
    );
  }
  if (o.priorFrom === "other-videos") {
    for (let v = 0; v < o.trainVideos; v++) {
      const id = o.trainVideos + o.testVideos + v;
      segments.push(whole(spec(id, v + 1, train, 0, o.framesPerVideo), "prior"));
    }
  }
  return { segments, subjects };
}
