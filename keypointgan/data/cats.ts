/**
 * Synthetic cat heads with the 9 Cat-Head points. The paper's Cat Head is an image dataset, so
 * the faithful default is one image per cat with TPS pairs (x′ = TPS(x)), the training images
 * split in two halves: one for images, one for the prior (paper §5.3). A `video` pair mode is
 * also available (short clips of a cat moving its head, ears and eyes).
 *
 * @module
 */
import { CAT } from "../skeletons.ts";
import { Rng } from "../rng.ts";
import { apply3, mul3, rotX, rotY, rotZ } from "./geometry.ts";
import type { Mat3, Vec3 } from "./geometry.ts";
import { catKeypoints3d, catPrimitives, sampleCatLook } from "./cat_render.ts";
import type { CatExpression } from "./cat_render.ts";
import { renderScene } from "./raster.ts";
import { addNoise, type BackgroundKind, sampleLight, videoBackground } from "./shading.ts";
import { evalTrack, makeTrack } from "./tracks.ts";
import { halves, whole } from "./synthetic.ts";
import type { Segment, SyntheticGenerator, SyntheticVideo, VideoSpec } from "./synthetic.ts";

/** Knobs of the synthetic cats. */
export interface CatOptions {
  readonly dataSeed: number;
  readonly imageSize: number;
  readonly supersample: number;
  readonly fps: number;
  readonly yawRange: number;
  readonly pitchRange: number;
  readonly rollRange: number;
  readonly clutter: number;
  /** `scene` (default for heads: real face and cat photos keep theirs) or `black`. */
  readonly background: BackgroundKind;
  readonly texture: number;
  readonly noise: number;
}

/** Crop side = 1.6 × the keypoints' bounding-box side (the ears tips set the top). */
export const CAT_CROP_ENLARGE = 1.6;
const DEG = Math.PI / 180;

/** Pose and expression of a clip (a single random draw for one-frame "videos"). */
function catMotion(rng: Rng, duration: number, o: CatOptions) {
  const track = makeTrack(rng, duration, [0.8, 2.5], 0.35, (r) => {
    const v = (range: number) => (2 * r.uniform() - 1) * range * DEG;
    const flat = r.uniform() < 0.15 ? 1 : 0;
    return Float64Array.of(
      v(o.yawRange),
      v(o.pitchRange),
      v(o.rollRange),
      flat ? 0.9 : 0.35 * r.normal(),
      flat ? 0.9 : 0.35 * r.normal(),
      r.uniform() < 0.15 ? 0.3 : 0.7 + 0.3 * r.uniform(),
      r.uniform(),
    );
  });
  const v = new Float64Array(7);
  return (t: number) => {
    evalTrack(track, t, v);
    const expr: CatExpression = { earL: v[3], earR: v[4], eyeOpen: v[5], pupil: v[6] };
    return { rot: mul3(rotZ(v[2]), mul3(rotX(v[1]), rotY(v[0]))), expr };
  };
}

/** Project keypoints and frame them: returns scene points, scale and centre. */
function placeCat(points: Vec3[], rot: Mat3, size: number, zoom: number, shift: [number, number]) {
  const q = points.map((p) => apply3(rot, p));
  const xs = q.map((p) => p[0]), ys = q.map((p) => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const scale = (size * zoom) / (CAT_CROP_ENLARGE * Math.max(x1 - x0, y1 - y0));
  const cx = (size - 1) / 2 + shift[0] * size - scale * (x0 + x1) / 2;
  const cy = (size - 1) / 2 + shift[1] * size - scale * (y0 + y1) / 2;
  return { q, scale, centre: [cx, cy, 0] as Vec3 };
}

/** The synthetic-cats generator. */
export function catGenerator(o: CatOptions): SyntheticGenerator {
  const S = o.imageSize, ss = o.supersample;
  const video = (spec: VideoSpec): SyntheticVideo => {
    const look = sampleCatLook(
      Rng.derive(o.dataSeed, `cats/subject/${spec.subjectName}`),
      o.texture,
    );
    const rng = Rng.derive(o.dataSeed, `cats/video/${spec.id}`);
    const motion = catMotion(rng, Math.max(1, spec.frames) / o.fps, o);
    const light = sampleLight(rng, 0.8);
    const zoom = 0.88 + 0.2 * rng.uniform();
    const shift: [number, number] = [
      0.05 * (2 * rng.uniform() - 1),
      0.05 * (2 * rng.uniform() - 1),
    ];
    const bgSeed = rng.nextU32();
    let background: Float32Array | undefined;
    const bg = () => (background ??= videoBackground(o.background, bgSeed, S, ss, o));
    const frame = (f: number) => {
      const m = motion(f / o.fps);
      return { m, ...placeCat(catKeypoints3d(look, m.expr), m.rot, S, zoom, shift) };
    };
    return {
      keypoints(f, out, offset) {
        const { q, scale, centre } = frame(f);
        q.forEach((p, k) => {
          out[offset + 2 * k] = (2 * (centre[0] + scale * p[0])) / (S - 1) - 1;
          out[offset + 2 * k + 1] = (2 * (centre[1] + scale * p[1])) / (S - 1) - 1;
        });
      },
      background(out, offset) {
        out.set(renderScene([], S, ss, bg()).image, offset);
      },
      render(f, out, offset) {
        const background = bg();
        const { m, scale, centre } = frame(f);
        const prims = catPrimitives(look, m.expr, { rotation: m.rot, centre, scale }, light);
        const { image } = renderScene(prims, S, ss, background);
        addNoise(image, o.noise, Rng.derive(bgSeed, `noise/${f}`));
        out.set(image, offset);
      },
    };
  };
  return {
    kind: "cats",
    name: "synthetic-cats",
    skeleton: CAT,
    activities: [],
    originalSize: o.imageSize,
    provenance: { ...o, crop: `keypoint bbox square x${CAT_CROP_ENLARGE}` },
    video,
  };
}

/** Counts of the cat dataset. `framesPerVideo` 1 = an image dataset (TPS pairs). */
export interface CatLayoutOptions {
  readonly trainVideos: number;
  readonly testVideos: number;
  readonly framesPerVideo: number;
  readonly testFramesPerVideo: number;
}

/**
 * Images: the first half of the training cats → `train`, the second half → the prior (paper
 * §5.3); clips: halves of each clip as for faces. Every cat is its own subject.
 */
export function catLayout(o: CatLayoutOptions): { segments: Segment[]; subjects: string[] } {
  const subjects: string[] = [];
  const add = (id: number, frames: number): VideoSpec => {
    subjects.push(`cat${String(id).padStart(5, "0")}`);
    return { id, subject: id, subjectName: subjects[id], activity: 0, frames };
  };
  const segments: Segment[] = [];
  const images = o.framesPerVideo === 1;
  const half = Math.ceil(o.trainVideos / 2);
  for (let v = 0; v < o.trainVideos; v++) {
    const spec = add(v, o.framesPerVideo);
    segments.push(...(images ? [whole(spec, v < half ? "train" : "prior")] : halves(spec)));
  }
  for (let v = 0; v < o.testVideos; v++) {
    segments.push(whole(add(o.trainVideos + v, images ? 1 : o.testFramesPerVideo), "test"));
  }
  return { segments, subjects };
}
