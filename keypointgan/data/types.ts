/**
 * The dataset contract between `prepare_data` (producer) and `pretrain_regressor`, `train`,
 * `evaluate` (consumers). A dataset artifact is a directory holding `dataset.json` (this
 * header) and one little-endian binary file per array under `arrays/`, read and written by
 * `keypointgan/data/dataset_io.ts` (`readDataset` / `writeDataset`).
 *
 * Conventions: images are uint8 RGB, row-major `[N, S, S, 3]`; keypoints are float32
 * `[N, K, 2]` as (x, y) in [-1, 1] on the renderer grid (pixel centre i ↔ −1 + 2i/(S−1), see
 * keypointgan/skeletons.ts). Frames of one video are stored contiguously in frame order.
 *
 * @module
 */

/** Which skeleton/protocol family a dataset belongs to. */
export type DatasetKind = "humans" | "faces" | "cats";

/** How (x, x′) training pairs are formed. */
export type PairMode =
  /** Two frames of the same video at most `maxGap` frames apart (paper §3.2, digest §5.2). */
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
  /** [N] int32: video (sequence) id, unique across all splits; frames of one video share appearance. */
  readonly video: Int32Array;
  /** [N] int32: frame index within its video. */
  readonly frame: Int32Array;
  /** [N] int32: index into `DatasetHeader.activities` (0 when the dataset has none). */
  readonly activity: Int32Array;
  /** [N] int32: index into `DatasetHeader.subjects` (identities are split-disjoint between train and test). */
  readonly subject: Int32Array;
}

/** The unpaired pose prior p̄: keypoints only, never from training frames. */
export interface Prior {
  readonly count: number;
  /** [P, K, 2] float32, (x, y) in [-1, 1]. */
  readonly keypoints: Float32Array;
  /** [P] int32: the (video, frame) each prior pose comes from; −1 for an external source. */
  readonly video: Int32Array;
  readonly frame: Int32Array;
  /** Where the prior comes from, e.g. "synthetic:second-half" or "h36m-mocap:S1,S5,S6,S7,S8". */
  readonly source: string;
}

/** Name of a split in a dataset: "train", "test", or one of `DatasetHeader.extraSplits`. */
export type SplitName = string;

/** Binary array descriptor in `dataset.json`. */
export interface ArrayInfo {
  /** Path relative to the dataset directory, e.g. "arrays/train.images.u8". */
  readonly file: string;
  readonly dtype: "uint8" | "int32" | "float32";
  readonly shape: readonly number[];
}

/** `dataset.json`: everything needed to interpret the binary arrays. */
export interface DatasetHeader {
  readonly format: "keypointgan-dataset";
  readonly formatVersion: 1;
  readonly kind: DatasetKind;
  /** Human-readable name, e.g. "synthetic-humans" or "faces-real". */
  readonly name: string;
  /** Image side S in pixels (images are square). */
  readonly imageSize: number;
  /** Number of keypoints K. */
  readonly numPoints: number;
  /** Skeleton name (keypointgan/skeletons.ts). */
  readonly skeleton: string;
  readonly pairMode: PairMode;
  /** For `video` pairs: the largest frame gap between x and x′ (digest §5.2 `sample_window`). */
  readonly maxGap: number;
  /** Activity names (humans: wait, pose, greet, direct, discuss, walk), else []. */
  readonly activities: readonly string[];
  /** Subject / identity names, indexed by `Split.subject` (e.g. "S1" … "S11"). */
  readonly subjects: readonly string[];
  /**
   * For pixel-error protocols: side of the original image frame in pixels that the S×S
   * crop represents (H3.6M "original frame" protocol); equals S when no resize happened.
   */
  readonly originalSize: number;
  /** Additional labelled splits beyond train/test (real data), in `Dataset.extra`. */
  readonly extraSplits: readonly SplitName[];
  /** Splits the evaluation reports, in order; always starts with "test". */
  readonly evalSplits: readonly SplitName[];
  /** The labelled split the supervised post-processing regressor is fitted on (digest §6.5). */
  readonly postprocessSplit: SplitName;
  /** Generator / adapter params and statistics, for provenance. */
  readonly source: Readonly<Record<string, unknown>>;
  /** Binary arrays: "<split>.<field>" → { file, dtype, shape }. */
  readonly arrays: Readonly<Record<string, ArrayInfo>>;
}

/** A loaded dataset. `train` holds only the first half of each training video (pairs). */
export interface Dataset {
  readonly header: DatasetHeader;
  readonly train: Split;
  readonly test: Split;
  readonly prior: Prior;
  /** Extra labelled splits named in `header.extraSplits` (empty for synthetic data). */
  readonly extra: Readonly<Record<SplitName, Split>>;
}

/** The header fields a producer fills in; `writeDataset` adds format, version and arrays. */
export type DatasetMeta = Omit<
  DatasetHeader,
  "format" | "formatVersion" | "arrays" | "extraSplits"
>;

/** A dataset before it is written: the header fields plus the arrays. */
export interface DatasetContent {
  readonly meta: DatasetMeta;
  readonly train: Split;
  readonly test: Split;
  readonly prior: Prior;
  readonly extra?: Readonly<Record<SplitName, Split>>;
}
