/**
 * Synthetic faces, a VoxCeleb-like talking-head video dataset with 68 iBUG landmarks: one
 * identity per video (face shape and look), head yaw/pitch/roll, speech (mouth opening), smiles,
 * brow movements and blinks over time. Every frame is cropped like 300-W: the square of the
 * landmark bounding box enlarged 1.5× about its centre, so a real 300-W prior is compatible.
 *
 * @module
 */
import { FACE } from "../skeletons.ts";
import { Rng } from "../rng.ts";
import { apply3, mul3, rotX, rotY, rotZ } from "./geometry.ts";
import type { Mat3, Vec3 } from "./geometry.ts";
import { faceLandmarks3d, sampleFaceShape } from "./face_model.ts";
import type { Expression } from "./face_model.ts";
import { headPrimitives, sampleFaceLook } from "./face_render.ts";
import { renderScene } from "./raster.ts";
import { addNoise, type BackgroundKind, sampleLight, videoBackground } from "./shading.ts";
import { evalTrack, events, eventValue, makeTrack } from "./tracks.ts";
import { halves, whole } from "./synthetic.ts";
import type { MotionRange } from "./human_motion.ts";
import type { Segment, SyntheticGenerator, SyntheticVideo, VideoSpec } from "./synthetic.ts";

/** Knobs of the synthetic faces. */
export interface FaceOptions {
  readonly dataSeed: number;
  readonly imageSize: number;
  readonly supersample: number;
  readonly fps: number;
  /** Head pose ranges in degrees: yaw ±, pitch ±, roll ±. */
  readonly yawRange: number;
  readonly pitchRange: number;
  readonly rollRange: number;
  readonly clutter: number;
  /** `scene` (default for heads: real face and cat photos keep theirs) or `black`. */
  readonly background: BackgroundKind;
  readonly texture: number;
  readonly noise: number;
  /** `wide`: mouths open up to 2.5× wider (shouting, yawning) besides the wider head pose. */
  readonly poseRange: MotionRange;
}

/** The crop: side = 1.5 × the landmark bounding box's longer side (300-W convention). */
export const FACE_CROP_ENLARGE = 1.5;

const DEG = Math.PI / 180;

/** Motion of one video: pose, expression and gaze at time t. */
function faceMotion(rng: Rng, duration: number, o: FaceOptions) {
  const u = (a: number, b: number) => a + (b - a) * rng.uniform();
  const poseTrack = makeTrack(rng, duration, [1, 3], 0.3, (r) => {
    const v = (range: number) => (2 * r.uniform() - 1) * range * DEG;
    return Float64Array.of(
      v(o.yawRange),
      v(o.pitchRange),
      v(o.rollRange),
      2 * r.uniform() - 1,
      2 * r.uniform() - 1,
    );
  });
  const exprTrack = makeTrack(rng, duration, [1.5, 4], 0.4, (r) =>
    Float64Array.of(
      r.uniform() < 0.4 ? r.uniform() : 0.15 * r.normal(), // smile
      r.uniform() < 0.3 ? 0.12 * r.uniform() : 0.02 * r.normal(), // brows
      r.uniform() < 0.2 ? 0.06 * r.uniform() : 0, // frown
      r.uniform() < 0.75 ? 1 : 0, // talking
    ));
  const blinks = events(rng, duration, 3);
  const f1 = u(2.5, 4), f2 = u(4.5, 6.5), p1 = u(0, 6.3), p2 = u(0, 6.3);
  const pose = new Float64Array(5), ex = new Float64Array(4);
  return (
    t: number,
  ): { yaw: number; pitch: number; roll: number; expr: Expression; gaze: [number, number] } => {
    evalTrack(poseTrack, t, pose);
    evalTrack(exprTrack, t, ex);
    const speech = Math.max(
      0,
      0.6 * Math.sin(2 * Math.PI * f1 * t + p1) + 0.5 * Math.sin(2 * Math.PI * f2 * t + p2),
    );
    const blink = eventValue(blinks, 0.35, t);
    const mouth = o.poseRange === "wide" ? 0.5 : 0.2;
    return {
      yaw: pose[0],
      pitch: pose[1],
      roll: pose[2],
      gaze: [pose[3], pose[4]],
      expr: {
        open: mouth * ex[3] * Math.min(1, speech),
        smile: ex[0],
        brows: ex[1],
        frown: ex[2],
        blinkL: blink,
        blinkR: blink,
      },
    };
  };
}

