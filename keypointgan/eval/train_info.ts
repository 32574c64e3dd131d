/**
 * What an evaluation needs from a trained model's `train.json` (the `train` artifact), checked
 * before any work: the schema, and the check that the model was trained on this dataset's kind,
 * keypoint count and image size.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import type { Dataset } from "../data/types.ts";

/** The fields of `train.json` an evaluation reads. */
export const trainInfoSchema = z.object({
  variant: z.string(),
  flags: z.record(z.string(), z.unknown()),
  lossNames: z.array(z.string()),
  steps: z.int(),
  backend: z.string().nullable().optional(),
  perceptual: z.string().nullable().optional(),
  kind: z.enum(["humans", "faces", "cats"]),
  numPoints: z.int(),
  imageSize: z.int(),
  tier: z.string().nullable().optional(),
  priorSize: z.int().min(0),
  /** Prior poses the model actually saw (after the subset). */
  priorCount: z.int().min(0).optional(),
  seed: z.int().nullable().optional(),
  finalLosses: z.record(z.string(), z.number()),
});

/** A validated `train.json`. */
export type TrainInfo = z.infer<typeof trainInfoSchema>;

/** Reads `<dir>/train.json`; throws naming the file when it is invalid or not for `dataset`. */
export async function readTrainInfo(dir: string, dataset: Dataset): Promise<TrainInfo> {
  const file = join(dir, "train.json");
  const r = trainInfoSchema.safeParse(JSON.parse(await Deno.readTextFile(file)));
  if (!r.success) {
    throw new Error(
      `${file}: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const h = dataset.header, t = r.data;
  for (
    const [key, want] of [["kind", h.kind], ["numPoints", h.numPoints], [
      "imageSize",
      h.imageSize,
    ]] as const
  ) {
    if (t[key] !== want) {
      throw new Error(`${file}: ${key} is ${t[key]} but the dataset's is ${want}`);
    }
  }
  return t;
}
