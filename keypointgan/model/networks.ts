/**
 * The four official networks (digest §2) plus CycleGAN's image discriminator D_B, as plain
 * functions over a `ParamStore` (NHWC). Parameter names: `phi/…`, `eta/…`, `psi/…`, `d/…`,
 * `db/…`.
 *
 * @module
 */
import { tf } from "../tf.ts";
import { type AppearancePool, type ArchConfig, ch, type PhiOutput } from "./arch.ts";
import { convBnRelu, encoder, initConvBnRelu, initEncoder } from "./encoder.ts";
import {
  conv2d,
  downsampleBilinear,
  instanceNorm,
  leakyRelu,
  type Mode,
  upsample2x,
} from "./layers.ts";
import { initConv, type ParamStore } from "./params.ts";
import type { Rng } from "../rng.ts";
import { softArgmax } from "./soft_argmax.ts";

/** Official [in, out] widths of Φ's encoder blocks; block 0 starts with a 7×7 conv. */
const PHI_ENC: readonly (readonly [number, number])[] = [[3, 32], [32, 64], [64, 128], [128, 256]];

/** Φ — `SkipNipsGenerator` (digest §2.1): U-Net, BatchNorm, 3 → 1 channel, no output activation. */
export function initPoseEncoder(store: ParamStore, cfg: ArchConfig, rng: Rng): void {
  PHI_ENC.forEach(([ci, co], i) => {
    const cin = i === 0 ? 3 : ch(cfg, ci);
    initConvBnRelu(store, `phi/enc${i}/a`, i === 0 ? 7 : 3, cin, ch(cfg, co), rng);
    initConvBnRelu(store, `phi/enc${i}/b`, 3, ch(cfg, co), ch(cfg, co), rng);
  });
  initConv(store, "phi/enc3/proj", 1, ch(cfg, 256), ch(cfg, 256), false, rng);
  initConvBnRelu(store, "phi/dec0/a", 3, ch(cfg, 256), ch(cfg, 256), rng);
  initConvBnRelu(store, "phi/dec0/b", 3, ch(cfg, 256), ch(cfg, 256), rng);
  // Decoder blocks 1–3: 1×1 projection of [up, skip], then two convs (block 3: one + output).
  const dec: readonly (readonly [number, number, number])[] = [[256, 128, 128], [128, 64, 64], [
    64,
    32,
    32,
  ]];
  dec.forEach(([cu, cs, co], j) => {
    const i = j + 1;
    initConv(store, `phi/dec${i}/proj`, 1, ch(cfg, cu) + ch(cfg, cs), ch(cfg, cu), false, rng);
    initConvBnRelu(store, `phi/dec${i}/a`, 3, ch(cfg, cu), ch(cfg, co), rng);
    if (i < 3) initConvBnRelu(store, `phi/dec${i}/b`, 3, ch(cfg, co), ch(cfg, co), rng);
  });
  initConv(store, "phi/dec3/out", 3, ch(cfg, 32), 1, true, rng);
}

/**
 * Φ: image x `[B, S, S, 3]` in [−1, 1] → skeleton image y `[B, S, S, 1]` (unbounded; in (0, 1)
 * with `output` sigmoid).
 */
export function poseEncoder(
  store: ParamStore,
  x: tf.Tensor4D,
  mode: Mode,
  output: PhiOutput = "linear",
): tf.Tensor4D {
  const skips: tf.Tensor4D[] = [];
  let h = x;
  for (let i = 0; i < 4; i++) {
    h = convBnRelu(store, `phi/enc${i}/a`, h, mode, i === 0 ? 1 : 2);
    h = convBnRelu(store, `phi/enc${i}/b`, h, mode);
    skips.push(h); // [B, S/2^i, S/2^i, c]
  }
  h = conv2d(store, "phi/enc3/proj", h, 1, 0); // [B, S/8, S/8, c256]
  h = convBnRelu(store, "phi/dec0/a", h, mode);
  h = upsample2x(convBnRelu(store, "phi/dec0/b", h, mode)); // [B, S/4, S/4, c256]
  for (let i = 1; i <= 3; i++) {
    h = conv2d(store, `phi/dec${i}/proj`, tf.concat([h, skips[3 - i]], 3), 1, 0);
    h = convBnRelu(store, `phi/dec${i}/a`, h, mode);
    if (i < 3) h = upsample2x(convBnRelu(store, `phi/dec${i}/b`, h, mode));
  }
  const y = conv2d(store, "phi/dec3/out", h, 1, 1); // [B, S, S, 1]
  if (output === "linear") return y;
  // Shifted by −4 so that a fresh Φ starts near 0 (sigmoid(−4) ≈ 0.018), the value of most of ȳ's
  // pixels, instead of a grey 0.5 that D would reject from step 0.
  return tf.sigmoid(tf.sub(y, PHI_SIGMOID_SHIFT));
}

