/**
 * The weights file format of model artifacts and checkpoints (docs/CONTRACTS.md "Model
 * artifacts"): `weights.json` = `{ format, metadata, tensors: { name: { shape, offset, dtype } } }`
 * with byte offsets into `weights.bin` (little-endian float32). Written atomically: both files
 * go to temporary names first and `weights.json` is renamed last, so a complete json always
 * describes a complete bin.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { tf } from "../tf.ts";

export const WEIGHTS_FORMAT = "keypointgan-weights";

/** Entry of `weights.json`'s `tensors`. */
export interface TensorEntry {
  readonly shape: number[];
  readonly offset: number;
  readonly dtype: "float32";
}

/** Parsed `weights.json`. */
export interface WeightsHeader {
  readonly format: typeof WEIGHTS_FORMAT;
  readonly formatVersion: 1;
  readonly metadata: Record<string, unknown>;
  readonly tensors: Record<string, TensorEntry>;
}

/** Raw float32 data by name, as read back without creating tensors. */
export type RawWeights = Record<string, { shape: number[]; data: Float32Array }>;

/** Write named tensors (in the given order) and metadata into `dir`. */
export async function writeWeights(
  dir: string,
  tensors: Readonly<Record<string, tf.Tensor>>,
  metadata: Record<string, unknown>,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const entries: Record<string, TensorEntry> = {};
  const chunks: Float32Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const data = t.dataSync() as Float32Array;
    entries[name] = { shape: [...t.shape], offset, dtype: "float32" };
    chunks.push(data);
    offset += data.byteLength;
  }
  const bin = new Uint8Array(offset);
  let o = 0;
  for (const c of chunks) {
    bin.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), o);
    o += c.byteLength;
  }
  const header: WeightsHeader = {
    format: WEIGHTS_FORMAT,
    formatVersion: 1,
    metadata,
    tensors: entries,
  };
  await atomicWrite(join(dir, "weights.bin"), bin);
  await atomicWrite(
    join(dir, "weights.json"),
    new TextEncoder().encode(JSON.stringify(header, null, 1) + "\n"),
  );
}

/** Write a file through a temporary sibling and a rename. */
export async function atomicWrite(path: string, data: Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${path.split("/").pop()}.tmp-${Deno.pid}`);
  await Deno.writeFile(tmp, data);
  await Deno.rename(tmp, path);
}

/** Read `dir/weights.json` + `weights.bin`; throws naming the file and what is wrong. */
export async function readWeightsRaw(
  dir: string,
): Promise<{ header: WeightsHeader; raw: RawWeights }> {
  const jsonPath = join(dir, "weights.json");
  let header: WeightsHeader;
  try {
    header = JSON.parse(await Deno.readTextFile(jsonPath));
  } catch (e) {
    throw new Error(`Cannot read weights ${jsonPath}: ${(e as Error).message}`);
  }
  if (header.format !== WEIGHTS_FORMAT) {
    throw new Error(
      `Cannot read weights ${jsonPath}: format is ${header.format}, expected ${WEIGHTS_FORMAT}`,
    );
  }
  const bin = await Deno.readFile(join(dir, "weights.bin"));
  const raw: RawWeights = {};
  for (const [name, e] of Object.entries(header.tensors)) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    if (e.offset + 4 * n > bin.byteLength) {
      throw new Error(
        `Cannot read weights ${jsonPath}: tensors.${name} runs past the end of weights.bin`,
      );
    }
    const data = new Float32Array(n);
    new Uint8Array(data.buffer).set(bin.subarray(e.offset, e.offset + 4 * n));
    raw[name] = { shape: e.shape, data };
  }
  return { header, raw };
}

/**
 * Read weights from a TF.js `model.json` (its `weightsManifest`, float32 only) or from our
 * `weights.json` (a path to either file or to the directory holding it) as tensors.
 */
export async function readTfjsWeights(path: string): Promise<Record<string, tf.Tensor>> {
  let file = path;
  if ((await Deno.stat(path)).isDirectory) {
    file = join(path, "model.json");
    try {
      await Deno.stat(file);
    } catch {
      file = join(path, "weights.json");
    }
  }
  const json = JSON.parse(await Deno.readTextFile(file));
  const out: Record<string, tf.Tensor> = {};
  if (json.format === WEIGHTS_FORMAT) {
    const { raw } = await readWeightsRaw(dirname(file));
    for (const [n, r] of Object.entries(raw)) out[n] = tf.tensor(r.data, r.shape);
    return out;
  }
  const manifest = json.weightsManifest as {
    paths: string[];
    weights: { name: string; shape: number[]; dtype: string }[];
  }[];
  if (!Array.isArray(manifest)) {
    throw new Error(`Cannot read ${file}: no weightsManifest (not a TF.js model.json)`);
  }
  for (const group of manifest) {
    const parts = await Promise.all(group.paths.map((p) => Deno.readFile(join(dirname(file), p))));
    const buf = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
    let o = 0;
    for (const p of parts) (buf.set(p, o), o += p.byteLength);
    let offset = 0;
    for (const w of group.weights) {
      if (w.dtype !== "float32") {
        throw new Error(`Cannot read ${file}: ${w.name} is ${w.dtype}, only float32 is supported`);
      }
      const n = w.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      new Uint8Array(data.buffer).set(buf.subarray(offset, offset + 4 * n));
      out[w.name] = tf.tensor(data, w.shape);
      offset += 4 * n;
    }
  }
  return out;
}
