/**
 * Real face adapters (layouts in ../shared/data/README.md):
 * - `faces-video/`: YouTube-Faces frames with 68 points, `images/<person>/<clip>_<frame>.jpg`,
 *   `landmarks.json`, `splits.json` (people split 80/20). Frames of one clip form a video.
 * - `faces-300w/<subset>/`: 300-W HELEN faces, `images/<id>.jpg` + `landmarks.json`.
 * Images are decoded and area-resized to S; landmarks converted to the renderer grid.
 *
 * @module
 */
import { join } from "node:path";
import type { Prior, Split } from "../types.ts";
import type { CropBox } from "./common.ts";
import {
  cropAround,
  cropResizeToRgb,
  DatasetFormatError,
  decodeImage,
  loadSquareImage,
  parseLandmarks,
  pixelsToNormalized,
  readJsonFile,
  requireDir,
} from "./common.ts";

/** Side of the shared crops (README: all images are 128×128). */
export const SHARED_CROP = 128;
const K = 68;

/** One labelled image to load (with an optional crop box in its pixels). */
interface Item {
  readonly key: string;
  readonly points: Float32Array;
  readonly video: number;
  readonly frame: number;
  readonly subject: number;
  readonly crop?: CropBox;
}

/** Load one item: whole image, or its crop box (keypoints moved into the crop). */
async function loadItem(
  dir: string,
  it: Item,
  size: number,
  split: Split,
  i: number,
): Promise<void> {
  if (!it.crop) {
    const src = await loadSquareImage(dir, it.key, size, split.images, i * size * size * 3);
    pixelsToNormalized(it.points, src, size, split.keypoints, i * K * 2);
    return;
  }
  const { rgba, width, height } = await decodeImage(join(dir, it.key));
  if (width !== height) {
    throw new DatasetFormatError(
      join(dir, it.key),
      "(image)",
      "a square image",
      `${width}×${height}`,
    );
  }
  cropResizeToRgb(rgba, width, it.crop, size, split.images, i * size * size * 3);
  const moved = it.points.map((v, j) => (j % 2 === 0 ? v - it.crop!.x : v - it.crop!.y));
  pixelsToNormalized(moved, it.crop.side, size, split.keypoints, i * K * 2);
}

/** Decode the items' images (in order) into a split. */
async function loadSplit(dir: string, items: readonly Item[], size: number): Promise<Split> {
  const n = items.length;
  const split: Split = {
    count: n,
    images: new Uint8Array(n * size * size * 3),
    keypoints: new Float32Array(n * K * 2),
    video: Int32Array.from(items, (it) => it.video),
    frame: Int32Array.from(items, (it) => it.frame),
    activity: new Int32Array(n),
    subject: Int32Array.from(items, (it) => it.subject),
  };
  for (let i = 0; i < n; i += 16) {
    // Decode a few at a time: bounded memory, some overlap of file reads.
    await Promise.all(items.slice(i, i + 16).map((it, j) => loadItem(dir, it, size, split, i + j)));
  }
  return split;
}

function stringList(file: string, json: Record<string, unknown>, key: string): string[] {
  const v = json[key];
  if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) {
    throw new DatasetFormatError(file, key, "an array of person names", v);
  }
  return v as string[];
}

/** The faces-video train and test splits: clips are videos, people are subjects. */
export interface FacesVideo {
  readonly train: Split;
  readonly test: Split;
  /** Person names (subject indices start at `subjectOffset`). */
  readonly people: string[];
  readonly clips: { readonly train: number; readonly test: number };
}

/**
 * How faces-video frames are framed: "native" keeps the shared 128-px frames (faces are small
 * in them); "clip" crops each clip to the square of the union of its frames' landmark boxes,
 * enlarged 1.5× (the 300-W crop rule applied per clip, like a stable detector track), so the
 * framing matches 300-W images and priors while the motion within a clip is kept.
 */
export type FaceCrop = "native" | "clip";

