/**
 * Skeleton overlays shared by every room's figures: keypoints (x, y in [−1, 1], the renderer
 * grid) drawn as edges and dots on a canvas region, in a ground-truth or prediction style, with
 * the subject's left and right limbs in distinct colours when asked.
 *
 * @module
 */
import { createCanvas } from "@napi-rs/canvas";
import type { SKRSContext2D } from "@napi-rs/canvas";
import type { Skeleton } from "../skeletons.ts";

/** How a skeleton is drawn. Colours are CSS strings. */
export interface SkeletonStyle {
  /** Colour of edges and points not on either side (and of all of them without side colours). */
  readonly color: string;
  /** Colours of the left / right limbs (by `skeleton.leftRight`); omit to use `color`. */
  readonly leftColor?: string;
  readonly rightColor?: string;
  /** Line width and point radius in pixels of the target region. */
  readonly lineWidth?: number;
  readonly pointRadius?: number;
  /** Which points get a dot: those used by edges (default), all, or none. */
  readonly points?: "edges" | "all" | "none";
  /** Dashed lines (e.g. for predictions drawn over ground truth). */
  readonly dashed?: boolean;
  /** Opacity in [0, 1] (default 1). */
  readonly opacity?: number;
}

/** Ground truth: green with the left side cyan-ish and the right side yellow-ish. */
export const GT_STYLE: SkeletonStyle = {
  color: "#3ddc84",
  leftColor: "#39c5ff",
  rightColor: "#ffd23f",
  lineWidth: 1.2,
  pointRadius: 1.4,
  opacity: 0.85,
};

/** Predictions: red / magenta, drawn thinner. */
export const PRED_STYLE: SkeletonStyle = {
  color: "#ff4d4d",
  leftColor: "#ff5cf0",
  rightColor: "#ff8c1a",
  lineWidth: 1.2,
  pointRadius: 1.3,
};

/** The square canvas region spanned by keypoints −1 … +1, in canvas pixels. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly size: number;
}

/** Side of each joint from `leftRight`: 1 left, 2 right, 0 neither. */
function sides(skeleton: Skeleton): Uint8Array {
  const s = new Uint8Array(skeleton.numPoints);
  for (const [l, r] of skeleton.leftRight) {
    s[l] = 1;
    s[r] = 2;
  }
  return s;
}

/**
 * The box for keypoints of an S-pixel image drawn into a `cell`-pixel square at (x, y): the
 * keypoint grid runs from the centre of pixel 0 to the centre of pixel S−1.
 */
export function imageBox(x: number, y: number, cell: number, imageSize: number): Box {
  const px = cell / imageSize;
  return { x: x + 0.5 * px, y: y + 0.5 * px, size: (imageSize - 1) * px };
}

/**
 * Draw a skeleton: `keypoints` holds `[K, 2]` (x, y) in [−1, 1] starting at `offset`; `box` is
 * the canvas region that shows the image the keypoints belong to.
 */
export function drawSkeleton(
  ctx: SKRSContext2D,
  keypoints: ArrayLike<number>,
  skeleton: Skeleton,
  box: Box,
  style: SkeletonStyle = GT_STYLE,
  offset = 0,
): void {
  const side = sides(skeleton);
  const colorOf = (s: number) =>
    s === 1
      ? (style.leftColor ?? style.color)
      : s === 2
      ? (style.rightColor ?? style.color)
      : style.color;
  const X = (j: number) => box.x + ((keypoints[offset + 2 * j] + 1) / 2) * box.size;
  const Y = (j: number) => box.y + ((keypoints[offset + 2 * j + 1] + 1) / 2) * box.size;
  ctx.save();
  ctx.globalAlpha = style.opacity ?? 1;
  ctx.lineWidth = style.lineWidth ?? 1.5;
  ctx.lineCap = "round";
  ctx.setLineDash(style.dashed ? [3, 2] : []);
  const used = new Set<number>();
  for (const [a, b] of skeleton.edges) {
    ctx.strokeStyle = colorOf(side[a] || side[b]);
    ctx.beginPath();
    ctx.moveTo(X(a), Y(a));
    ctx.lineTo(X(b), Y(b));
    ctx.stroke();
    used.add(a).add(b);
  }
  const mode = style.points ?? "edges";
  const r = style.pointRadius ?? 1.5;
  for (let j = 0; j < skeleton.numPoints && mode !== "none"; j++) {
    if (mode === "edges" && !used.has(j)) continue;
    ctx.fillStyle = colorOf(side[j]);
    ctx.beginPath();
    ctx.arc(X(j), Y(j), r, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.restore();
}

/**
 * A prior-skeleton thumbnail: the skeleton drawn on black, RGB `[size, size, 3]` — a quick
 * look at what the discriminator's real samples β(p̄) contain (not the renderer β itself).
 */
export function renderSkeletonThumb(
  keypoints: ArrayLike<number>,
  skeleton: Skeleton,
  size: number,
  style: SkeletonStyle = { ...GT_STYLE, color: "#ffffff" },
  offset = 0,
): Uint8Array {
  const canvas = createCanvas(size, size);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#000";
  ctx.fillRect(0, 0, size, size);
  drawSkeleton(ctx, keypoints, skeleton, imageBox(0, 0, size, size), style, offset);
  const rgba = ctx.getImageData(0, 0, size, size).data;
  const rgb = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    rgb[3 * i] = rgba[4 * i];
    rgb[3 * i + 1] = rgba[4 * i + 1];
    rgb[3 * i + 2] = rgba[4 * i + 2];
  }
  return rgb;
}
