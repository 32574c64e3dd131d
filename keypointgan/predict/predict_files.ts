/**
 * The work of `deno task predict`, as a library: expand the inputs (files, folders) into image
 * files, run a {@link PosePredictor} over them in batches, map the keypoints back into each
 * input image's pixels, and optionally write overlay PNGs. A file that fails (unreadable, not an
 * image, non-finite output) gets its own error; the others are still processed.
 *
 * @module
 */
import { basename, join, relative, resolve } from "node:path";
import {
  type DecodedImage,
  decodeImageFile,
  type FitMode,
  fitSquare,
  sampleSquare,
  type Square,
  toImagePixels,
} from "./image.ts";
import type { PosePredictor } from "./model.ts";
import { overlayPng } from "./overlay.ts";

/** File extensions collected from folders (case-insensitive). */
export const IMAGE_EXTENSIONS = [".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"];

/** One input's outcome: its keypoints in its own pixels, or why it failed. */
export interface FileResult {
  /** The path as given (a file inside a given folder: the folder as given + its relative path). */
  readonly input: string;
  readonly points?: [number, number][];
  readonly error?: string;
  /** The overlay PNG written for it. */
  readonly overlay?: string;
}

const isImage = (name: string) => IMAGE_EXTENSIONS.some((e) => name.toLowerCase().endsWith(e));

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = [];
  for await (const e of Deno.readDir(dir)) entries.push(e);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory) out.push(...await walk(p));
    else if (e.isFile && isImage(e.name)) out.push(p);
  }
  return out;
}

/** An image file to process. */
export interface InputFile {
  /** The key in the output: the path as given (files found in a folder: the folder as given +
   * their path inside it). */
  readonly path: string;
  /** Where to read it (the path resolved against the caller's working directory). */
  readonly file: string;
  /** Short name for its overlay: the path inside the given folder, or the file's base name. */
  readonly short: string;
}

/**
 * Expand inputs: a folder becomes its image files (recursively, sorted); a file stays as given
 * (its content is checked when decoded). A missing path or a folder without images is an error
 * for that input.
 */
export async function collectInputs(inputs: readonly string[], cwd = Deno.cwd()): Promise<{
  files: InputFile[];
  errors: FileResult[];
}> {
  const files = new Map<string, InputFile>(), errors: FileResult[] = [];
  for (const input of inputs) {
    const abs = resolve(cwd, input);
    const st = await Deno.stat(abs).catch(() => null);
    if (!st) {
      errors.push({ input, error: `${input}: no such file or directory` });
    } else if (st.isDirectory) {
      const found = await walk(abs);
      if (found.length === 0) {
        errors.push({
          input,
          error: `${input}: the folder holds no image (${IMAGE_EXTENSIONS.join(", ")})`,
        });
      }
      const prefix = input.replace(/\/+$/, "") || "/";
      for (const f of found) {
        const rel = relative(abs, f), path = `${prefix === "/" ? "" : prefix}/${rel}`;
        files.set(path, { path, file: f, short: rel });
      }
    } else files.set(input, { path: input, file: abs, short: basename(input) });
  }
  return { files: [...files.values()], errors };
}

/** A collision-free overlay file name (`a/b.jpg` → `a__b.png`, then `a__b.2.png`, …). */
export function overlayName(short: string, taken: Set<string>): string {
  const base = short.replace(/[\\/]+/g, "__").replace(/\.[^._]*$/, "") || "image";
  let name = `${base}.png`;
  for (let i = 2; taken.has(name); i++) name = `${base}.${i}.png`;
  taken.add(name);
  return name;
}

/** Options of {@link predictFiles}. */
export interface PredictOptions {
  readonly fit: FitMode;
  /** Images per forward pass. */
  readonly batch: number;
  /** Write one overlay PNG per image here. */
  readonly overlayDir?: string;
  /** Called after each file (progress, error lines). */
  readonly onResult?: (r: FileResult, done: number, total: number) => void;
}

interface Loaded {
  readonly file: InputFile;
  readonly img: DecodedImage;
  readonly square: Square;
}

/** Run the predictor over `files` (paths as they should appear in the output). */
export async function predictFiles(
  predictor: PosePredictor,
  files: readonly InputFile[],
  opts: PredictOptions,
): Promise<FileResult[]> {
  const S = predictor.imageSize, K = predictor.numPoints, taken = new Set<string>();
  const results: FileResult[] = [];
  const emit = (
    r: FileResult,
  ) => (results.push(r), opts.onResult?.(r, results.length, files.length));
  if (opts.overlayDir) await Deno.mkdir(opts.overlayDir, { recursive: true });
  for (let i = 0; i < files.length; i += opts.batch) {
    const ok: Loaded[] = [];
    for (const file of files.slice(i, i + opts.batch)) {
      try {
        const img = await decodeImageFile(file.file);
        ok.push({ file, img, square: fitSquare(img.width, img.height, opts.fit) });
      } catch (e) {
        emit({ input: file.path, error: (e as Error).message });
      }
    }
    if (ok.length === 0) continue;
    const batch = new Uint8Array(ok.length * S * S * 3); // [n, S, S, 3]
    ok.forEach((l, j) => sampleSquare(l.img, l.square, S, batch, j * S * S * 3));
    const kp = predictor.predict(batch, ok.length); // [n, K, 2] in [−1, 1]
    for (const [j, l] of ok.entries()) {
      const row = kp.subarray(j * K * 2, (j + 1) * K * 2);
      if (!row.every(Number.isFinite)) {
        emit({
          input: l.file.path,
          error: `${l.file.path}: the model predicted non-finite keypoints`,
        });
        continue;
      }
      const points = toImagePixels(row, K, l.square, S);
      let overlay: string | undefined;
      if (opts.overlayDir) {
        overlay = join(opts.overlayDir, overlayName(l.file.short, taken));
        await Deno.writeFile(overlay, overlayPng(l.img, l.square, S, row, predictor.skeleton));
      }
      emit({ input: l.file.path, points, ...(overlay ? { overlay } : {}) });
    }
  }
  return results;
}

/** `{ "<input>": [[x, y] × K] }` for the successful results, coordinates rounded to 1/1000 px. */
export function predictionsJson(results: readonly FileResult[]): Record<string, number[][]> {
  const out: Record<string, number[][]> = {};
  for (const r of results) {
    if (r.points) out[r.input] = r.points.map(([x, y]) => [round3(x), round3(y)]);
  }
  return out;
}

/** The JSON text: one line per image (readable, diff-friendly). */
export function formatPredictions(json: Readonly<Record<string, number[][]>>): string {
  const lines = Object.entries(json).map(([k, v]) => ` ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return lines.length === 0 ? "{}\n" : `{\n${lines.join(",\n")}\n}\n`;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;
