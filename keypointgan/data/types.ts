/**
 * The dataset contract between `prepare_data` (producer) and `pretrain_regressor`, `train`,
 * `evaluate` (consumers). A dataset artifact is a directory holding `dataset.json` (this
 * header) and one little-endian binary file per array, read by `keypointgan/data/dataset_io.ts`.
 *
 * Conventions: images are uint8 RGB, row-major `[N, S, S, 3]`; keypoints are float32
 * `[N, K, 2]` as (x, y) in [-1, 1] on the renderer grid (see keypointgan/skeletons.ts).
 *
 * @module
 */

/** Which skeleton/protocol family a dataset belongs to. */
export type DatasetKind = "humans" | "faces" | "cats";

/** How (x, x′) training pairs are formed. */
export type PairMode =
  /** Two frames of the same video at most `maxGap` frames apart (paper §3.2). */
  | "video"
  /** x′ = TPS(x) of the same image (paper §3.2, image-only datasets; digest §5.4). */
  | "tps";

/** One split: images with their ground-truth keypoints and per-frame metadata. */
export interface Split {
  /** Number of frames. */
  readonly count: number;
  /** [N, S, S, 3] uint8 RGB. */
  readonly images: Uint8Array;
  /** [N, K, 2] float32, (x, y) in [-1, 1]. Ground truth: used only by evaluation, baselines and post-processing. */
  readonly keypoints: Float32Array;
  /** [N] int32: video (sequence) id, unique across splits; frames of one video share appearance. */
  readonly video: Int32Array;
  /** [N] int32: frame index within its video. */
  readonly frame: Int32Array;
  /** [N] int32: index into `DatasetHeader.activities` (0 when the dataset has none). */
  readonly activity: Int32Array;
  /** [N] int32: subject / identity id (split-disjoint between train and test). */
  readonly subject: Int32Array;
}

/** The unpaired pose prior p̄: keypoints only, never from training frames. */
export interface Prior {
  readonly count: number;
  /** [P, K, 2] float32, (x, y) in [-1, 1]. */
  readonly keypoints: Float32Array;
  /** Where the prior comes from, e.g. "synthetic:second-half" or "h36m-mocap:S1,S5,…". */
  readonly source: string;
}

/** `dataset.json`: everything needed to interpret the binary arrays. */
export interface DatasetHeader {
  readonly format: "keypointgan-dataset";
  readonly formatVersion: 1;
  readonly kind: DatasetKind;
  /** Human-readable name, e.g. "synthetic-humans" or "faces-video". */
  readonly name: string;
  /** Image side S in pixels (images are square). */
  readonly imageSize: number;
  /** Number of keypoints K. */
  readonly numPoints: number;
  /** Skeleton name (keypointgan/skeletons.ts). */
  readonly skeleton: string;
  readonly pairMode: PairMode;
  /** For `video` pairs: the largest frame gap between x and x′. */
  readonly maxGap: number;
  /** Activity names (humans: wait, pose, greet, direct, discuss, walk), else [] . */
  readonly activities: readonly string[];
  /**
   * For pixel-error protocols: side of the original image frame in pixels that the S×S
   * crop represents (H3.6M "original frame" protocol); equals S when no resize happened.
   */
  readonly originalSize: number;
  /** Generator / adapter params, for provenance. */
  readonly source: Readonly<Record<string, unknown>>;
  /** Binary arrays: name → { file, dtype, shape }. */
  readonly arrays: Readonly<
    Record<
      string,
      {
        readonly file: string;
        readonly dtype: "uint8" | "int32" | "float32";
        readonly shape: readonly number[];
      }
    >
  >;
}

/** A loaded dataset. `train` holds only the first half of each training video (pairs). */
export interface Dataset {
  readonly header: DatasetHeader;
  readonly train: Split;
  readonly test: Split;
  readonly prior: Prior;
}