/** Offset of the `sigmoid` output (see `poseEncoder`). */
const PHI_SIGMOID_SHIFT = 4;

/** η — `NipsEncoder` with InstanceNorm (digest §2.2): skeleton image → K heatmaps at S/8. */
export function initKeypointRegressor(store: ParamStore, cfg: ArchConfig, rng: Rng): void {
  initEncoder(
    store,
    "eta",
    { ...cfg, width: cfg.etaWidth ?? cfg.width },
    1,
    cfg.numPoints,
    "instance",
    rng,
  );
}

/** η heatmaps: `[B, S, S, 1]` → `[B, S/8, S/8, K]`. */
export function keypointHeatmaps(store: ParamStore, y: tf.Tensor4D): tf.Tensor4D {
  return encoder(store, "eta", y, "instance", { training: true });
}

/** η: skeleton image `[B, S, S, 1]` → keypoints `[B, K, 2]` in [−1, 1] (marginal soft-argmax). */
export function keypointRegressor(store: ParamStore, y: tf.Tensor4D): tf.Tensor3D {
  return tf.tidy(() => softArgmax(keypointHeatmaps(store, y)));
}

const PSI_DEC: readonly (readonly [number, number])[] = [[256, 256], [128, 128], [64, 64], [32, 0]];

/** Ψ — `CondNipsGenerator` (digest §2.3): skeleton encoder (+ appearance encoder) → decoder. */
export function initDecoder(store: ParamStore, cfg: ArchConfig, rng: Rng): void {
  initEncoder(store, "psi/pose", cfg, 1, ch(cfg, 256), "batch", rng);
  if (cfg.conditional) initEncoder(store, "psi/app", cfg, 3, ch(cfg, 256), "batch", rng);
  let c = ch(cfg, 256) * (cfg.conditional ? 2 : 1);
  PSI_DEC.forEach(([a, b], i) => {
    initConvBnRelu(store, `psi/dec${i}/a`, 3, c, ch(cfg, a), rng);
    if (b > 0) initConvBnRelu(store, `psi/dec${i}/b`, 3, ch(cfg, a), ch(cfg, b), rng);
    c = ch(cfg, b || a);
  });
  initConv(store, "psi/dec3/out", 3, ch(cfg, 32), 3, true, rng);
}

/** Ψ: skeleton `[B, S, S, 1]` (+ appearance x′ `[B, S, S, 3]`) → image `[B, S, S, 3]` (unbounded). */
export function decoder(
  store: ParamStore,
  skeleton: tf.Tensor4D,
  appearance: tf.Tensor4D | null,
  mode: Mode,
  appearancePool: AppearancePool = "spatial",
): tf.Tensor4D {
  let h = encoder(store, "psi/pose", skeleton, "batch", mode); // [B, S/8, S/8, c256]
  if (store.has("psi/app/out/w")) {
    if (!appearance) {
      throw new Error("Cannot run the conditional decoder Ψ without an appearance image x′");
    }
    let a = encoder(store, "psi/app", appearance, "batch", mode); // [B, S/8, S/8, c256]
    if (appearancePool === "global") {
      // avg_pool_style: one appearance vector per image, tiled back over the S/8 grid.
      a = tf.broadcastTo(tf.mean(a, [1, 2], true), a.shape);
    }
    h = tf.concat([h, a], 3); // [B, S/8, S/8, c512]
  }
  for (let i = 0; i < 4; i++) {
    h = convBnRelu(store, `psi/dec${i}/a`, h, mode);
    if (i < 3) h = upsample2x(convBnRelu(store, `psi/dec${i}/b`, h, mode));
  }
  return conv2d(store, "psi/dec3/out", h, 1, 1);
}

