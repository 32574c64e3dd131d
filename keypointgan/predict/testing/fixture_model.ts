/**
 * Test fixture: a model directory laid out like a `train` artifact (`model/weights.{json,bin}`,
 * `predictor/`, `train.json`) with freshly initialised tiny-tier weights — no training, so tests
 * that exercise loading, geometry and the CLI take milliseconds. Its predictions are arbitrary
 * but deterministic and finite.
 *
 * @module
 */
import { join } from "node:path";
import { initBackend } from "../../tf.ts";
import { exportPredictor } from "../../model/export.ts";
import type { ModelMetadata } from "../../model/infer.ts";
import { initAll } from "../../model/networks.ts";
import { ParamStore } from "../../model/params.ts";
import { DEFAULT_RENDER } from "../../model/render.ts";
import { Rng } from "../../rng.ts";
import { variantFlags } from "../../model/variants.ts";
import { SKELETONS } from "../../skeletons.ts";
import { writeWeights } from "../../model/weights_io.ts";

/** Write the fixture into `dir` (created); returns `dir`. */
export async function writeFixtureModel(
  dir: string,
  opts: { kind?: keyof typeof SKELETONS; imageSize?: number; seed?: number } = {},
): Promise<string> {
  await initBackend("cpu", () => {});
  const kind = opts.kind ?? "faces", skeleton = SKELETONS[kind];
  const imageSize = opts.imageSize ?? 16;
  const flags = variantFlags("keypointgan");
  const arch = {
    imageSize,
    width: 0.0625,
    numPoints: skeleton.numPoints,
    conditional: flags.conditional,
    dScales: 1,
    dLayers: 2,
    imageDiscriminator: false,
  };
  const store = new ParamStore();
  try {
    initAll(store, arch, new Rng(opts.seed ?? 0));
    const edges = skeleton.edges.map(([a, b]) => [a, b] as [number, number]);
    const meta: ModelMetadata = {
      kind: "keypointgan-model",
      arch,
      flags,
      variant: "keypointgan",
      edges,
      render: DEFAULT_RENDER,
      skeleton: skeleton.name,
    };
    await writeWeights(
      join(dir, "model"),
      Object.fromEntries(store.entries()),
      meta as unknown as Record<string, unknown>,
    );
    await exportPredictor(join(dir, "predictor"), store, {
      imageSize,
      numPoints: skeleton.numPoints,
      skeleton: skeleton.name,
      edges,
    });
    await Deno.writeTextFile(join(dir, "train.json"), JSON.stringify({ kind, imageSize }) + "\n");
  } finally {
    store.dispose();
  }
  return dir;
}