/** Landmarks in scene space and the placement of the head for one frame. */
function placeFace(
  landmarks: Float64Array,
  rot: Mat3,
  size: number,
  zoom: number,
  shift: [number, number],
) {
  const q: Vec3[] = [];
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let k = 0; k < 68; k++) {
    const p = apply3(rot, [landmarks[3 * k], landmarks[3 * k + 1], landmarks[3 * k + 2]]);
    q.push(p);
    x0 = Math.min(x0, p[0]),
      x1 = Math.max(x1, p[0]),
      y0 = Math.min(y0, p[1]),
      y1 = Math.max(y1, p[1]);
  }
  const scale = (size * zoom) / (FACE_CROP_ENLARGE * Math.max(x1 - x0, y1 - y0));
  const cx = (size - 1) / 2 + shift[0] * size - scale * (x0 + x1) / 2;
  const cy = (size - 1) / 2 + shift[1] * size - scale * (y0 + y1) / 2;
  return { q, scale, centre: [cx, cy, 0] as Vec3 };
}

/** The synthetic-faces generator. */
export function faceGenerator(o: FaceOptions): SyntheticGenerator {
  const S = o.imageSize, ss = o.supersample;
  const video = (spec: VideoSpec): SyntheticVideo => {
    const idRng = Rng.derive(o.dataSeed, `faces/subject/${spec.subjectName}`);
    const shape = sampleFaceShape(idRng), look = sampleFaceLook(idRng, o.texture);
    const rng = Rng.derive(o.dataSeed, `faces/video/${spec.id}`);
    const motion = faceMotion(rng, spec.frames / o.fps, o);
    const light = sampleLight(rng, 0.8);
    const zoom = 0.94 + 0.12 * rng.uniform();
    const shift: [number, number] = [
      0.03 * (2 * rng.uniform() - 1),
      0.03 * (2 * rng.uniform() - 1),
    ];
    const bgSeed = rng.nextU32();
    let background: Float32Array | undefined;
    const bg = () => (background ??= videoBackground(o.background, bgSeed, S, ss, o));
    let memo: { f: number; value: ReturnType<typeof compute> } | null = null;
    const frame = (f: number) => {
      if (memo?.f !== f) memo = { f, value: compute(f) };
      return memo.value;
    };
    const compute = (f: number) => {
      const m = motion(f / o.fps);
      const rot = mul3(rotZ(m.roll), mul3(rotX(m.pitch), rotY(m.yaw)));
      const lm = faceLandmarks3d(shape, m.expr, rot);
      return { m, rot, lm, ...placeFace(lm, rot, S, zoom, shift) };
    };
    return {
      keypoints(f, out, offset) {
        const { q, scale, centre } = frame(f);
        for (let k = 0; k < 68; k++) {
          out[offset + 2 * k] = (2 * (centre[0] + scale * q[k][0])) / (S - 1) - 1;
          out[offset + 2 * k + 1] = (2 * (centre[1] + scale * q[k][1])) / (S - 1) - 1;
        }
      },
      background(out, offset) {
        out.set(renderScene([], S, ss, bg()).image, offset);
      },
      render(f, out, offset) {
        const background = bg();
        const { m, rot, lm, scale, centre } = frame(f);
        // The painted features use the chart of this frame's expression (x, y of the landmarks).
        const chart = new Float64Array(136);
        for (let k = 0; k < 68; k++) [chart[2 * k], chart[2 * k + 1]] = [lm[3 * k], lm[3 * k + 1]];
        const bodyRotation = mul3(rotZ(0.3 * m.roll), rotY(0.3 * m.yaw));
        const place = { rotation: rot, centre, scale, bodyRotation };
        const prims = headPrimitives(shape, look, m.expr.open, chart, m.gaze, place, light);
        const { image } = renderScene(prims, S, ss, background);
        addNoise(image, o.noise, Rng.derive(bgSeed, `noise/${f}`));
        out.set(image, offset);
      },
    };
  };
  return {
    kind: "faces",
    name: "synthetic-faces",
    skeleton: FACE,
    activities: [],
    originalSize: o.imageSize,
    provenance: { ...o, crop: "landmark bbox square x1.5 (300-W style)" },
    video,
  };
}

/** Videos and frames of the face dataset: one identity per video, test identities held out. */
export interface FaceLayoutOptions {
  readonly trainVideos: number;
  readonly testVideos: number;
  readonly framesPerVideo: number;
  readonly testFramesPerVideo: number;
}

/** Training videos (first half → pairs, second half → prior), then test videos. */
export function faceLayout(o: FaceLayoutOptions): { segments: Segment[]; subjects: string[] } {
  const subjects: string[] = [];
  const segments: Segment[] = [];
  const add = (id: number, frames: number): VideoSpec => {
    subjects.push(`id${String(id).padStart(5, "0")}`);
    return { id, subject: id, subjectName: subjects[id], activity: 0, frames };
  };
  for (let v = 0; v < o.trainVideos; v++) segments.push(...halves(add(v, o.framesPerVideo)));
  for (let v = 0; v < o.testVideos; v++) {
    segments.push(whole(add(o.trainVideos + v, o.testFramesPerVideo), "test"));
  }
  return { segments, subjects };
}
