/** Table 5 of the paper: size of the unpaired prior. @module */
import { DASH, MISSING, type OursSpec, type TableSpec, values } from "./spec.ts";

const COLS = ["humans", "faces", "faces_post"];

/** Prior subset sizes of the paper's rows (0 = the full prior). */
export const PRIOR_SIZES = [0, 5000, 500, 50] as const;

const prior = (priorSize: number) => (column: string): OursSpec =>
  column === "humans"
    ? {
      from: { kind: "humans", variant: "keypointgan", priorSize },
      metric: { protocol: "simplified_h36m", predictor: "model", flip: "min" },
    }
    : {
      from: { kind: "faces", variant: "keypointgan", priorSize },
      metric: {
        protocol: "face_iod",
        predictor: column === "faces" ? "model" : "model+postprocess",
      },
    };

/** Table 5. */
export const TABLE5: TableSpec = {
  id: "table5",
  title: "Table 5 — Unpaired sample efficiency",
  caption: "KeypointGAN with a prior of N unpaired samples. Humans: Simplified-H3.6M " +
    "(flip-invariant); faces: 300-W; lower is better.",
  columns: [
    { key: "humans", label: "humans, no post-proc." },
    { key: "faces", label: "faces, no post-proc." },
    { key: "faces_post", label: "faces, + sup. post-proc." },
  ],
  rows: PRIOR_SIZES.map((size) => ({
    label: size === 0 ? "full dataset" : String(size),
    group: "# unpaired samples",
    // Our copy of the paper prints dashes in the 5000 row and no other value of this table.
    paper: values(COLS, size === 5000 ? [DASH, DASH, MISSING] : [MISSING, MISSING, MISSING]),
    ours: prior(size),
  })),
  notes: [
    "The values of this table are not in our copy of the paper; the text (§5.5) says the error " +
    "with 50 samples stays state of the art.",
  ],
};
