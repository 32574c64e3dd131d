/**
 * Smaller copies of figures for documents that inline them (the HTML report): a PNG re-encoded
 * as WebP (lossy, quality 90: the figures' photos and overlays look the same, at about a fifth
 * of the bytes). The original PNG is kept when WebP is not smaller or cannot be made.
 * Deterministic: the same PNG gives the same bytes.
 *
 * @module
 */
import { createCanvas, loadImage } from "@napi-rs/canvas";

/** Image bytes and their MIME type. */
export interface CompactImage {
  readonly bytes: Uint8Array;
  readonly mime: "image/png" | "image/webp";
}

/** WebP quality of {@link compactImage}. */
export const WEBP_QUALITY = 90;

/** `png` as WebP when that is smaller, else as it is. */
export async function compactImage(png: Uint8Array): Promise<CompactImage> {
  try {
    const img = await loadImage(png);
    const canvas = createCanvas(img.width, img.height);
    canvas.getContext("2d").drawImage(img, 0, 0);
    const webp = new Uint8Array(canvas.encodeSync("webp", WEBP_QUALITY));
    if (webp.length > 0 && webp.length < png.length) return { bytes: webp, mime: "image/webp" };
  } catch {
    // not decodable here: the PNG as it is
  }
  return { bytes: png, mime: "image/png" };
}
