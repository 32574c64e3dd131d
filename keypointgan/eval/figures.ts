/**
 * Qualitative figures of a trained model, as PNG bytes:
 * - predictions vs ground truth on test images (paper Figs. 5, 7, 8);
 * - the appearance/pose swap grid (paper Fig. 9);
 * - keypoint editing (paper Fig. 10);
 * - the appearance leak: log of Φ's skeleton image y (paper §4, Fig. 4).
 *
 * The model is reached through {@link FigureModel} (the inference API bound to one model), so
 * the layouts are testable without TF.js.
 *
 * @module
 */
import type { DatasetKind } from "../data/types.ts";
import { SKELETONS } from "../skeletons.ts";
import { GT_STYLE, PRED_STYLE } from "../viz/draw.ts";
import { contactSheet, type SheetCell, type SheetRow } from "../viz/sheet.ts";
import { keypointEdits } from "./edits.ts";

/** The inference API bound to one trained model (keypointgan/model/infer.ts). */
export interface FigureModel {
  /** `[n, S, S, 3]` uint8 → `[n, K, 2]` keypoints in [−1, 1]. */
  predict(images: Uint8Array, n: number): Promise<Float32Array> | Float32Array;
  /** Φ(x): `[n, S, S]` skeleton images (values in [−1, 1]). */
  skeletonImages(images: Uint8Array, n: number): Promise<Float32Array> | Float32Array;
  /** Ψ(β(η(Φ(pose))), appearance): `[n, S, S, 3]`. */
  swapAppearance(
    pose: Uint8Array,
    appearance: Uint8Array,
    n: number,
  ): Promise<Uint8Array> | Uint8Array;
  /** Ψ(β(keypoints), appearance): `[n, S, S, 3]`. */
  renderFromKeypoints(
    keypoints: Float32Array,
    appearance: Uint8Array,
    n: number,
  ): Promise<Uint8Array> | Uint8Array;
}

/** Images and keypoints of the frames a figure shows. */
export interface FigureFrames {
  readonly kind: DatasetKind;
  readonly imageSize: number;
  /** `[n, S, S, 3]` */
  readonly images: Uint8Array;
  readonly count: number;
  /** `[n, K, 2]` ground truth. */
  readonly gt: Float32Array;
}

const CELL = 96;

function image(frames: { images: Uint8Array; imageSize: number }, i: number): Uint8Array {
  const px = frames.imageSize * frames.imageSize * 3;
  return frames.images.subarray(i * px, (i + 1) * px);
}

function cells(
  images: Uint8Array,
  n: number,
  size: number,
  overlay?: { xy: Float32Array; k: number; gt?: boolean },
) {
  return Array.from({ length: n }, (_, i): SheetCell => ({
    image: image({ images, imageSize: size }, i),
    imageSize: size,
    overlays: overlay
      ? [{
        keypoints: overlay.xy,
        style: overlay.gt ? GT_STYLE : PRED_STYLE,
        offset: i * overlay.k * 2,
      }]
      : [],
  }));
}

/** Rows: ground truth, the model's predictions, and (when given) post-processed predictions. */
export function predictionsFigure(
  f: FigureFrames,
  pred: Float32Array,
  post?: Float32Array,
): Uint8Array {
  const skeleton = SKELETONS[f.kind], k = skeleton.numPoints, s = f.imageSize;
  const rows: SheetRow[] = [
    { label: "ground truth", cells: cells(f.images, f.count, s, { xy: f.gt, k, gt: true }) },
    { label: "prediction η(Φ(x))", cells: cells(f.images, f.count, s, { xy: pred, k }) },
  ];
  if (post) {
    rows.push({
      label: "+ supervised post-processing",
      cells: cells(f.images, f.count, s, { xy: post, k }),
    });
  }
  return contactSheet(rows, {
    title: "Test images: ground truth vs prediction",
    cellSize: CELL,
    skeleton,
  });
}

