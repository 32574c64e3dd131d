/**
 * `prepare_data`: build a dataset artifact — synthetic humans / faces / cats (the embedded
 * default, no download), optionally with a real prior, or a real face dataset read from the
 * data root — and a contact sheet to look at. Thin glue over keypointgan/data/prepare.ts.
 *
 * Uses `dataSeed`, not the global `seed`: a training-seed sweep must not regenerate the data.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { defineStage } from "../pipeline/stage.ts";
import {
  checkPrepare,
  DATASETS,
  PREPARE_DEFAULTS as D,
  prepareDataset,
  PRIOR_SOURCES,
  resolvePrepare,
} from "../keypointgan/data/prepare.ts";
import { writeDataset } from "../keypointgan/data/dataset_io.ts";
import { MOTION_RANGES } from "../keypointgan/data/human_motion.ts";
import { datasetContactSheet } from "../keypointgan/data/contact_sheet.ts";

const params = z.strictObject({
  /** humans | faces | cats (synthetic), faces_real (faces-video + 300-W), faces_300w (TPS). */
  dataset: z.enum(DATASETS).default(D.dataset),
  /** Scale tier (global): sets the image size and the dataset sizes left unset. */
  tier: z.enum(["tiny", "small", "paper"]).default(D.tier),
  /** Seed of the generated data (not the training seed). */
  dataSeed: z.int().default(D.dataSeed),
  /** Image side S; unset → the tier's (tiny 32, small 64, paper 128). */
  imageSize: z.int().min(16).optional(),
  /** Training videos (cats: images, half of them images and half prior); unset → tier table. */
  trainVideos: z.int().min(2).optional(),
  /** Test videos (held-out subjects / identities); unset → tier table. */
  testVideos: z.int().min(1).optional(),
  /** Frames per training video (first half → pairs, second half → prior); unset → tier table. */
  framesPerVideo: z.int().min(1).optional(),
  /** Frames per test video; unset → tier table. */
  testFramesPerVideo: z.int().min(1).optional(),
  /** Largest frame gap of a pair; unset → any two frames of the first half (official). */
  maxGap: z.int().min(0).optional(),
  /** video | tps; unset → tps for cats and faces_300w (image datasets), else video. */
  pairMode: z.enum(["video", "tps"]).optional(),
  /** synthetic (second halves) | h36m-mocap (humans) | 300w (faces: helen-train landmarks). */
  priorSource: z.enum(PRIOR_SOURCES).default(D.priorSource),
  /** Synthetic prior from the training videos' second halves (paper) or from other videos. */
  priorFrom: z.enum(["second-half", "other-videos"]).default(D.priorFrom),
  /** Real data root, relative to the repository root unless absolute. */
  dataRoot: z.string().default(D.dataRoot),
  /** Mocap subjects of the h36m prior (S9, S11 are test subjects and are refused). */
  mocapSubjects: z.string().default(D.mocapSubjects),
  /** Mocap activities: the six Simplified-H3.6M ones, or all 15. */
  mocapActivities: z.enum(["six", "all"]).default(D.mocapActivities),
  /** faces_real: "clip" crops each faces-video clip like 300-W (landmark box ×1.5), or "native". */
  faceCrop: z.enum(["clip", "native"]).default(D.faceCrop),
  /** Simulated frames per second: motion between consecutive frames. */
  fps: z.number().positive().default(D.fps),
  /** Viewpoint range (degrees, ±); unset → humans 90 (profiles), faces 35, cats 30. */
  yawRange: z.number().min(0).max(180).optional(),
  /** Background clutter in [0, 1] (0: plain walls, like the masked Simplified H3.6M). */
  clutter: z.number().min(0).max(1).default(D.clutter),
  /** Texture in [0, 1]: patterned clothes / coats, glasses and beards. */
  texture: z.number().min(0).max(1).default(D.texture),
  /** Sensor noise standard deviation (intensity in [0, 1]). */
  noise: z.number().min(0).max(0.2).default(D.noise),
  /**
   * Pose range: `wide` (default) mixes squats, bends, kicks, lunges, arms overhead and walks
   * across the frame into the six activities (humans); heads turn ±60° / pitch ±25° / roll
   * ±25° and mouths open wider (faces): the mean pose is a weak baseline. `narrow` is the
   * everyday range (Simplified H3.6M; faces ±35° / 15° / 12°), the data of earlier versions.
   */
  poseRange: z.enum(MOTION_RANGES).default(D.poseRange),
  /**
   * `black` (the humans' default: the person on black, as the official loader masks every
   * Simplified-H3.6M frame) or `scene` (rooms with `clutter`; the default of faces and cats,
   * whose real photos keep their backgrounds). On scenes the humans' reconstruction barely
   * rewards the right pose (oracle pose gain 1 % vs 128 %, docs/results.md).
   */
  background: z.enum(["scene", "black"]).optional(),
  /** Supersampling per axis (anti-aliasing of the ray caster). */
  supersample: z.int().min(1).max(4).default(D.supersample),
  /** Humans: training subjects (S1, S5, S6, S7, S8, …) and test subjects (S9, S11, …). */
  trainSubjects: z.int().min(1).default(D.trainSubjects),
  testSubjects: z.int().min(1).default(D.testSubjects),
});

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

export default defineStage({
  name: "prepare_data",
  version: 1,
  description:
    "generate (or read) a keypoint dataset: train pairs, unpaired prior, test split, contact sheet",
  params,
  resolve: (p) => resolvePrepare(p),
  inputs: {},
  outputs: ["dataset.json", "arrays/", "contact_sheet.png"],
  cost: (p) => {
    const frames = (p.trainVideos ?? 100) * (p.framesPerVideo ?? 20) / 2 +
      (p.testVideos ?? 10) * (p.testFramesPerVideo ?? 10);
    return 1 + frames * ((p.imageSize ?? 64) / 64) ** 2 * 0.003;
  },
  async run(ctx) {
    const p = ctx.params;
    checkPrepare(p);
    const root = isAbsolute(p.dataRoot) ? p.dataRoot : resolve(REPO_ROOT, p.dataRoot);
    const t0 = performance.now();
    const content = await prepareDataset(p, root, { progress: ctx.progress, signal: ctx.signal });
    const seconds = (performance.now() - t0) / 1000;
    const header = await writeDataset(ctx.outDir, content);
    await Deno.writeFile(`${ctx.outDir}/contact_sheet.png`, datasetContactSheet(header, content));
    ctx.log(
      `${header.name}: ${content.train.count} train, ${content.test.count} test, ` +
        `${content.prior.count} prior (${content.prior.source}) at ${header.imageSize}px in ${
          seconds.toFixed(1)
        } s`,
    );
    return {
      train: content.train.count,
      test: content.test.count,
      prior: content.prior.count,
      imageSize: header.imageSize,
      generateSeconds: Math.round(seconds * 10) / 10,
    };
  },
});