/** One `NLayerDiscriminator` (PatchGAN, 4×4 convs, padding 1, InstanceNorm, LeakyReLU 0.2). */
function initPatchGan(
  store: ParamStore,
  prefix: string,
  cfg: ArchConfig,
  inC: number,
  rng: Rng,
  minibatchStd = false,
): void {
  const ndf = ch(cfg, 64);
  let c = inC;
  for (let n = 0; n <= cfg.dLayers; n++) {
    const o = ndf * Math.min(2 ** n, 8);
    initConv(store, `${prefix}/conv${n}`, 4, c, o, true, rng);
    c = o;
  }
  initConv(store, `${prefix}/out`, 4, c + (minibatchStd ? 1 : 0), 1, true, rng);
}

function patchGan(
  store: ParamStore,
  prefix: string,
  x: tf.Tensor4D,
  nLayers: number,
  minibatchStd = false,
): tf.Tensor4D {
  let h = leakyRelu(conv2d(store, `${prefix}/conv0`, x, 2, 1));
  for (let n = 1; n <= nLayers; n++) {
    h = leakyRelu(instanceNorm(conv2d(store, `${prefix}/conv${n}`, h, n < nLayers ? 2 : 1, 1)));
  }
  if (minibatchStd) h = tf.concat([h, batchStdChannel(h)], 3);
  return conv2d(store, `${prefix}/out`, h, 1, 1);
}

/**
 * The minibatch standard deviation feature (ProGAN): per position and channel the sd over the
 * batch, averaged to one number and tiled as an extra channel. `[B, P, P, C]` → `[B, P, P, 1]`.
 */
export function batchStdChannel(h: tf.Tensor4D): tf.Tensor4D {
  const [b, p, q] = h.shape;
  const sd = tf.sqrt(tf.add(tf.moments(h, 0).variance, 1e-8)); // [P, P, C]
  return tf.broadcastTo(tf.reshape(tf.mean(sd), [1, 1, 1, 1]), [b, p, q, 1]);
}

/** D — multi-scale PatchGAN on skeleton images (digest §2.4): 3 independent copies by default. */
export function initDiscriminator(store: ParamStore, cfg: ArchConfig, rng: Rng): void {
  for (let s = 0; s < cfg.dScales; s++) {
    initPatchGan(store, `d/s${s}`, cfg, 1, rng, cfg.dMinibatchStd ?? false);
  }
}

/** D: `[B, S, S, 1]` → one patch map per scale (`[B, 14, 14, 1]`, `[B, 6, 6, 1]`, `[B, 2, 2, 1]` at 128). */
export function discriminator(store: ParamStore, y: tf.Tensor4D, cfg: ArchConfig): tf.Tensor4D[] {
  const out: tf.Tensor4D[] = [];
  for (let s = 0; s < cfg.dScales; s++) {
    const ys = downsampleBilinear(y, 2 ** s);
    out.push(patchGan(store, `d/s${s}`, ys, cfg.dLayers, cfg.dMinibatchStd ?? false));
  }
  return out;
}

/** D_B — CycleGAN's single-scale PatchGAN on images, for the second-cycle variants. */
export function initImageDiscriminator(store: ParamStore, cfg: ArchConfig, rng: Rng): void {
  initPatchGan(store, "db", cfg, 3, rng);
}

/** D_B: `[B, S, S, 3]` → `[B, P, P, 1]`. */
export function imageDiscriminator(
  store: ParamStore,
  x: tf.Tensor4D,
  cfg: ArchConfig,
): tf.Tensor4D {
  return patchGan(store, "db", x, cfg.dLayers);
}

/** Create every network's parameters in a fixed order (so a seed fixes all weights). */
export function initAll(store: ParamStore, cfg: ArchConfig, rng: Rng): void {
  initPoseEncoder(store, cfg, rng);
  initKeypointRegressor(store, cfg, rng);
  initDecoder(store, cfg, rng);
  initDiscriminator(store, cfg, rng);
  if (cfg.imageDiscriminator) initImageDiscriminator(store, cfg, rng);
}
