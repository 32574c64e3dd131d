/**
 * The evaluation artifact's `metrics.json`: every protocol number for one trained model on its
 * dataset's test split, the mean-pose baseline on the same split, the supervised
 * post-processing result, a condensed copy of the training curves, the qualitative figures
 * written beside it, and provenance (dataset and model params and artifact keys).
 *
 * Written by `stages/evaluate.ts`, read (and validated) by `stages/report.ts`; the report's
 * pure builders in `reports/` consume it. Run-to-run noise (wall times, run ids) stays out:
 * the report gets run ids from the artifact references.
 *
 * @module
 */
import type { DatasetKind } from "../data/types.ts";
import type { ProtocolScore } from "./protocols.ts";

/** Which predictor a measurement is for. */
export type Predictor =
  /** η(Φ(x)) as trained: the paper's "no post-processing" rows. */
  | "model"
  /** The model followed by the linear map fitted on the training labels (digest §6.5). */
  | "model+postprocess"
  /** The mean of the training labels, for every image. */
  | "mean_pose";

/** One protocol score of one predictor on one split. */
export interface Measurement extends ProtocolScore {
  readonly predictor: Predictor;
  /**
   * The split: one of `header.evalSplits` ("test" = held-out subjects, first), or the
   * post-processing split (e.g. "train": the labelled frames the regressor is fitted on).
   */
  readonly split: string;
}

/** Training curves condensed to a bounded number of points per loss. */
export interface TrainingCurves {
  readonly lossNames: readonly string[];
  /** Step at the centre of each bucket of logged steps. */
  readonly step: readonly number[];
  /** Loss name → mean value per bucket (null where the loss was not logged). */
  readonly values: Readonly<Record<string, readonly (number | null)[]>>;
}

/** Held-out error (and prediction spread) against the training step. */
export interface HeldOutCurve {
  readonly metric: string;
  readonly step: readonly number[];
  readonly error: readonly number[];
  /** Spread of the predictions relative to the labels (null where not logged). */
  readonly spread: readonly (number | null)[];
}

/** A qualitative figure written under `figures/`. */
export interface FigureEntry {
  /** Path relative to the evaluation artifact, e.g. `figures/predictions.png`. */
  readonly file: string;
  /** `model`: shows this model's outputs; `dataset`: the dataset's contact sheet (copied). */
  readonly kind: "model" | "dataset";
  readonly title: string;
  readonly caption: string;
}

/** `metrics.json` of an evaluation artifact. */
export interface EvaluationRecord {
  readonly format: "keypointgan-evaluation";
  readonly formatVersion: 1;
  readonly dataset: {
    readonly kind: DatasetKind;
    readonly name: string;
    readonly skeleton: string;
    readonly numPoints: number;
    readonly imageSize: number;
    readonly originalSize: number;
    readonly activities: readonly string[];
    /** Where the unpaired prior comes from (`Prior.source`). */
    readonly priorSource: string;
    /** True when the prior comes from another source than the images (Table 2's 3DHP row). */
    readonly crossSourcePrior: boolean;
    readonly counts: { readonly train: number; readonly test: number; readonly prior: number };
    /** The `prepare_data` artifact's key and resolved params. */
    readonly artifactKey: string;
    readonly params: Readonly<Record<string, unknown>>;
  };
  readonly model: {
    /** Train variant preset (`keypointgan`, `cyclegan`, …, `supervised`). */
    readonly variant: string;
    /** Effective flags (`conditional`, `bottleneck`, `secondCycle`, …) from `train.json`. */
    readonly flags: Readonly<Record<string, unknown>>;
    /** Prior subset size (0 = the full prior) and the number of prior poses actually used. */
    readonly priorSize: number;
    readonly priorUsed: number;
    readonly seed: number | null;
    readonly tier: string | null;
    readonly backend: string | null;
    readonly perceptual: string | null;
    readonly steps: number | null;
    readonly finalLosses: Readonly<Record<string, number>>;
    /** The `train` artifact's key and resolved params. */
    readonly artifactKey: string;
    readonly params: Readonly<Record<string, unknown>>;
  };
  readonly measurements: readonly Measurement[];
  /** The post-processing fit on `split` (`header.postprocessSplit`), on `trainFrames` frames. */
  readonly postprocess:
    | {
      readonly status: "fitted";
      readonly split: string;
      readonly trainFrames: number;
      readonly ridge: number;
    }
    | {
      readonly status: "failed";
      readonly split: string;
      readonly trainFrames: number;
      readonly message: string;
    };
  /**
   * Spread of the model's raw predictions on `split` relative to the labels' (0 = one pose for
   * every image); `collapsed` when below `threshold` (`COLLAPSE_SPREAD`). Absent in records
   * written before it existed.
   */
  readonly collapse?: {
    readonly split: string;
    readonly spread: number;
    readonly threshold: number;
    readonly collapsed: boolean;
  };
  readonly training: TrainingCurves;
  /**
   * The learning curve: the held-out error the train stage's monitor logged every `evalEvery`
   * steps (`metric`: `val_err_min` for the flip-invariant human protocol, else `val_err`) and
   * the spread of those predictions. Absent when training logged none (or in older records).
   */
  readonly heldOut?: HeldOutCurve;
  readonly figures: readonly FigureEntry[];
  /** Honest remarks (e.g. which joints were unavailable, why a figure is missing). */
  readonly notes: readonly string[];
}
