/**
 * The evaluate stage's figures: binds the trained model to the figure layouts of
 * keypointgan/eval/figures.ts, picks the test frames, writes the PNGs under `figures/` and copies
 * the dataset's contact sheet.
 *
 * @module
 */
import { join } from "node:path";
import type { Dataset, Split } from "../data/types.ts";
import { gatherRows, subsetSplit } from "../eval/score.ts";
import {
  editingFigure,
  type FigureFrames,
  type FigureModel,
  leakFigure,
  predictionsFigure,
  swapFigure,
} from "../eval/figures.ts";
import type { FigureEntry } from "../eval/record.ts";
import { applyLinearMap, type LinearMap } from "../eval/regression.ts";
import {
  type loadTrainedModel,
  predictKeypoints,
  renderFromKeypoints,
  skeletonImages,
  swapAppearance,
} from "../model/infer.ts";

type Model = Awaited<ReturnType<typeof loadTrainedModel>>;

/** The inference API bound to one model. */
function bind(model: Model): FigureModel {
  return {
    predict: (images, n) => predictKeypoints(model, images, n),
    skeletonImages: (images, n) => skeletonImages(model, images, n),
    swapAppearance: (pose, app, n) => swapAppearance(model, pose, app, n),
    renderFromKeypoints: (kp, app, n) => renderFromKeypoints(model, kp, app, n),
  };
}

/**
 * `n` frames spread evenly over the split, `phase` ∈ [0, 1) of the spacing in. Test splits hold
 * their videos in order, cycling over subjects and activities, so this shows several of each.
 */
export function pickFrames(split: Split, n: number, phase = 0.5): number[] {
  const m = Math.min(split.count, n);
  return Array.from({ length: m }, (_, i) => Math.floor(((i + phase) * split.count) / m));
}

function frames(dataset: Dataset, indices: readonly number[]): FigureFrames {
  const h = dataset.header, s = subsetSplit(dataset.test, h.numPoints, h.imageSize, indices);
  return {
    kind: h.kind,
    imageSize: h.imageSize,
    images: s.images,
    count: s.count,
    gt: s.keypoints,
  };
}

/** Options of {@link writeFigures}. */
export interface FigureOptions {
  /** The model's `[N, K, 2]` predictions on the whole test split. */
  readonly test: Float32Array;
  /** The post-processing map, when it was fitted. */
  readonly map: LinearMap | null;
  /** Whether the model has a trained decoder Ψ (not the supervised Φ∘η baseline). */
  readonly generative: boolean;
  /** Test images per figure. */
  readonly frames: number;
}

/** Writes every figure; returns their record entries and notes on what was left out. */
export async function writeFigures(
  outDir: string,
  dataDir: string,
  model: Model,
  dataset: Dataset,
  o: FigureOptions,
): Promise<{ figures: FigureEntry[]; notes: string[] }> {
  const figures: FigureEntry[] = [], notes: string[] = [], k = dataset.header.numPoints;
  const save = async (name: string, png: Uint8Array, title: string, caption: string) => {
    await Deno.writeFile(join(outDir, "figures", name), png);
    figures.push({ file: `figures/${name}`, kind: "model", title, caption });
  };
  const idx = pickFrames(dataset.test, o.frames);
  const f = frames(dataset, idx), pred = gatherRows(o.test, k * 2, idx);
  const post = o.map ? applyLinearMap(o.map, pred, idx.length) : undefined;
  await save(
    "predictions.png",
    predictionsFigure(f, pred, post),
    "Predictions",
    "test images: ground truth (green/cyan/yellow) vs predicted (red/magenta/orange) skeletons",
  );
  const m = bind(model);
  if (o.generative) {
    const poses = frames(dataset, pickFrames(dataset.test, 4, 0.25)),
      apps = frames(dataset, pickFrames(dataset.test, 4, 0.75));
    await save(
      "swap.png",
      await swapFigure(m, poses, apps),
      "Appearance / pose swap",
      "paper Fig. 9: each row keeps the pose of its left image, each column takes the appearance of the top image",
    );
    const few = idx.slice(0, 3);
    await save(
      "editing.png",
      await editingFigure(m, frames(dataset, few), gatherRows(o.test, k * 2, few)),
      "Keypoint editing",
      "paper Fig. 10: Ψ renders the input's appearance with edited keypoints",
    );
  } else {
    notes.push("The supervised Φ∘η baseline trains no decoder Ψ: no swap or editing figure.");
  }
  await save(
    "leak.png",
    await leakFigure(m, f),
    "Appearance leak",
    "paper §4: log of Φ's skeleton image; structure beyond the skeleton is appearance leaking through y",
  );
  try {
    await Deno.copyFile(
      join(dataDir, "contact_sheet.png"),
      join(outDir, "figures", "contact_sheet.png"),
    );
    figures.push({
      file: "figures/contact_sheet.png",
      kind: "dataset",
      title: "contact sheet",
      caption: "training and test frames with ground truth; prior skeletons",
    });
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    notes.push("The dataset artifact has no contact_sheet.png.");
  }
  return { figures, notes };
}
