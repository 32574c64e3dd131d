/**
 * The `NipsEncoder` template shared by η and Ψ's two encoders (digest §2.2–2.3; the IMM
 * encoder, §11): 7×7 conv, conv, then [stride-2 conv, conv] × 3, each conv → norm → ReLU, then a
 * plain 1×1 conv. Output at S/8. BatchNorm variants have no conv bias; InstanceNorm ones do.
 *
 * @module
 */
import { tf } from "../tf.ts";
import { type ArchConfig, ch } from "./arch.ts";
import { batchNorm, conv2d, instanceNorm, type Mode } from "./layers.ts";
import { initBatchNorm, initConv, type ParamStore } from "./params.ts";
import type { Rng } from "../rng.ts";

export type NormKind = "batch" | "instance";

/** [kernel, stride, official out channels] of the eight conv-norm-ReLU layers. */
const LAYERS: readonly (readonly [number, number, number])[] = [
  [7, 1, 32],
  [3, 1, 32],
  [3, 2, 64],
  [3, 1, 64],
  [3, 2, 128],
  [3, 1, 128],
  [3, 2, 256],
  [3, 1, 256],
];

/** Create the encoder's parameters under `prefix`. */
export function initEncoder(
  store: ParamStore,
  prefix: string,
  cfg: ArchConfig,
  inC: number,
  outC: number,
  norm: NormKind,
  rng: Rng,
): void {
  let c = inC;
  LAYERS.forEach(([k, , co], i) => {
    const o = ch(cfg, co);
    initConv(store, `${prefix}/conv${i}`, k, c, o, norm === "instance", rng);
    if (norm === "batch") initBatchNorm(store, `${prefix}/bn${i}`, o, rng);
    c = o;
  });
  initConv(store, `${prefix}/out`, 1, c, outC, norm === "instance", rng);
}

/** Run the encoder: `[B, S, S, Cin]` → `[B, S/8, S/8, outC]`. */
export function encoder(
  store: ParamStore,
  prefix: string,
  x: tf.Tensor4D,
  norm: NormKind,
  mode: Mode,
): tf.Tensor4D {
  let h = x;
  LAYERS.forEach(([k, s], i) => {
    h = conv2d(store, `${prefix}/conv${i}`, h, s, (k - 1) >> 1);
    h = norm === "batch"
      ? batchNorm(store, `${prefix}/bn${i}`, h, mode, true)
      : tf.relu(instanceNorm(h));
  });
  return conv2d(store, `${prefix}/out`, h, 1, 0);
}

/** conv → BatchNorm → ReLU with PyTorch padding (k−1)/2. */
export function convBnRelu(
  store: ParamStore,
  name: string,
  x: tf.Tensor4D,
  mode: Mode,
  stride = 1,
): tf.Tensor4D {
  const k = store.get(`${name}/conv/w`).shape[0];
  const h = conv2d(store, `${name}/conv`, x, stride, (k - 1) >> 1);
  return batchNorm(store, `${name}/bn`, h, mode, true);
}

/** Parameters for `convBnRelu` (no conv bias, as the official BN blocks). */
export function initConvBnRelu(
  store: ParamStore,
  name: string,
  k: number,
  cin: number,
  cout: number,
  rng: Rng,
): void {
  initConv(store, `${name}/conv`, k, cin, cout, false, rng);
  initBatchNorm(store, `${name}/bn`, cout, rng);
}
