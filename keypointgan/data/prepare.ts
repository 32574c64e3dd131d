/**
 * What `prepare_data` does, as a library: resolve tier-dependent settings, check the request
 * before any work, and build the dataset — synthetic humans / faces / cats (on worker threads),
 * optionally with a real prior (Human3.6M mocap, 300-W), or a real face dataset.
 *
 * @module
 */
import { getTier } from "../tiers.ts";
import type { TierName } from "../tiers.ts";
import { DEFAULT_CAMERA_RANGES } from "./framing.ts";
import { defaultWorkers, generateParallel } from "./parallel.ts";
import type { GenerateHooks } from "./parallel.ts";
import { SIZES, WIDE_FACE_YAW, YAW_RANGE } from "./spec.ts";
import type { SyntheticKind, SyntheticSpec } from "./spec.ts";
import type { DatasetContent, PairMode, Prior } from "./types.ts";
import type { MotionRange } from "./human_motion.ts";
import { read300w, read300wPrior, readFacesVideo } from "./adapters/faces.ts";
import type { FaceCrop } from "./adapters/faces.ts";
import { readH36mPrior, SIX_ACTIVITIES } from "./adapters/h36m.ts";
import { requireRealData } from "./adapters/data_root.ts";

/** Datasets `prepare_data` can build. */
export const DATASETS = ["humans", "faces", "cats", "faces_real", "faces_300w"] as const;
export type DatasetName = typeof DATASETS[number];
/** Prior sources: the dataset's own second halves, or real poses from another dataset. */
export const PRIOR_SOURCES = ["synthetic", "h36m-mocap", "300w"] as const;
export type PriorSource = typeof PRIOR_SOURCES[number];

/** The stage params (see stages/prepare_data.ts for their documentation). */
export interface PrepareParams {
  readonly dataset: DatasetName;
  readonly tier: TierName;
  readonly dataSeed: number;
  readonly imageSize?: number;
  readonly trainVideos?: number;
  readonly testVideos?: number;
  readonly framesPerVideo?: number;
  readonly testFramesPerVideo?: number;
  readonly maxGap?: number;
  readonly pairMode?: PairMode;
  readonly priorSource: PriorSource;
  readonly priorFrom: "second-half" | "other-videos";
  readonly dataRoot: string;
  readonly mocapSubjects: string;
  readonly mocapActivities: "six" | "all";
  readonly faceCrop: FaceCrop;
  readonly fps: number;
  readonly yawRange?: number;
  readonly clutter: number;
  readonly texture: number;
  readonly noise: number;
  readonly poseRange: MotionRange;
  /** Unset: `black` for humans (the official masked frames), `scene` for faces and cats. */
  readonly background?: "scene" | "black";
  readonly supersample: number;
  readonly trainSubjects: number;
  readonly testSubjects: number;
}

/** Defaults of the params that have fixed defaults (the stage schema uses these). */
export const PREPARE_DEFAULTS = {
  dataset: "humans",
  tier: "small",
  dataSeed: 0,
  priorSource: "synthetic",
  priorFrom: "second-half",
  dataRoot: "../shared/data",
  mocapSubjects: "S1,S5,S6,S7,S8",
  mocapActivities: "six",
  faceCrop: "clip",
  fps: 5,
  clutter: 0.3,
  texture: 0.5,
  noise: 0.01,
  poseRange: "wide",
  supersample: 2,
  trainSubjects: 5,
  testSubjects: 2,
} as const satisfies Partial<PrepareParams>;

const isSynthetic = (d: DatasetName): d is SyntheticKind =>
  d === "humans" || d === "faces" || d === "cats";

