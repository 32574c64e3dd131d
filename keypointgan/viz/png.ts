/**
 * PNG encoding of raw pixel buffers, through @napi-rs/canvas (Skia's encoder: deterministic,
 * no timestamps), plus conversions between RGB and RGBA buffers.
 *
 * @module
 */
import { createCanvas } from "@napi-rs/canvas";
import type { Canvas } from "@napi-rs/canvas";

/** RGB `[H, W, 3]` → RGBA `[H, W, 4]` with opaque alpha. */
export function rgbToRgba(rgb: Uint8Array, width: number, height: number): Uint8ClampedArray {
  const n = width * height;
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    out[4 * i] = rgb[3 * i];
    out[4 * i + 1] = rgb[3 * i + 1];
    out[4 * i + 2] = rgb[3 * i + 2];
    out[4 * i + 3] = 255;
  }
  return out;
}

/** A canvas holding the pixels (RGB or RGBA, inferred from the buffer length). */
export function pixelsToCanvas(
  pixels: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
): Canvas {
  const n = width * height;
  let rgba: Uint8ClampedArray;
  if (pixels.length === n * 4) rgba = new Uint8ClampedArray(pixels);
  else if (pixels.length === n * 3) rgba = rgbToRgba(pixels as Uint8Array, width, height);
  else {
    throw new RangeError(
      `encodePng: a ${width}×${height} image needs ${n * 3} (RGB) or ${
        n * 4
      } (RGBA) bytes, got ${pixels.length}`,
    );
  }
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  const data = ctx.createImageData(width, height);
  data.data.set(rgba);
  ctx.putImageData(data, 0, 0);
  return canvas;
}

/** Encode RGB `[H, W, 3]` or RGBA `[H, W, 4]` uint8 pixels as PNG bytes. */
export function encodePng(
  pixels: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
): Uint8Array {
  return new Uint8Array(pixelsToCanvas(pixels, width, height).toBuffer("image/png"));
}
