/**
 * The ablation variants of paper Table 4 as data (digest §7). A variant only sets three flags;
 * each flag can be overridden by a train param. This mapping is our documented reading of the
 * table (docs/model.md):
 *
 * | variant            | conditional | bottleneck | secondCycle |
 * | ------------------ | ----------- | ---------- | ----------- |
 * | cyclegan           | false       | false      | cyclegan    |
 * | conditional        | true        | false      | cyclegan    |
 * | bottleneck         | true        | true       | bottleneck  |
 * | keypointgan        | true        | true       | none        |
 * | keypointgan_cycle  | true        | true       | cyclegan    |
 * | supervised         | (Φ∘η trained on the training labels: the upper bound)      |
 *
 * @module
 */

export type VariantName =
  | "cyclegan"
  | "conditional"
  | "bottleneck"
  | "keypointgan"
  | "keypointgan_cycle"
  | "supervised";

export const VARIANT_NAMES: readonly VariantName[] = [
  "cyclegan",
  "conditional",
  "bottleneck",
  "keypointgan",
  "keypointgan_cycle",
  "supervised",
];

/**
 * The second (skeleton → image → skeleton) cycle:
 * - `none`: the released model (no second cycle);
 * - `cyclegan`: ȳ → Ψ(ȳ, x′) → x̃ → Φ → ỹ, L1(ỹ, ȳ), plus D_B on x̃ vs real x;
 * - `bottleneck`: the same cycle closed through the bottleneck, ỹ = β(η(Φ(x̃))).
 */
export type SecondCycle = "none" | "bottleneck" | "cyclegan";
export const SECOND_CYCLES: readonly SecondCycle[] = ["none", "bottleneck", "cyclegan"];

/** What a variant switches on. */
export interface VariantFlags {
  /** Ψ receives the appearance image x′ (paper change (1)). */
  readonly conditional: boolean;
  /** Ψ is fed β(η(Φ(x))) instead of Φ(x) (paper change (2)). */
  readonly bottleneck: boolean;
  /** The second cycle; `none` is paper change (3). */
  readonly secondCycle: SecondCycle;
  /** Train Φ∘η directly on the training labels (baseline, no GAN). */
  readonly supervised: boolean;
}

const TABLE: Readonly<Record<VariantName, VariantFlags>> = {
  cyclegan: { conditional: false, bottleneck: false, secondCycle: "cyclegan", supervised: false },
  conditional: { conditional: true, bottleneck: false, secondCycle: "cyclegan", supervised: false },
  bottleneck: { conditional: true, bottleneck: true, secondCycle: "bottleneck", supervised: false },
  keypointgan: { conditional: true, bottleneck: true, secondCycle: "none", supervised: false },
  keypointgan_cycle: {
    conditional: true,
    bottleneck: true,
    secondCycle: "cyclegan",
    supervised: false,
  },
  supervised: { conditional: true, bottleneck: true, secondCycle: "none", supervised: true },
};

/** Optional per-flag overrides (null = the variant's value). */
export interface FlagOverrides {
  readonly conditional?: boolean | null;
  readonly bottleneck?: boolean | null;
  readonly secondCycle?: SecondCycle | null;
}

/** The flags of `variant` with any overrides applied. */
export function variantFlags(variant: VariantName, o: FlagOverrides = {}): VariantFlags {
  const base = TABLE[variant];
  if (!base) {
    throw new RangeError(
      `Unknown variant "${variant}": expected one of ${VARIANT_NAMES.join(", ")}`,
    );
  }
  return {
    conditional: o.conditional ?? base.conditional,
    bottleneck: o.bottleneck ?? base.bottleneck,
    secondCycle: o.secondCycle ?? base.secondCycle,
    supervised: base.supervised,
  };
}
