/**
 * Image geometry of `deno task predict`: any decoded image (W×H RGBA) → the model's S×S RGB
 * input, and the model's keypoints back into the input image's pixels.
 *
 * The models were trained on square crops (300-W style for faces: the landmark box's square
 * enlarged 1.5×), so a non-square image is first made square:
 * - `crop` (default): the centred square of side min(W, H) — what a face crop that is slightly
 *   off-square needs;
 * - `pad`: the centred square of side max(W, H), the outside filled by replicating the edge
 *   pixels (as the 300-W crops were padded) — keeps the whole image.
 * The square is then resampled to S×S by averaging a q×q grid of bilinear samples per output pixel
 * (q = ceil(side / S): an area filter when shrinking, bilinear when enlarging).
 *
 * Coordinates follow ../shared/data: pixel (i, j) covers [i, i+1) × [j, j+1), so the top-left
 * pixel's centre is (0.5, 0.5). The model's grid puts point −1 at the centre of its pixel 0 and +1
 * at the centre of pixel S−1 (`keypointgan/skeletons.ts` `toPixels`).
 *
 * @module
 */
import { createCanvas, loadImage } from "@napi-rs/canvas";

/** How a non-square image is made square. */
export type FitMode = "crop" | "pad";
export const FIT_MODES: readonly FitMode[] = ["crop", "pad"];

/** A decoded image. */
export interface DecodedImage {
  readonly rgba: Uint8ClampedArray; // [H, W, 4]
  readonly width: number;
  readonly height: number;
}

/** The square of the input image that the model sees: top-left corner (x, y) and side. */
export interface Square {
  readonly x: number;
  readonly y: number;
  readonly side: number;
}

/** An image that cannot be read or decoded (the message names the file and the reason). */
export class ImageReadError extends Error {
  override name = "ImageReadError";
}

/** Read and decode a JPEG/PNG/WebP/GIF/BMP file. */
export async function decodeImageFile(file: string): Promise<DecodedImage> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(file);
  } catch (e) {
    throw new ImageReadError(`${file}: cannot read the file (${(e as Error).message})`);
  }
  let img: Awaited<ReturnType<typeof loadImage>>;
  try {
    img = await loadImage(bytes);
  } catch (e) {
    throw new ImageReadError(
      `${file}: not a decodable image (expected JPEG, PNG, WebP, GIF or BMP: ${
        (e as Error).message
      })`,
    );
  }
  if (!(img.width > 0 && img.height > 0)) {
    throw new ImageReadError(`${file}: the image has no pixels (${img.width}×${img.height})`);
  }
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(img, 0, 0);
  return {
    rgba: ctx.getImageData(0, 0, img.width, img.height).data,
    width: img.width,
    height: img.height,
  };
}

/** The centred square of a W×H image for a fit mode. */
export function fitSquare(width: number, height: number, mode: FitMode): Square {
  const side = mode === "crop" ? Math.min(width, height) : Math.max(width, height);
  return { x: (width - side) / 2, y: (height - side) / 2, side };
}

/**
 * Resample `square` of the image to RGB `[S, S, 3]` at `out[offset…]`; outside the image the
 * edge pixels are replicated.
 */
export function sampleSquare(
  img: DecodedImage,
  square: Square,
  size: number,
  out: Uint8Array,
  offset = 0,
): void {
  const { rgba, width: w, height: h } = img;
  const step = square.side / size, q = Math.max(1, Math.ceil(step));
  const acc = new Float64Array(3);
  const add = (x: number, y: number) => {
    // Corner coordinates → pixel-centre coordinates, clamped (edge replication).
    const fx = Math.min(w - 1, Math.max(0, x - 0.5)), fy = Math.min(h - 1, Math.max(0, y - 0.5));
    const ix = Math.min(Math.max(w - 2, 0), Math.floor(fx));
    const iy = Math.min(Math.max(h - 2, 0), Math.floor(fy));
    const ax = fx - ix, ay = fy - iy;
    const x1 = Math.min(ix + 1, w - 1), y1 = Math.min(iy + 1, h - 1);
    for (let c = 0; c < 3; c++) {
      const top = (1 - ax) * rgba[4 * (iy * w + ix) + c] + ax * rgba[4 * (iy * w + x1) + c];
      const bot = (1 - ax) * rgba[4 * (y1 * w + ix) + c] + ax * rgba[4 * (y1 * w + x1) + c];
      acc[c] += (1 - ay) * top + ay * bot;
    }
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      acc.fill(0);
      for (let sy = 0; sy < q; sy++) {
        for (let sx = 0; sx < q; sx++) {
          add(square.x + (x + (sx + 0.5) / q) * step, square.y + (y + (sy + 0.5) / q) * step);
        }
      }
      const o = offset + 3 * (y * size + x);
      for (let c = 0; c < 3; c++) out[o + c] = Math.round(acc[c] / (q * q));
    }
  }
}

/**
 * Model keypoints `[K, 2]` in [−1, 1] (from `offset`) → `[[x, y] × K]` in the input image's
 * pixel coordinates (corner origin; see the module comment).
 */
export function toImagePixels(
  keypoints: ArrayLike<number>,
  numPoints: number,
  square: Square,
  size: number,
  offset = 0,
): [number, number][] {
  const scale = square.side / size;
  // Point v sits at model pixel-centre (v + 1)(S − 1)/2, i.e. corner coordinate that + 0.5.
  const map = (v: number, origin: number) => origin + (((v + 1) * (size - 1)) / 2 + 0.5) * scale;
  return Array.from({ length: numPoints }, (_, k): [number, number] => [
    map(keypoints[offset + 2 * k], square.x),
    map(keypoints[offset + 2 * k + 1], square.y),
  ]);
}
