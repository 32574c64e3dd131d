/**
 * Load the pose predictor p = η(Φ(x)) that `deno task predict` runs, from whichever form the user
 * has on disk:
 * - a `train` artifact directory (`model/weights.json`: all networks; Φ and η are used),
 * - its `model/` directory (`weights.json` with `metadata.kind = "keypointgan-model"`),
 * - an exported browser predictor (`predictor/`: `model.json` format `keypointgan-predictor` +
 *   `weights.bin`), which is what a user copies elsewhere; run here through the same
 *   `predictor.js` a browser runs, with our TF.js.
 * Anything else fails with a `ModelLoadError` naming the path, what it is, and what was expected.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { tf } from "../tf.ts";
import { loadTrainedModel, predictKeypoints } from "../model/infer.ts";
import { type Skeleton, SKELETONS } from "../skeletons.ts";
// The browser export: plain JS over the caller's `tf` (see keypointgan/model/export.ts).
import { createPredictor } from "../model/export/predictor.js";

/** A loaded predictor: uint8 RGB `[n, S, S, 3]` → keypoints `[n, K, 2]` in [−1, 1]. */
export interface PosePredictor {
  /** The directory loaded and its form, for messages (`train artifact /…/model`). */
  readonly description: string;
  readonly imageSize: number;
  readonly numPoints: number;
  /** The keypoint layout (its edges are the model's), for overlays. */
  readonly skeleton: Skeleton;
  /**
   * Dataset kind the model was trained on (`humans`, `faces`, `cats`): the train artifact's
   * `train.json` `kind` where there is one, else the kind of its skeleton; null for a custom one.
   */
  readonly kind: keyof typeof SKELETONS | null;
  /** The Table 4 variant it was trained as, where known (`keypointgan_cycle`). */
  readonly variant?: string;
  predict(images: Uint8Array, n: number): Float32Array;
  dispose(): void;
}

/** A path that holds no loadable pose predictor (the message says what it holds instead). */
export class ModelLoadError extends Error {
  override name = "ModelLoadError";
}

const EXPECTED = "expected a train artifact (model/weights.json), its model/ directory " +
  "(weights.json) or an exported predictor (model.json + weights.bin)";

const exists = (p: string) => Deno.stat(p).then(() => true, () => false);

async function readJson(file: string): Promise<Record<string, unknown>> {
  try {
    const v = JSON.parse(await Deno.readTextFile(file));
    if (v && typeof v === "object" && !Array.isArray(v)) return v;
  } catch (e) {
    throw new ModelLoadError(`${file}: not readable JSON (${(e as Error).message})`);
  }
  throw new ModelLoadError(`${file}: expected a JSON object`);
}

/** The skeleton of a model: the named layout with the model's own edges. */
function skeletonOf(
  name: string,
  numPoints: number,
  edges: readonly (readonly [number, number])[],
) {
  const entry = Object.entries(SKELETONS).find(([, s]) =>
    s.name === name && s.numPoints === numPoints
  );
  const base: Skeleton = entry?.[1] ?? {
    name,
    numPoints,
    jointNames: Array.from({ length: numPoints }, (_, i) => `p${i}`),
    edges,
    leftRight: [],
  };
  return {
    skeleton: { ...base, edges: edges.map(([a, b]) => [a, b] as const) },
    kind: (entry?.[0] ?? null) as PosePredictor["kind"],
  };
}

/** Why a directory that is not a model is not one (a store artifact of another stage, …). */
async function notAModel(dir: string): Promise<ModelLoadError> {
  if (await exists(join(dir, "regressor", "weights.json"))) {
    return new ModelLoadError(
      `${dir} is a pretrain_regressor artifact (η alone, no pose encoder Φ); predict needs the ` +
        `train artifact downstream of it`,
    );
  }
  if (await exists(join(dir, "manifest.json"))) {
    const stage = (await readJson(join(dir, "manifest.json"))).stage;
    return new ModelLoadError(
      `${dir} is a ${stage} artifact; predict needs a train artifact (or its predictor/ export)`,
    );
  }
  if (await exists(join(dir, "dataset.json"))) {
    return new ModelLoadError(
      `${dir} is a dataset (prepare_data artifact), not a model; ${EXPECTED}`,
    );
  }
  return new ModelLoadError(`${dir}: no model found; ${EXPECTED}`);
}

/** What a train artifact's `train.json` says about its model (older artifacts: less). */
export interface TrainInfo {
  readonly kind?: keyof typeof SKELETONS;
  readonly numPoints?: number;
  readonly variant?: string;
}

