/**
 * The zod schema of an evaluation artifact's `metrics.json`, beside its type (record.ts): checked
 * when the record is assembled (assemble_record.ts, for the `evaluate` stage) and on every input
 * of the `report` stage and the notebook before doing any work.
 *
 * @module
 */
import { z } from "zod";
import type { EvaluationRecord } from "./record.ts";

const num = z.number();
const dist = z.strictObject({ mean: num, q05: num, q25: num, median: num, q75: num, q95: num });

const measurement = z.strictObject({
  protocol: z.enum(["simplified_h36m", "h36m_pixels", "face_iod", "cat_eyes"]),
  flip: z.enum(["plain", "min"]).nullable(),
  predictor: z.enum(["model", "model+postprocess", "mean_pose"]),
  split: z.string(),
  all: num,
  perActivity: z.record(z.string(), num.nullable()),
  count: z.int().min(1),
  perKeypoint: z.array(z.strictObject({ name: z.string(), dist })),
});

const params = z.record(z.string(), z.unknown());

/** `metrics.json` of an evaluation artifact. */
export const evaluationRecordSchema = z.strictObject({
  format: z.literal("keypointgan-evaluation"),
  formatVersion: z.literal(1),
  dataset: z.strictObject({
    kind: z.enum(["humans", "faces", "cats"]),
    name: z.string(),
    skeleton: z.string(),
    numPoints: z.int().min(1),
    imageSize: z.int().min(1),
    originalSize: z.number().positive(),
    activities: z.array(z.string()),
    priorSource: z.string(),
    crossSourcePrior: z.boolean(),
    counts: z.strictObject({ train: z.int(), test: z.int(), prior: z.int() }),
    artifactKey: z.string(),
    params,
  }),
  model: z.strictObject({
    variant: z.string(),
    flags: params,
    priorSize: z.int().min(0),
    priorUsed: z.int().min(0),
    seed: z.int().nullable(),
    tier: z.string().nullable(),
    backend: z.string().nullable(),
    perceptual: z.string().nullable(),
    steps: z.int().nullable(),
    finalLosses: z.record(z.string(), num),
    artifactKey: z.string(),
    params,
  }),
  measurements: z.array(measurement),
  postprocess: z.discriminatedUnion("status", [
    z.strictObject({
      status: z.literal("fitted"),
      split: z.string(),
      trainFrames: z.int(),
      ridge: num,
    }),
    z.strictObject({
      status: z.literal("failed"),
      split: z.string(),
      trainFrames: z.int(),
      message: z.string(),
    }),
  ]),
  collapse: z.strictObject({
    split: z.string(),
    spread: num,
    threshold: num,
    collapsed: z.boolean(),
  }).optional(),
  training: z.strictObject({
    lossNames: z.array(z.string()),
    step: z.array(num),
    values: z.record(z.string(), z.array(num.nullable())),
  }),
  heldOut: z.strictObject({
    metric: z.string(),
    step: z.array(num),
    error: z.array(num),
    spread: z.array(num.nullable()),
  }).optional(),
  figures: z.array(
    z.strictObject({
      file: z.string().regex(/^figures\/[\w.-]+\.png$/, "expected figures/<name>.png"),
      kind: z.enum(["model", "dataset"]),
      title: z.string(),
      caption: z.string(),
    }),
  ),
  notes: z.array(z.string()),
});

// The schema and the TypeScript type must describe the same object.
const _sameShape: EvaluationRecord = {} as z.output<typeof evaluationRecordSchema>;
void _sameShape;

/** Parses `metrics.json` text; errors name the file and the dotted path. */
export function parseEvaluationRecord(text: string, file: string): EvaluationRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`);
  }
  const r = evaluationRecordSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) =>
      `  ${file} ${i.path.join(".") || "(root)"}: ${i.message}`
    );
    throw new Error(`${file} is not a valid evaluation record:\n${issues.join("\n")}`);
  }
  return r.data;
}
