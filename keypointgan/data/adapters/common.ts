/**
 * Shared pieces of the real-data adapters: JSON and landmark-file validation with errors that
 * name the file, the record and what was expected; JPEG/PNG decoding (@napi-rs/canvas) with an
 * area-average resize to S×S; pixel → renderer-grid coordinate conversion.
 *
 * Pixel convention of ../shared/data: [x, y] floats with the origin at the top-left corner of the
 * top-left pixel, so pixel i's centre is at i + 0.5.
 *
 * @module
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { DatasetFormatError } from "../dataset_io.ts";

export { DatasetFormatError };

/** Read and parse a JSON file; a missing or malformed file is a `DatasetFormatError`. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new DatasetFormatError(
      file,
      "(file)",
      "an existing, readable JSON file",
      (e as Error).message,
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DatasetFormatError(file, "(file)", "valid JSON", (e as Error).message);
  }
}

/** Fail unless `dir` exists (a clear error naming the data root and the expected layout). */
export async function requireDir(dir: string, what: string): Promise<void> {
  try {
    if ((await stat(dir)).isDirectory()) return;
  } catch { /* reported below */ }
  throw new DatasetFormatError(
    dir,
    "(directory)",
    `the ${what} directory (see ../shared/data/README.md)`,
    "missing",
  );
}

/**
 * Validate `{ "<image path>": [[x, y] × k] }` and return the records in sorted key order.
 * `size` bounds the coordinates loosely (points may lie slightly outside the crop).
 */
export function parseLandmarks(
  file: string,
  json: unknown,
  k: number,
  size: number,
): Map<string, Float32Array> {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new DatasetFormatError(
      file,
      "(root)",
      `an object { "<image path>": [[x, y] × ${k}] }`,
      json,
    );
  }
  const out = new Map<string, Float32Array>();
  for (const key of Object.keys(json).sort()) {
    const rec = (json as Record<string, unknown>)[key];
    const path = `[${JSON.stringify(key)}]`;
    if (!Array.isArray(rec) || rec.length !== k) {
      throw new DatasetFormatError(
        file,
        path,
        `an array of ${k} [x, y] points`,
        Array.isArray(rec) ? `${rec.length} points` : rec,
      );
    }
    const pts = new Float32Array(2 * k);
    rec.forEach((p, j) => {
      const ok = Array.isArray(p) && p.length >= 2 &&
        [p[0], p[1]].every((v) =>
          typeof v === "number" && Number.isFinite(v) && v > -size && v < 2 * size
        );
      if (!ok) {
        throw new DatasetFormatError(
          file,
          `${path}[${j}]`,
          `[x, y] with finite pixel coordinates near 0…${size}`,
          p,
        );
      }
      pts[2 * j] = p[0];
      pts[2 * j + 1] = p[1];
    });
    out.set(key, pts);
  }
  return out;
}

/** Pixel coordinates (corner origin) in a `src`-pixel frame → [−1, 1] on an S-pixel grid. */
export function pixelsToNormalized(
  points: Float32Array,
  src: number,
  size: number,
  out: Float32Array,
  offset = 0,
): void {
  for (let i = 0; i < points.length; i++) {
    const centre = (points[i] * size) / src - 0.5; // pixel-centre coordinate at size S
    out[offset + i] = (2 * centre) / (size - 1) - 1;
  }
}

/** Area-average resize of a square RGBA image `[n, n, 4]` to RGB `[S, S, 3]`. */
export function resizeToRgb(
  rgba: Uint8ClampedArray | Uint8Array,
  n: number,
  size: number,
  out: Uint8Array,
  offset = 0,
): void {
  const f = n / size;
  for (let y = 0; y < size; y++) {
    const y0 = y * f, y1 = y0 + f;
    for (let x = 0; x < size; x++) {
      const x0 = x * f, x1 = x0 + f;
      let r = 0, g = 0, b = 0, wsum = 0;
      for (let sy = Math.floor(y0); sy < Math.ceil(y1); sy++) {
        const wy = Math.min(y1, sy + 1) - Math.max(y0, sy);
        for (let sx = Math.floor(x0); sx < Math.ceil(x1); sx++) {
          const w = wy * (Math.min(x1, sx + 1) - Math.max(x0, sx));
          const i = 4 * (sy * n + sx);
          r += w * rgba[i];
          g += w * rgba[i + 1];
          b += w * rgba[i + 2];
          wsum += w;
        }
      }
      const o = offset + 3 * (y * size + x);
      out[o] = Math.round(r / wsum);
      out[o + 1] = Math.round(g / wsum);
      out[o + 2] = Math.round(b / wsum);
    }
  }
}