const isKind = (k: unknown): k is keyof typeof SKELETONS =>
  typeof k === "string" && Object.hasOwn(SKELETONS, k);

/**
 * `train.json` of the train artifact that holds `dir` (the artifact, its `model/` or its
 * `predictor/` folder); `{}` when there is none or it is unreadable.
 */
export async function readTrainInfo(dir: string): Promise<TrainInfo> {
  for (const d of [dir, dirname(dir)]) {
    try {
      const j = JSON.parse(await Deno.readTextFile(join(d, "train.json")));
      return {
        kind: isKind(j.kind) ? j.kind : undefined,
        numPoints: typeof j.numPoints === "number" ? j.numPoints : undefined,
        variant: typeof j.variant === "string" ? j.variant : undefined,
      };
    } catch {
      // not here
    }
  }
  return {};
}

/** A `weights.json` directory: must be a full KeypointGAN model (not η alone). */
async function fromWeights(dir: string, description: string): Promise<PosePredictor> {
  const header = await readJson(join(dir, "weights.json"));
  const meta = (header.metadata ?? {}) as Record<string, unknown>;
  if (meta.kind !== "keypointgan-model") {
    const names = Object.keys((header.tensors ?? {}) as object);
    const what = names.length > 0 && names.every((n) => n.startsWith("eta/"))
      ? "holds the keypoint regressor η alone (a pretrain_regressor output), not Φ"
      : `has metadata.kind ${JSON.stringify(meta.kind)}`;
    throw new ModelLoadError(
      `${join(dir, "weights.json")} ${what}; expected a "keypointgan-model" (a train artifact)`,
    );
  }
  const model = await loadTrainedModel(dir);
  const { skeleton, kind } = skeletonOf(model.meta.skeleton, model.numPoints, model.meta.edges);
  const info = await readTrainInfo(dirname(dir));
  return {
    description,
    imageSize: model.imageSize,
    numPoints: model.numPoints,
    skeleton,
    kind: info.kind ?? kind,
    variant: info.variant ?? model.meta.variant,
    predict: (images, n) => predictKeypoints(model, images, n),
    dispose: () => model.dispose(),
  };
}

/** An exported browser predictor directory. */
async function fromExport(dir: string): Promise<PosePredictor> {
  const config = await readJson(join(dir, "model.json"));
  if (config.format !== "keypointgan-predictor") {
    throw new ModelLoadError(
      `${join(dir, "model.json")} has format ${JSON.stringify(config.format)}; expected ` +
        `"keypointgan-predictor" (the predictor/ folder of a train artifact)`,
    );
  }
  const bin = await Deno.readFile(join(dir, "weights.bin")).catch((e) => {
    throw new ModelLoadError(`${join(dir, "weights.bin")}: ${(e as Error).message}`);
  });
  const p = createPredictor(tf, config, bin.buffer);
  const numPoints = config.numPoints as number, imageSize = config.imageSize as number;
  const edges = config.edges as [number, number][];
  const { skeleton, kind } = skeletonOf(String(config.skeleton), numPoints, edges);
  const info = await readTrainInfo(dirname(dir));
  return {
    description: `exported predictor ${dir}`,
    imageSize,
    numPoints,
    skeleton,
    kind: info.kind ?? kind,
    ...(info.variant ? { variant: info.variant } : {}),
    predict: (images, n) => Float32Array.from(p.predict(images, n) as Float32Array),
    dispose: () => p.dispose(),
  };
}

/** Load a predictor from a directory (or its `weights.json` / `model.json` file). */
export async function loadPosePredictor(path: string): Promise<PosePredictor> {
  const st = await Deno.stat(path).catch(() => null);
  if (!st) throw new ModelLoadError(`${path}: no such file or directory`);
  if (st.isFile) {
    const name = basename(path);
    if (name === "model.json") return await fromExport(dirname(path));
    if (name === "weights.json") return await fromWeights(dirname(path), `model ${dirname(path)}`);
    throw new ModelLoadError(`${path} is a file; ${EXPECTED}`);
  }
  if (await exists(join(path, "model", "weights.json"))) {
    return await fromWeights(join(path, "model"), `train artifact ${path}`);
  }
  if (await exists(join(path, "weights.json"))) return await fromWeights(path, `model ${path}`);
  if (await exists(join(path, "model.json"))) return await fromExport(path);
  throw await notAModel(path);
}