/** Paper Fig. 9: rows keep the pose of the left image, columns take the appearance of the top one. */
export async function swapFigure(
  model: FigureModel,
  poses: FigureFrames,
  appearances: FigureFrames,
) {
  const s = poses.imageSize, px = s * s * 3, n = poses.count * appearances.count;
  const pose = new Uint8Array(n * px), app = new Uint8Array(n * px);
  for (let i = 0; i < poses.count; i++) {
    for (let j = 0; j < appearances.count; j++) {
      pose.set(image(poses, i), (i * appearances.count + j) * px);
      app.set(image(appearances, j), (i * appearances.count + j) * px);
    }
  }
  const out = await model.swapAppearance(pose, app, n);
  const skeleton = SKELETONS[poses.kind];
  const blank: SheetCell = {
    image: new Uint8Array(px),
    imageSize: s,
    caption: "pose ↓ / appearance →",
  };
  const rows: SheetRow[] = [{
    label: "appearance",
    cells: [blank, ...cells(appearances.images, appearances.count, s)],
  }];
  for (let i = 0; i < poses.count; i++) {
    const generated = cells(
      out.subarray(i * appearances.count * px, (i + 1) * appearances.count * px),
      appearances.count,
      s,
    );
    rows.push({ label: `pose ${i + 1}`, cells: [cells(image(poses, i), 1, s)[0], ...generated] });
  }
  return contactSheet(rows, {
    title: "Appearance / pose swap (paper Fig. 9)",
    cellSize: CELL,
    skeleton,
  });
}

/** Paper Fig. 10: the image, Ψ re-rendering its predicted keypoints, then each edit. */
export async function editingFigure(model: FigureModel, f: FigureFrames, pred: Float32Array) {
  const skeleton = SKELETONS[f.kind], k = skeleton.numPoints, s = f.imageSize, px = s * s * 3;
  const edits = [{ name: "re-rendered", apply: (p: Float32Array) => p }, ...keypointEdits(f.kind)];
  const n = f.count * edits.length;
  const kps = new Float32Array(n * k * 2), app = new Uint8Array(n * px);
  for (let i = 0; i < f.count; i++) {
    const p = pred.slice(i * k * 2, (i + 1) * k * 2);
    edits.forEach((e, j) => {
      kps.set(e.apply(p), (i * edits.length + j) * k * 2);
      app.set(image(f, i), (i * edits.length + j) * px);
    });
  }
  const out = await model.renderFromKeypoints(kps, app, n);
  const rows = Array.from({ length: f.count }, (_, i): SheetRow => {
    const range = (a: Uint8Array | Float32Array, per: number) =>
      a.subarray(i * edits.length * per, (i + 1) * edits.length * per);
    const generated = cells(range(out, px) as Uint8Array, edits.length, s, {
      xy: range(kps, k * 2) as Float32Array,
      k,
    });
    const input = cells(image(f, i), 1, s, { xy: pred.subarray(i * k * 2, (i + 1) * k * 2), k })[0];
    return {
      label: `image ${i + 1}`,
      cells: [
        { ...input, caption: "input + η(Φ(x))" },
        ...generated.map((c, j) => ({ ...c, caption: edits[j].name })),
      ],
    };
  });
  return contactSheet(rows, {
    title: "Keypoint editing (paper Fig. 10)",
    cellSize: CELL,
    skeleton,
  });
}

/**
 * Paper §4: Φ's skeleton image y and log((y + 1) / 2) on a fixed scale [log 1e−4, 0], so faint
 * appearance patterns leaked into y (CycleGAN) become visible and variants are comparable.
 */
export async function leakFigure(model: FigureModel, f: FigureFrames): Promise<Uint8Array> {
  const s = f.imageSize, y = await model.skeletonImages(f.images, f.count);
  const toRgb = (map: (v: number) => number) => {
    const out = new Uint8Array(f.count * s * s * 3);
    for (let i = 0; i < f.count * s * s; i++) {
      out.fill(Math.round(255 * map(y[i])), 3 * i, 3 * i + 3);
    }
    return out;
  };
  const unit = (v: number) => Math.min(1, Math.max(0, (v + 1) / 2));
  const logv = (v: number) => 1 + Math.log10(Math.max(unit(v), 1e-4)) / 4;
  const skeleton = SKELETONS[f.kind];
  return contactSheet([
    { label: "input x", cells: cells(f.images, f.count, s) },
    { label: "skeleton y = Φ(x)", cells: cells(toRgb(unit), f.count, s) },
    { label: "log y (1e−4 … 1)", cells: cells(toRgb(logv), f.count, s) },
  ], {
    title: "Appearance leak: log of Φ's skeleton image (paper §4)",
    cellSize: CELL,
    skeleton,
    smooth: false,
  });
}
