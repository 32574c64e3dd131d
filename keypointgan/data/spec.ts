/**
 * A serialisable description of a synthetic dataset (`SyntheticSpec`) and the per-dataset,
 * per-tier default sizes. `makeSynthetic(spec)` builds the generator and its video layout; the
 * same call runs in the main thread and in generation workers, so both see identical videos.
 *
 * @module
 */
import type { TierName } from "../tiers.ts";
import { DEFAULT_CAMERA_RANGES } from "./framing.ts";
import { catGenerator, catLayout } from "./cats.ts";
import { faceGenerator, faceLayout } from "./faces.ts";
import { humanGenerator, humanLayout } from "./humans.ts";
import type { MotionRange } from "./human_motion.ts";
import type { PairMode } from "./types.ts";
import type { Segment, SyntheticGenerator } from "./synthetic.ts";

/** The synthetic dataset families. */
export type SyntheticKind = "humans" | "faces" | "cats";

/** Everything that determines a synthetic dataset (plain JSON: it is posted to workers). */
export interface SyntheticSpec {
  readonly dataset: SyntheticKind;
  readonly dataSeed: number;
  readonly imageSize: number;
  readonly supersample: number;
  readonly fps: number;
  readonly yawRange: number;
  readonly clutter: number;
  readonly texture: number;
  readonly noise: number;
  /** Pose range of humans and faces (`narrow` | `wide`, keypointgan/data/human_motion.ts). */
  readonly poseRange: MotionRange;
  /** `scene` backgrounds or `black` (the official masked H3.6M frames; the humans' default). */
  readonly background: "scene" | "black";
  readonly trainVideos: number;
  readonly testVideos: number;
  readonly framesPerVideo: number;
  readonly testFramesPerVideo: number;
  readonly trainSubjects: number;
  readonly testSubjects: number;
  readonly priorFrom: "second-half" | "other-videos";
  readonly pairMode: PairMode;
  readonly maxGap: number;
}

/** Sizes of a dataset at a tier. */
export interface Sizes {
  readonly trainVideos: number;
  readonly testVideos: number;
  readonly framesPerVideo: number;
  readonly testFramesPerVideo: number;
}

/**
 * Default sizes. `small` ≈ 10k training frames at 64 px (humans: 5 subjects × 6 activities ×
 * 4 videos × 80 first-half frames = 9,600); cats are images (TPS pairs): half the training
 * cats are images, the other half the prior. `tiny` renders a few hundred frames.
 */
export const SIZES: Readonly<
  Record<SyntheticKind | "cats-video", Readonly<Record<TierName, Sizes>>>
> = {
  humans: {
    tiny: { trainVideos: 30, testVideos: 12, framesPerVideo: 20, testFramesPerVideo: 10 },
    small: { trainVideos: 120, testVideos: 24, framesPerVideo: 160, testFramesPerVideo: 40 },
    paper: { trainVideos: 240, testVideos: 48, framesPerVideo: 200, testFramesPerVideo: 100 },
  },
  faces: {
    tiny: { trainVideos: 12, testVideos: 4, framesPerVideo: 20, testFramesPerVideo: 10 },
    small: { trainVideos: 200, testVideos: 40, framesPerVideo: 100, testFramesPerVideo: 25 },
    paper: { trainVideos: 400, testVideos: 100, framesPerVideo: 100, testFramesPerVideo: 30 },
  },
  cats: {
    tiny: { trainVideos: 200, testVideos: 40, framesPerVideo: 1, testFramesPerVideo: 1 },
    small: { trainVideos: 12000, testVideos: 1000, framesPerVideo: 1, testFramesPerVideo: 1 },
    paper: { trainVideos: 16000, testVideos: 1600, framesPerVideo: 1, testFramesPerVideo: 1 },
  },
  "cats-video": {
    tiny: { trainVideos: 10, testVideos: 4, framesPerVideo: 20, testFramesPerVideo: 10 },
    small: { trainVideos: 250, testVideos: 40, framesPerVideo: 80, testFramesPerVideo: 25 },
    paper: { trainVideos: 400, testVideos: 80, framesPerVideo: 80, testFramesPerVideo: 40 },
  },
};

/** Default body / head yaw range (degrees) per dataset. */
export const YAW_RANGE: Readonly<Record<SyntheticKind, number>> = {
  humans: 90,
  faces: 35,
  cats: 30,
};

/** Faces with `poseRange` wide: yaw ±50° (resolvePrepare), pitch ±22°, roll ±20°. */
export const WIDE_FACE_YAW = 50;
const WIDE_FACE_TILT = [22, 20] as const;

/** Pitch and roll ranges (degrees) of heads: fixed constants, recorded in provenance. */
const HEAD_TILT = { faces: [15, 12], cats: [20, 20] } as const;

/** The generator and its video segments for a spec. */
export function makeSynthetic(spec: SyntheticSpec): {
  gen: SyntheticGenerator;
  segments: Segment[];
  subjects: string[];
} {
  const common = {
    dataSeed: spec.dataSeed,
    imageSize: spec.imageSize,
    supersample: spec.supersample,
    fps: spec.fps,
    clutter: spec.clutter,
    background: spec.background,
    texture: spec.texture,
    noise: spec.noise,
  };
  const sizes = {
    trainVideos: spec.trainVideos,
    testVideos: spec.testVideos,
    framesPerVideo: spec.framesPerVideo,
    testFramesPerVideo: spec.testFramesPerVideo,
  };
  if (spec.dataset === "humans") {
    const camera = { ...DEFAULT_CAMERA_RANGES, yawRange: spec.yawRange };
    const layout = humanLayout({
      ...sizes,
      trainSubjects: spec.trainSubjects,
      testSubjects: spec.testSubjects,
      priorFrom: spec.priorFrom,
    });
    return {
      gen: humanGenerator({
        ...common,
        camera,
        motion: spec.poseRange,
      }),
      ...layout,
    };
  }
  const [pitchRange, rollRange] = spec.dataset === "faces" && spec.poseRange === "wide"
    ? WIDE_FACE_TILT
    : HEAD_TILT[spec.dataset];
  const head = { ...common, yawRange: spec.yawRange, pitchRange, rollRange };
  if (spec.dataset === "faces") {
    return { gen: faceGenerator({ ...head, poseRange: spec.poseRange }), ...faceLayout(sizes) };
  }
  return { gen: catGenerator(head), ...catLayout(sizes) };
}
