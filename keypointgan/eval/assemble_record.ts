/**
 * Assembles an evaluation's `metrics.json` record (record.ts) from the dataset, the trained
 * model's `train.json`, the scores, the training curves and the figures, and validates it
 * against its schema (record_schema.ts): a record the report would reject is never written.
 *
 * @module
 */
import type { Dataset } from "../data/types.ts";
import type { EvaluationRecord, FigureEntry, HeldOutCurve, TrainingCurves } from "./record.ts";
import { evaluationRecordSchema } from "./record_schema.ts";
import type { Scores } from "./score.ts";
import type { TrainInfo } from "./train_info.ts";

/** Where an input artifact came from: its content key and resolved params. */
export interface ArtifactOrigin {
  readonly key: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** The parts of one evaluation. */
export interface RecordParts {
  readonly dataset: Dataset;
  /** The `prepare_data` artifact. */
  readonly data: ArtifactOrigin;
  readonly train: TrainInfo;
  /** The `train` artifact. */
  readonly trained: ArtifactOrigin;
  readonly scores: Scores;
  readonly training: TrainingCurves;
  readonly heldOut: HeldOutCurve | null;
  readonly figures: FigureEntry[];
  readonly notes: string[];
}

/** The validated record of one evaluation. */
export function assembleRecord(p: RecordParts): EvaluationRecord {
  const { dataset, data, train, trained, scores } = p;
  const h = dataset.header, prior = dataset.prior;
  const record: EvaluationRecord = {
    format: "keypointgan-evaluation",
    formatVersion: 1,
    dataset: {
      kind: h.kind,
      name: h.name,
      skeleton: h.skeleton,
      numPoints: h.numPoints,
      imageSize: h.imageSize,
      originalSize: h.originalSize,
      activities: h.activities,
      priorSource: prior.source,
      // The prior's poses name no frame of this dataset (video −1): another source (Table 2's 3DHP row).
      crossSourcePrior: prior.count > 0 && prior.video.every((v) => v === -1),
      counts: { train: dataset.train.count, test: dataset.test.count, prior: prior.count },
      artifactKey: data.key,
      params: data.params,
    },
    model: {
      variant: train.variant,
      flags: train.flags,
      priorSize: train.priorSize,
      priorUsed: train.priorCount ??
        (train.priorSize > 0 ? Math.min(train.priorSize, prior.count) : prior.count),
      seed: train.seed ?? null,
      tier: train.tier ?? null,
      backend: train.backend ?? null,
      perceptual: train.perceptual ?? null,
      steps: train.steps,
      finalLosses: train.finalLosses,
      artifactKey: trained.key,
      params: trained.params,
    },
    measurements: scores.measurements,
    postprocess: scores.postprocess,
    collapse: scores.collapse,
    training: p.training,
    ...(p.heldOut ? { heldOut: p.heldOut } : {}),
    figures: p.figures,
    notes: p.notes,
  };
  evaluationRecordSchema.parse(record);
  return record;
}
