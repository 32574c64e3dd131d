/**
 * Cheaper gradients for the native backends, equal in value to TF.js's:
 * - Sum and Mean: TF.js computes `reshape(dy) · ones(x.shape)`, where `ones` is filled element
 *   by element in JS (≈ 90 ms per small-tier training step here); `broadcastTo` gives the same
 *   values through one native Tile;
 * - Relu and LeakyRelu: one fused pass (`KpgReluGrad`, `KpgLeakyReluGrad`) instead of
 *   Step + Multiply and Greater + Multiply + Select;
 * - Tile (so broadcastTo): one `KpgTileGrad` instead of a Slice and an Add per copy, the same
 *   float32 sums in the same order (float32 dy of rank ≤ 4; else the stock gradient).
 * On any other backend the stock gradient runs unchanged.
 *
 * This module does not import TF.js at runtime: `keypointgan/tf.ts` passes `tf` in.
 *
 * @module
 */
import type * as TF from "@tensorflow/tfjs-core";
import { LEAKY_RELU_GRAD, RELU_GRAD } from "./kernels_elementwise.ts";
import { TILE_GRAD } from "./kernels_layout.ts";

type Tf = typeof TF;

/** Replace the gradients; `isNative(name)` says which backends get the fast ones. */
export function registerNativeGradients(tf: Tf, isNative: (backend: string) => boolean): void {
  for (const [kernelName, fused] of [["Relu", RELU_GRAD], ["LeakyRelu", LEAKY_RELU_GRAD]]) {
    overrideGradient(tf, kernelName, isNative, (dy, x, attrs) => {
      const alpha = (attrs as { alpha?: number } | undefined)?.alpha ?? 0;
      return () => tf.engine().runKernel(fused, { dy, x }, { alpha }) as TF.Tensor;
    });
  }
  overrideGradient(tf, "Tile", isNative, (dy, _x, attrs) => {
    if (dy.dtype !== "float32" || dy.rank > 4) return undefined;
    const reps = (attrs as { reps: number[] }).reps;
    return () => tf.engine().runKernel(TILE_GRAD, { dy }, { reps }) as TF.Tensor;
  });
  for (const kernelName of ["Sum", "Mean"]) {
    overrideGradient(tf, kernelName, isNative, (dy, x, attrs) => {
      const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
      const expanded = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
      const reduceSize = axes.reduce((n, a) => n * x.shape[a], 1);
      return () => {
        const spread = tf.broadcastTo(tf.reshape(dy, expanded), x.shape);
        return kernelName === "Mean" ? tf.div(spread, reduceSize) : spread;
      };
    });
  }
}

/**
 * Register `fast` as the gradient w.r.t. input `x` of `kernelName` on native backends; every
 * other backend (and any call where `fast` returns undefined) keeps TF.js's stock gradient.
 * Does nothing when TF.js has no stock gradient.
 */
function overrideGradient(
  tf: Tf,
  kernelName: string,
  isNative: (backend: string) => boolean,
  fast: (dy: TF.Tensor, x: TF.Tensor, attrs: unknown) => (() => TF.Tensor) | undefined,
): void {
  const stock = tf.getGradient(kernelName);
  if (!stock) return;
  tf.registerGradient({
    kernelName,
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const x = isNative(tf.getBackend()) ? fast(dy as TF.Tensor, saved[0], attrs) : undefined;
      return x ? { x } : stock.gradFunc(dy, saved, attrs);
    },
  });
}
