/**
 * Reading and writing dataset artifacts: `dataset.json` plus one little-endian binary file per
 * array under `arrays/`. Every field is checked on read (shape, dtype, byte length, ranges), and
 * a bad file gives an error naming the file, the dotted path and what was expected.
 *
 * @module
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ArrayInfo, Dataset, DatasetContent, DatasetHeader, Prior, Split } from "./types.ts";

const SPLIT_FIELDS = ["images", "keypoints", "video", "frame", "activity", "subject"] as const;
const EXT = { uint8: "u8", int32: "i32", float32: "f32" } as const;
const KINDS = ["humans", "faces", "cats"];

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error("dataset_io: a little-endian host is required (arrays are stored little-endian)");
}

/** A dataset file is invalid: the message names the file, the path and what was expected. */
export class DatasetFormatError extends Error {
  constructor(file: string, path: string, expected: string, got?: unknown) {
    const tail = got === undefined ? "" : `, got ${JSON.stringify(got)?.slice(0, 80)}`;
    super(`${file}: ${path}: expected ${expected}${tail}`);
    this.name = "DatasetFormatError";
  }
}

type Typed = Uint8Array | Int32Array | Float32Array;

function dtypeOf(a: Typed): ArrayInfo["dtype"] {
  return a instanceof Uint8Array ? "uint8" : a instanceof Int32Array ? "int32" : "float32";
}

function splitArrays(name: string, s: Split, size: number, k: number): [string, Typed, number[]][] {
  const n = s.count;
  return [
    [`${name}.images`, s.images, [n, size, size, 3]],
    [`${name}.keypoints`, s.keypoints, [n, k, 2]],
    [`${name}.video`, s.video, [n]],
    [`${name}.frame`, s.frame, [n]],
    [`${name}.activity`, s.activity, [n]],
    [`${name}.subject`, s.subject, [n]],
  ];
}

function priorArrays(p: Prior, k: number): [string, Typed, number[]][] {
  return [
    ["prior.keypoints", p.keypoints, [p.count, k, 2]],
    ["prior.video", p.video, [p.count]],
    ["prior.frame", p.frame, [p.count]],
  ];
}

/**
 * Write a dataset into `dir` (created if missing): the arrays first, `dataset.json` last, so a
 * directory without a header is never mistaken for a complete dataset. Returns the header.
 */
export async function writeDataset(dir: string, ds: DatasetContent): Promise<DatasetHeader> {
  const { imageSize: size, numPoints: k } = ds.meta;
  const extra = ds.extra ?? {};
  const entries = [
    ...splitArrays("train", ds.train, size, k),
    ...splitArrays("test", ds.test, size, k),
    ...priorArrays(ds.prior, k),
    ...Object.entries(extra).flatMap(([name, s]) => splitArrays(name, s, size, k)),
  ];
  await mkdir(join(dir, "arrays"), { recursive: true });
  const arrays: Record<string, ArrayInfo> = {};
  for (const [name, data, shape] of entries) {
    const expected = shape.reduce((a, b) => a * b, 1);
    if (data.length !== expected) {
      throw new RangeError(
        `writeDataset: ${name} has ${data.length} elements, expected ${expected} (shape ${shape})`,
      );
    }
    const dtype = dtypeOf(data);
    const file = `arrays/${name}.${EXT[dtype]}`;
    await writeFile(join(dir, file), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    arrays[name] = { file, dtype, shape };
  }
  const header: DatasetHeader = {
    format: "keypointgan-dataset",
    formatVersion: 1,
    ...ds.meta,
    source: { ...ds.meta.source, prior: ds.prior.source },
    extraSplits: Object.keys(extra),
    arrays,
  };
  await writeFile(join(dir, "dataset.json"), JSON.stringify(header, null, 2) + "\n");
  return header;
}

/** Read and validate the header `dataset.json` of the dataset in `dir`. */
export async function readDatasetHeader(dir: string): Promise<DatasetHeader> {
  const file = join(dir, "dataset.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new DatasetFormatError(file, "(file)", "a readable dataset header", (e as Error).message);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DatasetFormatError(file, "(file)", "valid JSON", (e as Error).message);
  }
  return validateHeader(file, json);
}

function validateHeader(file: string, h: unknown): DatasetHeader {
  const fail = (path: string, expected: string, got: unknown): never => {
    throw new DatasetFormatError(file, path, expected, got);
  };
  if (typeof h !== "object" || h === null || Array.isArray(h)) fail("(root)", "an object", h);
  const o = h as Record<string, unknown>;
  if (o.format !== "keypointgan-dataset") fail("format", '"keypointgan-dataset"', o.format);
  if (o.formatVersion !== 1) fail("formatVersion", "1", o.formatVersion);
  if (!KINDS.includes(o.kind as string)) fail("kind", KINDS.join(" | "), o.kind);
  for (const key of ["imageSize", "numPoints", "originalSize"]) {
    if (!Number.isInteger(o[key]) || (o[key] as number) < 1) {
      fail(key, "a positive integer", o[key]);
    }
  }
  if (!Number.isInteger(o.maxGap) || (o.maxGap as number) < 0) {
    fail("maxGap", "an integer >= 0", o.maxGap);
  }
  if (o.pairMode !== "video" && o.pairMode !== "tps") {
    fail("pairMode", '"video" | "tps"', o.pairMode);
  }
  for (const key of ["name", "skeleton", "postprocessSplit"]) {
    if (typeof o[key] !== "string") fail(key, "a string", o[key]);
  }
  for (const key of ["activities", "subjects", "extraSplits", "evalSplits"]) {
    const v = o[key];
    if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) {
      fail(key, "an array of strings", v);
    }
  }
  if (typeof o.source !== "object" || o.source === null) fail("source", "an object", o.source);
  if (typeof o.arrays !== "object" || o.arrays === null) fail("arrays", "an object", o.arrays);
  for (const [name, info] of Object.entries(o.arrays as Record<string, unknown>)) {
    const a = info as Record<string, unknown>;
    if (typeof a?.file !== "string") fail(`arrays.${name}.file`, "a relative file path", a?.file);
    if (!(a.dtype as string in EXT)) {
      fail(`arrays.${name}.dtype`, "uint8 | int32 | float32", a.dtype);
    }
    const shape = a.shape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      fail(`arrays.${name}.shape`, "an array of non-negative integers", shape);
    }
  }
  return o as unknown as DatasetHeader;
}