/** Fill every tier- and dataset-dependent setting left unset (pure; the cache key sees the result). */
export function resolvePrepare<P extends PrepareParams>(p: P): P {
  const imageSize = p.imageSize ?? getTier(p.tier).imageSize;
  if (!isSynthetic(p.dataset)) {
    const pairMode = p.pairMode ?? (p.dataset === "faces_300w" ? "tps" : "video");
    return { ...p, imageSize, pairMode, maxGap: p.maxGap ?? (pairMode === "video" ? 3 : 0) };
  }
  const pairMode = p.pairMode ?? (p.dataset === "cats" ? "tps" : "video");
  const table = p.dataset === "cats" && pairMode === "video"
    ? SIZES["cats-video"]
    : SIZES[p.dataset];
  const sizes = table[p.tier];
  const framesPerVideo = p.framesPerVideo ?? sizes.framesPerVideo;
  return {
    ...p,
    imageSize,
    pairMode,
    trainVideos: p.trainVideos ?? sizes.trainVideos,
    testVideos: p.testVideos ?? sizes.testVideos,
    framesPerVideo,
    testFramesPerVideo: p.testFramesPerVideo ?? sizes.testFramesPerVideo,
    // Official sample_window [0, 1000]: any two frames of the first half.
    maxGap: p.maxGap ?? (pairMode === "video" ? Math.max(0, Math.ceil(framesPerVideo / 2) - 1) : 0),
    background: p.background ?? (p.dataset === "humans" ? "black" : "scene"),
    yawRange: p.yawRange ??
      (p.dataset === "faces" && p.poseRange === "wide" ? WIDE_FACE_YAW : YAW_RANGE[p.dataset]),
  };
}

/** Reject impossible combinations before any work (clear messages, dotted param names). */
export function checkPrepare(p: PrepareParams): void {
  const bad = (param: string, msg: string): never => {
    throw new RangeError(`prepare_data.${param}: ${msg}`);
  };
  if (p.priorSource === "h36m-mocap" && p.dataset !== "humans") {
    bad("priorSource", `"h36m-mocap" needs dataset "humans", got "${p.dataset}"`);
  }
  if (p.priorSource === "300w" && p.dataset !== "faces") {
    bad(
      "priorSource",
      `"300w" needs dataset "faces" (faces_real always uses it), got "${p.dataset}"`,
    );
  }
  if (
    p.pairMode === "tps" &&
    (p.dataset === "humans" || p.dataset === "faces" || p.dataset === "faces_real")
  ) {
    bad("pairMode", `"tps" is for image datasets (cats, faces_300w); ${p.dataset} are videos`);
  }
  if (p.pairMode === "video" && p.dataset === "faces_300w") {
    bad("pairMode", `faces_300w has no videos: use "tps"`);
  }
  if (p.dataset === "cats" && p.pairMode === "video" && p.framesPerVideo === 1) {
    bad("framesPerVideo", "video pairs need clips of 2 or more frames");
  }
  if (p.imageSize !== undefined && p.imageSize < 16) {
    bad("imageSize", `at least 16 pixels, got ${p.imageSize}`);
  }
  if (isSynthetic(p.dataset) && (p.trainVideos ?? 1) < 2) {
    bad("trainVideos", "at least 2 (train and prior halves)");
  }
}

/** The synthetic spec of resolved params. */
export function syntheticSpec(p: PrepareParams): SyntheticSpec {
  if (!isSynthetic(p.dataset)) throw new Error(`${p.dataset} is not synthetic`);
  return {
    dataset: p.dataset,
    dataSeed: p.dataSeed,
    imageSize: p.imageSize!,
    supersample: p.supersample,
    fps: p.fps,
    yawRange: p.yawRange!,
    clutter: p.clutter,
    texture: p.texture,
    noise: p.noise,
    poseRange: p.poseRange,
    background: p.background!,
    trainVideos: p.trainVideos!,
    testVideos: p.testVideos!,
    framesPerVideo: p.pairMode === "tps" ? 1 : p.framesPerVideo!,
    testFramesPerVideo: p.pairMode === "tps" ? 1 : p.testFramesPerVideo!,
    trainSubjects: p.trainSubjects,
    testSubjects: p.testSubjects,
    priorFrom: p.priorFrom,
    pairMode: p.pairMode!,
    maxGap: p.maxGap!,
  };
}

