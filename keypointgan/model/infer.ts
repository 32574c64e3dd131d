/**
 * Inference API over a trained model directory (the `train` artifact or its `model/` folder).
 * BatchNorm runs in evaluation mode (running statistics), as the official test harness.
 *
 * Images are uint8 RGB `[n, S, S, 3]`; keypoints are `[n, K, 2]` (x, y) in [−1, 1].
 *
 * @module
 */
import { join } from "node:path";
import { tf } from "../tf.ts";
import type { ArchConfig } from "./arch.ts";
import { decoder, keypointRegressor, poseEncoder } from "./networks.ts";
import { ParamStore } from "./params.ts";
import { type RenderOptions, renderSkeleton } from "./render.ts";
import type { VariantFlags } from "./variants.ts";
import { readWeightsRaw } from "./weights_io.ts";

/** Metadata written with the model weights. */
export interface ModelMetadata {
  readonly kind: "keypointgan-model";
  readonly arch: ArchConfig;
  readonly flags: VariantFlags;
  readonly variant: string;
  readonly edges: [number, number][];
  readonly render: RenderOptions;
  readonly skeleton: string;
}

/** A loaded model. */
export interface TrainedModel {
  readonly store: ParamStore;
  readonly meta: ModelMetadata;
  readonly numPoints: number;
  readonly imageSize: number;
  dispose(): void;
}

const EVAL = { training: false } as const;

/** Load `dir/model/` (a train artifact) or `dir` itself when it holds weights.json. */
export async function loadTrainedModel(dir: string): Promise<TrainedModel> {
  let wdir = join(dir, "model");
  try {
    await Deno.stat(join(wdir, "weights.json"));
  } catch {
    wdir = dir;
  }
  const { header, raw } = await readWeightsRaw(wdir);
  const meta = header.metadata as unknown as ModelMetadata;
  if (meta.kind !== "keypointgan-model") {
    throw new Error(`Cannot load a model from ${wdir}: weights.json metadata.kind is ${meta.kind}`);
  }
  const store = new ParamStore();
  for (const [name, r] of Object.entries(raw)) {
    store.add(name, r.shape, r.data, !/\/(mean|var)$/.test(name));
  }
  return {
    store,
    meta,
    numPoints: meta.arch.numPoints,
    imageSize: meta.arch.imageSize,
    dispose: () => store.dispose(),
  };
}

function toInput(model: TrainedModel, images: Uint8Array, n: number): tf.Tensor4D {
  const s = model.imageSize;
  if (images.length !== n * s * s * 3) {
    throw new RangeError(
      `Cannot run the model on ${images.length} bytes: expected n·S·S·3 = ${n * s * s * 3}`,
    );
  }
  return tf.tidy(() => tf.sub(tf.div(tf.tensor4d(images, [n, s, s, 3], "float32"), 127.5), 1));
}

function toUint8(x: tf.Tensor4D): Uint8Array {
  return tf.tidy(() =>
    Uint8Array.from(tf.clipByValue(tf.round(tf.mul(tf.add(x, 1), 127.5)), 0, 255).dataSync())
  );
}

/** p = η(Φ(x)): keypoints `[n, K, 2]` in [−1, 1]. */
export function predictKeypoints(model: TrainedModel, images: Uint8Array, n: number): Float32Array {
  return tf.tidy(() => {
    const y = poseEncoder(model.store, toInput(model, images, n), EVAL, model.meta.arch.phiOutput);
    return keypointRegressor(model.store, y).dataSync() as Float32Array;
  });
}

/** y = Φ(x): skeleton images `[n, S, S]` (unbounded; the paper's log(y) figure). */
export function skeletonImages(model: TrainedModel, images: Uint8Array, n: number): Float32Array {
  return tf.tidy(() =>
    poseEncoder(model.store, toInput(model, images, n), EVAL, model.meta.arch.phiOutput)
      .dataSync() as Float32Array
  );
}

/** What Ψ receives for a pose image: β(η(Φ(x))) with the bottleneck, else Φ(x). */
function decoderInput(model: TrainedModel, x: tf.Tensor4D): tf.Tensor4D {
  const y = poseEncoder(model.store, x, EVAL, model.meta.arch.phiOutput);
  if (!model.meta.flags.bottleneck) return y;
  return renderSkeleton(
    keypointRegressor(model.store, y),
    model.meta.edges,
    model.imageSize,
    model.meta.render,
  );
}

/** Paper Fig. 9: the pose of `poseImages` with the appearance of `appearanceImages`. */
export function swapAppearance(
  model: TrainedModel,
  poseImages: Uint8Array,
  appearanceImages: Uint8Array,
  n: number,
): Uint8Array {
  return tf.tidy(() => {
    const app = model.meta.arch.conditional ? toInput(model, appearanceImages, n) : null;
    return toUint8(
      decoder(
        model.store,
        decoderInput(model, toInput(model, poseImages, n)),
        app,
        EVAL,
        model.meta.arch.appearancePool,
      ),
    );
  });
}

/** Paper Fig. 10: Ψ(β(p), x′) for given keypoints `[n, K, 2]` and appearance images. */
export function renderFromKeypoints(
  model: TrainedModel,
  keypoints: Float32Array,
  appearanceImages: Uint8Array,
  n: number,
): Uint8Array {
  return tf.tidy(() => {
    const p = tf.tensor3d(keypoints, [n, model.numPoints, 2]);
    const s = renderSkeleton(p, model.meta.edges, model.imageSize, model.meta.render);
    const app = model.meta.arch.conditional ? toInput(model, appearanceImages, n) : null;
    return toUint8(decoder(model.store, s, app, EVAL, model.meta.arch.appearancePool));
  });
}
