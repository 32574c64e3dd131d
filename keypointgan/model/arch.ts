/**
 * One architecture for every tier: the official networks (digest §2) with an image size S and
 * a width multiplier w (w = 1 at 128×128 gives the paper's parameter counts, digest §12).
 *
 * @module
 */
import type { AppearancePool } from "../tiers.ts";

/** Shapes and switches that decide which parameters exist. */
export interface ArchConfig {
  /** Image side S (divisible by 8: Φ, η and Ψ downsample three times). */
  readonly imageSize: number;
  /** Channel multiplier: 1 = the official widths (32…256 for Φ/η/Ψ, ndf 64 for D). */
  readonly width: number;
  /** η's own channel multiplier (default `width`): η reads a 1-channel image, so it is cheap. */
  readonly etaWidth?: number;
  /** Number of keypoints K (η's heatmaps). */
  readonly numPoints: number;
  /** Ψ has an appearance encoder for x′ (false = CycleGAN's unconditional generator). */
  readonly conditional: boolean;
  /** Scales of the multi-scale skeleton discriminator D (official 3: S, S/2, S/4). */
  readonly dScales: number;
  /** PatchGAN depth n_layers (official 3). */
  readonly dLayers: number;
  /** Build the image discriminator D_B (only the second-cycle variants need it). */
  readonly imageDiscriminator: boolean;
  /**
   * How Ψ passes x′'s appearance code on: `spatial` (official default) keeps the S/8 × S/8 map;
   * `global` averages it over space and tiles it back (the official `avg_pool_style` option),
   * so the pose of x can only come through the skeleton. Absent = `spatial`.
   */
  readonly appearancePool?: AppearancePool;
  /**
   * D's last layer also sees the minibatch standard deviation of its features (Karras et al.
   * 2018), so a Φ that draws one skeleton for every image is told apart from the varied prior
   * batch. Not in the official code; absent = off.
   */
  readonly dMinibatchStd?: boolean;
  /**
   * Φ's output layer: `linear` (official: unbounded) or `sigmoid` (bounded to ȳ's range (0, 1),
   * so D cannot tell Φ's outputs from β's by their range alone). Not in the official code;
   * absent = `linear`.
   */
  readonly phiOutput?: PhiOutput;
}

/** Φ's output activations (see `ArchConfig.phiOutput`). */
export const PHI_OUTPUTS = ["linear", "sigmoid"] as const;
export type PhiOutput = (typeof PHI_OUTPUTS)[number];

/** Ψ's appearance code (defined in tiers.ts, which sets it per tier). */
export { APPEARANCE_POOLS, type AppearancePool } from "../tiers.ts";

/** Channels of an official width `c` under multiplier w (at least 1). */
export function ch(cfg: Pick<ArchConfig, "width">, c: number): number {
  return Math.max(1, Math.round(c * cfg.width));
}

/** Output side of a 4×4 PatchGAN on an input of side `s` (padding 1). */
export function patchSize(s: number, nLayers: number): number {
  let n = s;
  for (let i = 0; i < nLayers; i++) n = Math.floor((n + 2 - 4) / 2) + 1;
  n = n + 2 - 4 + 1; // stride-1 conv
  return n + 2 - 4 + 1; // output conv
}

/** Throws a clear error for sizes the architecture cannot handle. */
export function validateArch(cfg: ArchConfig): void {
  const s = cfg.imageSize;
  if (!Number.isInteger(s) || s < 16 || s % 8 !== 0) {
    throw new RangeError(
      `Cannot build the networks for imageSize ${s}: expected a multiple of 8, at least 16`,
    );
  }
  if (!(cfg.width > 0)) {
    throw new RangeError(`Cannot build the networks for width ${cfg.width}: expected > 0`);
  }
  const smallest = s / 2 ** (cfg.dScales - 1);
  if (cfg.dScales < 1 || !Number.isInteger(smallest) || patchSize(smallest, cfg.dLayers) < 1) {
    throw new RangeError(
      `Cannot build D with dScales ${cfg.dScales} and dLayers ${cfg.dLayers} at imageSize ${s}: ` +
        `its smallest scale (${smallest} px) leaves no output patch; use fewer scales or layers`,
    );
  }
}