/** Build the dataset of resolved params; `root` is the absolute data root for real data. */
export async function prepareDataset(
  p: PrepareParams,
  root: string,
  hooks: GenerateHooks = {},
): Promise<DatasetContent> {
  checkPrepare(p);
  await requireRealData(root, p.dataRoot, p.dataset, p.priorSource);
  const S = p.imageSize!;
  if (p.dataset === "faces_real") return await facesReal(root, S, p.maxGap!, p.faceCrop);
  if (p.dataset === "faces_300w") return await faces300w(root, S, p.dataSeed);
  const spec = syntheticSpec(p);
  // Small jobs are faster in this thread than with worker start-up costs.
  const frames = spec.trainVideos * spec.framesPerVideo + spec.testVideos * spec.testFramesPerVideo;
  const content = await generateParallel(spec, frames < 3000 ? 1 : defaultWorkers(), hooks);
  let prior: Prior | null = null;
  if (p.priorSource === "h36m-mocap") {
    prior = await readH36mPrior(root, {
      subjects: p.mocapSubjects.split(",").map((s) => s.trim()).filter(Boolean),
      activities: p.mocapActivities === "six" ? SIX_ACTIVITIES : null,
      imageSize: S,
      camera: { ...DEFAULT_CAMERA_RANGES, yawRange: p.yawRange! },
      seed: p.dataSeed,
    });
  } else if (p.priorSource === "300w") {
    prior = await read300wPrior(root, "helen-train", S);
  }
  if (!prior) return content;
  return {
    ...content,
    meta: { ...content.meta, source: { ...content.meta.source, priorSource: prior.source } },
    prior,
  };
}

/**
 * `faces_real` (issue 9): pairs from faces-video training people's clips, the 68-point prior from
 * 300-W helen-train, evaluation on helen-test and the faces-video test people, post-processing
 * fitted on helen-train's labels.
 */
async function facesReal(
  root: string,
  S: number,
  maxGap: number,
  crop: FaceCrop,
): Promise<DatasetContent> {
  const fv = await readFacesVideo(root, S, 0, 0, crop);
  const videos = fv.train.count + fv.test.count;
  const test = await read300w(root, "helen-test", S, videos, fv.people.length);
  const fit = await read300w(
    root,
    "helen-train",
    S,
    videos + test.split.count,
    fv.people.length + test.names.length,
  );
  const prior = await read300wPrior(root, "helen-train", S);
  return {
    meta: {
      kind: "faces",
      name: "faces-real",
      imageSize: S,
      numPoints: 68,
      skeleton: "ibug68",
      pairMode: "video",
      maxGap,
      activities: [],
      subjects: [...fv.people, ...test.names, ...fit.names],
      originalSize: 128,
      evalSplits: ["test", "faces-video-test"],
      postprocessSplit: "helen-train",
      source: { adapter: "faces-video + faces-300w", clips: fv.clips, faceCrop: crop },
    },
    train: fv.train,
    test: test.split,
    prior,
    extra: { "faces-video-test": fv.test, "helen-train": fit.split },
  };
}

/** `faces_300w`: an image dataset with TPS pairs (half of helen-train), the other half as prior. */
async function faces300w(root: string, S: number, seed: number): Promise<DatasetContent> {
  const all = await read300w(root, "helen-train", S);
  const test = await read300w(root, "helen-test", S, all.split.count, all.names.length);
  const half = Math.ceil(all.split.count / 2);
  const take = (from: number, to: number) => ({
    count: to - from,
    images: all.split.images.slice(from * S * S * 3, to * S * S * 3),
    keypoints: all.split.keypoints.slice(from * 136, to * 136),
    video: all.split.video.slice(from, to),
    frame: all.split.frame.slice(from, to),
    activity: all.split.activity.slice(from, to),
    subject: all.split.subject.slice(from, to),
  });
  const second = take(half, all.split.count);
  return {
    meta: {
      kind: "faces",
      name: "faces-300w-tps",
      imageSize: S,
      numPoints: 68,
      skeleton: "ibug68",
      pairMode: "tps",
      maxGap: 0,
      activities: [],
      subjects: [...all.names, ...test.names],
      originalSize: 128,
      evalSplits: ["test"],
      postprocessSplit: "train",
      source: { adapter: "faces-300w", seed, split: "helen-train halves: images | prior" },
    },
    train: take(0, half),
    test: test.split,
    prior: {
      count: second.count,
      keypoints: second.keypoints,
      video: second.video,
      frame: second.frame,
      source: "300w:helen-train-second-half",
    },
  };
}