/** Read `faces-video/` under `root`; video ids start at `firstVideo`, subjects at `subjectOffset`. */
export async function readFacesVideo(
  root: string,
  size: number,
  firstVideo = 0,
  subjectOffset = 0,
  crop: FaceCrop = "clip",
): Promise<FacesVideo> {
  const dir = join(root, "faces-video");
  await requireDir(dir, "faces-video");
  const splitsFile = join(dir, "splits.json");
  const splits = await readJsonFile(splitsFile);
  if (typeof splits !== "object" || splits === null) {
    throw new DatasetFormatError(splitsFile, "(root)", '{ "train": [...], "test": [...] }', splits);
  }
  const train = stringList(splitsFile, splits as Record<string, unknown>, "train");
  const test = stringList(splitsFile, splits as Record<string, unknown>, "test");
  const overlap = train.find((p) => test.includes(p));
  if (overlap) {
    throw new DatasetFormatError(splitsFile, "test", "people disjoint from train", overlap);
  }
  const people = [...train, ...test];
  const personIndex = new Map(people.map((p, i) => [p, i]));
  const lmFile = join(dir, "landmarks.json");
  const records = parseLandmarks(lmFile, await readJsonFile(lmFile), K, SHARED_CROP);
  // Group frames by clip: images/<person>/<clip>_<frame>.jpg.
  const clips = new Map<string, { person: string; frames: [string, Float32Array][] }>();
  for (const [key, pts] of records) {
    const m = /^images\/([^/]+)\/([^/_]+)_([^/]+)\.(jpg|jpeg|png)$/i.exec(key);
    if (!m) {
      throw new DatasetFormatError(
        lmFile,
        `[${JSON.stringify(key)}]`,
        "a key images/<person>/<clip>_<frame>.jpg",
        key,
      );
    }
    if (!personIndex.has(m[1])) {
      throw new DatasetFormatError(
        lmFile,
        `[${JSON.stringify(key)}]`,
        "a person listed in splits.json",
        m[1],
      );
    }
    const id = `${m[1]}/${m[2]}`;
    const clip = clips.get(id) ?? { person: m[1], frames: [] };
    clip.frames.push([key, pts]);
    clips.set(id, clip);
  }
  const items: Record<"train" | "test", Item[]> = { train: [], test: [] };
  const count = { train: 0, test: 0 };
  let video = firstVideo;
  for (const id of [...clips.keys()].sort()) {
    const clip = clips.get(id)!;
    const which = train.includes(clip.person) ? "train" : "test";
    count[which]++;
    clip.frames.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const box = crop === "clip"
      ? cropAround(clip.frames.flatMap(([, p]) => [...p]), 1.5)
      : undefined;
    const subject = subjectOffset + personIndex.get(clip.person)!;
    clip.frames.forEach(([key, points], frame) =>
      items[which].push({ key, points, video, frame, subject, crop: box })
    );
    video++;
  }
  return {
    train: await loadSplit(dir, items.train, size),
    test: await loadSplit(dir, items.test, size),
    people,
    clips: count,
  };
}

/** Records of `faces-300w/<subset>/landmarks.json`, sorted by image path. */
async function records300w(
  root: string,
  subset: string,
): Promise<{ dir: string; records: Map<string, Float32Array> }> {
  const dir = join(root, "faces-300w", subset);
  await requireDir(dir, `faces-300w/${subset}`);
  const file = join(dir, "landmarks.json");
  return { dir, records: parseLandmarks(file, await readJsonFile(file), K, SHARED_CROP) };
}

/** A 300-W subset as a split: every image its own video and subject (ids from the offsets). */
export async function read300w(
  root: string,
  subset: string,
  size: number,
  firstVideo = 0,
  subjectOffset = 0,
): Promise<{ split: Split; names: string[] }> {
  const { dir, records } = await records300w(root, subset);
  const keys = [...records.keys()];
  const items = keys.map((key, i) => ({
    key,
    points: records.get(key)!,
    video: firstVideo + i,
    frame: 0,
    subject: subjectOffset + i,
  }));
  return { split: await loadSplit(dir, items, size), names: keys.map((k) => `${subset}/${k}`) };
}

/** A 300-W subset's landmarks as a 68-point prior (no images are decoded). */
export async function read300wPrior(root: string, subset: string, size: number): Promise<Prior> {
  const { records } = await records300w(root, subset);
  const n = records.size;
  const keypoints = new Float32Array(n * K * 2);
  [...records.values()].forEach((pts, i) =>
    pixelsToNormalized(pts, SHARED_CROP, size, keypoints, i * K * 2)
  );
  return {
    count: n,
    keypoints,
    video: new Int32Array(n).fill(-1),
    frame: new Int32Array(n).fill(-1),
    source: `300w:${subset}`,
  };
}
