/**
 * Which evaluations' qualitative figures the HTML report embeds. PNGs are large, so by default
 * only the most telling ones: per dataset, the first seed of KeypointGAN and of CycleGAN with the
 * full prior (their leak figures contrast the bottleneck with CycleGAN's appearance leak, §4).
 *
 * @module
 */
import { isPreset } from "./configurations.ts";
import type { EvaluationInput } from "./types.ts";

/** `main`: KeypointGAN and CycleGAN per dataset; `all`: every evaluation; `none`. */
export type FigureMode = "main" | "all" | "none";

/** Variants whose figures `main` embeds, in this order. */
export const MAIN_FIGURE_VARIANTS = ["keypointgan", "cyclegan"] as const;

/** Refs of the evaluations whose model figures to embed. */
export function figureRefs(inputs: readonly EvaluationInput[], mode: FigureMode): Set<string> {
  if (mode === "none") return new Set();
  if (mode === "all") return new Set(inputs.map((i) => i.provenance.ref));
  const chosen = new Map<string, string>();
  for (const { record: r, provenance: p } of inputs) {
    for (const variant of MAIN_FIGURE_VARIANTS) {
      const slot = `${r.dataset.kind}/${r.dataset.name}/${r.dataset.priorSource}/${variant}`;
      if (r.model.priorSize === 0 && isPreset(r, variant) && !chosen.has(slot)) {
        chosen.set(slot, p.ref);
      }
    }
  }
  return new Set(chosen.values());
}