async function readArray(
  dir: string,
  header: DatasetHeader,
  name: string,
  shape: number[],
): Promise<Typed> {
  const file = join(dir, "dataset.json");
  const info = header.arrays[name];
  if (!info) throw new DatasetFormatError(file, `arrays.${name}`, "an array descriptor", undefined);
  if (
    info.shape.length !== shape.length || info.shape.some((d, i) => shape[i] >= 0 && d !== shape[i])
  ) {
    throw new DatasetFormatError(
      file,
      `arrays.${name}.shape`,
      `[${shape.map((d) => (d < 0 ? "N" : d))}]`,
      info.shape,
    );
  }
  const path = join(dir, info.file);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new DatasetFormatError(path, "(file)", `the binary array ${name}`, (e as Error).message);
  }
  const count = info.shape.reduce((a, b) => a * b, 1);
  const width = info.dtype === "uint8" ? 1 : 4;
  if (bytes.byteLength !== count * width) {
    throw new DatasetFormatError(
      path,
      "(size)",
      `${count * width} bytes for ${info.dtype} [${info.shape}]`,
      bytes.byteLength,
    );
  }
  // Copy into an aligned buffer of its own (readFile's buffer may be pooled or unaligned).
  const own = new Uint8Array(bytes);
  return info.dtype === "uint8"
    ? own
    : info.dtype === "int32"
    ? new Int32Array(own.buffer)
    : new Float32Array(own.buffer);
}

async function readSplit(dir: string, h: DatasetHeader, name: string): Promise<Split> {
  const n = h.arrays[`${name}.video`]?.shape[0] ?? -1;
  const S = h.imageSize, K = h.numPoints;
  const shapes: Record<(typeof SPLIT_FIELDS)[number], number[]> = {
    images: [n, S, S, 3],
    keypoints: [n, K, 2],
    video: [-1],
    frame: [n],
    activity: [n],
    subject: [n],
  };
  const out: Record<string, Typed> = {};
  for (const f of SPLIT_FIELDS) out[f] = await readArray(dir, h, `${name}.${f}`, shapes[f]);
  const split = { count: out.video.length, ...out } as unknown as Split;
  checkSplit(join(dir, "dataset.json"), h, name, split);
  return split;
}

function checkSplit(file: string, h: DatasetHeader, name: string, s: Split): void {
  for (let i = 0; i < s.count; i++) {
    if (s.subject[i] < 0 || s.subject[i] >= Math.max(1, h.subjects.length)) {
      throw new DatasetFormatError(
        file,
        `${name}.subject[${i}]`,
        `an index below ${h.subjects.length}`,
        s.subject[i],
      );
    }
    if (s.activity[i] < 0 || s.activity[i] >= Math.max(1, h.activities.length)) {
      throw new DatasetFormatError(
        file,
        `${name}.activity[${i}]`,
        `an index below ${h.activities.length}`,
        s.activity[i],
      );
    }
  }
  for (let i = 0; i < s.keypoints.length; i++) {
    if (!Number.isFinite(s.keypoints[i])) {
      throw new DatasetFormatError(
        file,
        `${name}.keypoints[${Math.floor(i / 2)}]`,
        "finite coordinates",
        s.keypoints[i],
      );
    }
  }
}

/** Read and validate a dataset written by `writeDataset`. */
export async function readDataset(dir: string): Promise<Dataset> {
  const header = await readDatasetHeader(dir);
  const K = header.numPoints;
  const train = await readSplit(dir, header, "train");
  const test = await readSplit(dir, header, "test");
  const pk = await readArray(dir, header, "prior.keypoints", [-1, K, 2]) as Float32Array;
  const count = pk.length / (2 * K);
  const prior: Prior = {
    count,
    keypoints: pk,
    video: await readArray(dir, header, "prior.video", [count]) as Int32Array,
    frame: await readArray(dir, header, "prior.frame", [count]) as Int32Array,
    source: String(header.source.prior ?? "unknown"),
  };
  const extra: Record<string, Split> = {};
  for (const name of header.extraSplits) extra[name] = await readSplit(dir, header, name);
  for (const name of [...header.evalSplits, header.postprocessSplit]) {
    if (name !== "train" && name !== "test" && !(name in extra)) {
      throw new DatasetFormatError(
        join(dir, "dataset.json"),
        "evalSplits/postprocessSplit",
        "names of stored splits",
        name,
      );
    }
  }
  return { header, train, test, prior, extra };
}
