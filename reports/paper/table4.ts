/** Table 4 of the paper: the ablation from CycleGAN to KeypointGAN. @module */
import type { EvaluationRecord } from "../../keypointgan/eval/record.ts";
import type { Selector } from "../configurations.ts";
import {
  DASH,
  NONE,
  OURS_ONLY,
  type OursSpec,
  type PaperValues,
  type TableSpec,
  values,
} from "./spec.ts";

const COLS = ["humans", "faces"];

/** Our Table 4 value: humans on Simplified-H3.6M (flip-invariant), faces on 300-W. */
const ablation =
  (variant: Selector["variant"], predictor: "model" | "mean_pose" = "model") =>
  (column: string): OursSpec =>
    column === "humans"
      ? {
        from: { kind: "humans", variant },
        metric: { protocol: "simplified_h36m", predictor, flip: "min" },
      }
      : { from: { kind: "faces", variant }, metric: { protocol: "face_iod", predictor } };

/** The skeleton bottleneck without the conditional generator (the paper: fails to converge). */
export function bottleneckWithoutConditional(r: EvaluationRecord): boolean {
  return r.model.variant !== "supervised" && r.model.flags.bottleneck === true &&
    r.model.flags.conditional === false;
}

const row = (label: string, variant: string, paper: PaperValues) => ({
  label,
  group: "ablation (paper order)",
  paper: values(COLS, paper),
  ours: ablation(variant),
});

/** Table 4. */
export const TABLE4: TableSpec = {
  id: "table4",
  title: "Table 4 — Ablation",
  caption: "Humans: Simplified-H3.6M error (% of image size, flip-invariant); faces: 300-W error " +
    "(% of inter-ocular distance); lower is better. Each step modifies the row above.",
  columns: [{ key: "humans", label: "humans" }, { key: "faces", label: "faces" }],
  rows: [
    row("CycleGAN", "cyclegan", [3.54, 11.89]),
    row("+ conditional generator (1)", "conditional", [3.6, DASH]),
    row("+ skeleton-bottleneck (2)", "bottleneck", [2.86, 9.64]),
    row("cycle = KeypointGAN (ours) (3)", "keypointgan", [2.73, 8.67]),
    row("CycleGAN cycle", "keypointgan_cycle", [3.39, 11.36]),
    {
      label: "skeleton-bottleneck without the conditional generator",
      group: "variants named in the paper's text",
      paper: values(COLS, [
        { kind: "text", text: "fails to converge (§5.4)" },
        { kind: "text", text: "fails to converge (§5.4)" },
      ]),
      ours: ablation(bottleneckWithoutConditional),
    },
    {
      label: "Φ∘η trained with labels",
      group: OURS_ONLY,
      paper: values(COLS, [NONE, NONE]),
      ours: ablation("supervised"),
    },
    {
      label: "mean pose of the training labels",
      group: OURS_ONLY,
      paper: values(COLS, [NONE, NONE]),
      ours: ablation("keypointgan", "mean_pose"),
    },
  ],
  notes: [
    "(1) conditional generator Ψ(ŷ, x′); (2) Ψ fed the re-rendered skeleton β(η(Φ(x))); " +
    "(3) no second cycle. 'CycleGAN cycle' is the full model plus CycleGAN's second cycle " +
    "(prior → image → skeleton), digest §7.",
  ],
};
