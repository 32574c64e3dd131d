/**
 * Overlay PNGs for `deno task predict --overlay DIR`: the input image (enlarged when small, so
 * a 128-px face crop is readable) with the predicted skeleton drawn in the prediction style of
 * `keypointgan/viz/draw.ts`, and the square the model saw outlined when it is not the whole image.
 *
 * @module
 */
import { createCanvas } from "@napi-rs/canvas";
import { type Box, drawSkeleton, PRED_STYLE } from "../viz/draw.ts";
import { pixelsToCanvas } from "../viz/png.ts";
import type { Skeleton } from "../skeletons.ts";
import type { DecodedImage, Square } from "./image.ts";

/** Overlays are drawn at least this many pixels on their longer side. */
export const OVERLAY_MIN_SIDE = 384;

/**
 * The overlay of one image: `keypoints` `[K, 2]` in [−1, 1] on the model's S-pixel grid of
 * `square` (from `offset`). Returns PNG bytes.
 */
export function overlayPng(
  img: DecodedImage,
  square: Square,
  imageSize: number,
  keypoints: ArrayLike<number>,
  skeleton: Skeleton,
  offset = 0,
): Uint8Array {
  const scale = Math.max(1, OVERLAY_MIN_SIDE / Math.max(img.width, img.height));
  const w = Math.round(img.width * scale), h = Math.round(img.height * scale);
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(pixelsToCanvas(img.rgba, img.width, img.height), 0, 0, w, h);
  const whole = square.x === 0 && square.y === 0 && square.side === img.width &&
    square.side === img.height;
  if (!whole) {
    ctx.save();
    ctx.strokeStyle = "rgba(255,255,255,0.8)";
    ctx.setLineDash([6, 4]);
    ctx.lineWidth = 1.5;
    ctx.strokeRect(square.x * scale, square.y * scale, square.side * scale, square.side * scale);
    ctx.restore();
  }
  // Grid point −1 is the centre of the square's first model pixel, +1 that of its last.
  const px = (square.side / imageSize) * scale;
  const box: Box = {
    x: square.x * scale + 0.5 * px,
    y: square.y * scale + 0.5 * px,
    size: (imageSize - 1) * px,
  };
  const line = Math.max(1.5, Math.max(w, h) / 250);
  drawSkeleton(ctx, keypoints, skeleton, box, {
    ...PRED_STYLE,
    lineWidth: line,
    pointRadius: line * 1.3,
    points: "all",
  }, offset);
  return new Uint8Array(canvas.toBuffer("image/png"));
}