/** A square crop in source pixels (corner coordinates): top-left (x, y) and side. */
export interface CropBox {
  readonly x: number;
  readonly y: number;
  readonly side: number;
}

/** The square of a points' bounding box enlarged `enlarge`× about its centre (300-W style). */
export function cropAround(points: ArrayLike<number>, enlarge: number): CropBox {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < points.length; i += 2) {
    x0 = Math.min(x0, points[i]), x1 = Math.max(x1, points[i]);
    y0 = Math.min(y0, points[i + 1]), y1 = Math.max(y1, points[i + 1]);
  }
  const side = enlarge * Math.max(x1 - x0, y1 - y0, 1);
  return { x: (x0 + x1 - side) / 2, y: (y0 + y1 - side) / 2, side };
}

/**
 * Crop `box` out of an RGBA image `[n, n, 4]` and resize it to RGB `[S, S, 3]`: each output
 * pixel averages a q×q grid of bilinear samples over its footprint; outside the image the edge
 * is replicated (as for the 300-W crops).
 */
export function cropResizeToRgb(
  rgba: Uint8ClampedArray | Uint8Array,
  n: number,
  box: CropBox,
  size: number,
  out: Uint8Array,
  offset = 0,
): void {
  const step = box.side / size, q = Math.max(1, Math.ceil(step));
  const at = (x: number, y: number, c: number) => {
    // Continuous corner coordinates → pixel-centre coordinates, clamped (edge replication).
    const fx = Math.min(n - 1, Math.max(0, x - 0.5)), fy = Math.min(n - 1, Math.max(0, y - 0.5));
    const ix = Math.min(n - 2, Math.floor(fx)), iy = Math.min(n - 2, Math.floor(fy));
    const ax = fx - ix, ay = fy - iy, i = 4 * (iy * n + ix);
    const top = (1 - ax) * rgba[i + c] + ax * rgba[i + 4 + c];
    const bottom = (1 - ax) * rgba[i + 4 * n + c] + ax * rgba[i + 4 * n + 4 + c];
    return (1 - ay) * top + ay * bottom;
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        let v = 0;
        for (let sy = 0; sy < q; sy++) {
          for (let sx = 0; sx < q; sx++) {
            v += at(box.x + (x + (sx + 0.5) / q) * step, box.y + (y + (sy + 0.5) / q) * step, c);
          }
        }
        out[offset + 3 * (y * size + x) + c] = Math.round(v / (q * q));
      }
    }
  }
}

/** Decode a JPEG/PNG file into RGBA with its size (errors name the file). */
export async function decodeImage(
  file: string,
): Promise<{ rgba: Uint8ClampedArray; width: number; height: number }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new DatasetFormatError(
      file,
      "(file)",
      "an image file listed in landmarks.json",
      (e as Error).message,
    );
  }
  let img: Awaited<ReturnType<typeof loadImage>>;
  try {
    img = await loadImage(bytes);
  } catch (e) {
    throw new DatasetFormatError(file, "(image)", "a decodable JPEG or PNG", (e as Error).message);
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

/** Decode a square JPEG/PNG and write it as RGB `[S, S, 3]` at `out[offset …]`; returns its side. */
export async function loadSquareImage(
  root: string,
  rel: string,
  size: number,
  out: Uint8Array,
  offset: number,
): Promise<number> {
  const file = join(root, rel);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new DatasetFormatError(
      file,
      "(file)",
      "an image file listed in landmarks.json",
      (e as Error).message,
    );
  }
  let img: Awaited<ReturnType<typeof loadImage>>;
  try {
    img = await loadImage(bytes);
  } catch (e) {
    throw new DatasetFormatError(file, "(image)", "a decodable JPEG or PNG", (e as Error).message);
  }
  if (img.width !== img.height || img.width < size) {
    throw new DatasetFormatError(
      file,
      "(image)",
      `a square image of at least ${size}×${size} pixels`,
      `${img.width}×${img.height}`,
    );
  }
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(img, 0, 0);
  resizeToRgb(ctx.getImageData(0, 0, img.width, img.height).data, img.width, size, out, offset);
  return img.width;
}
