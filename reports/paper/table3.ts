/** Table 3 of the paper: 300-W faces, with and without supervised post-processing. @module */
import type { MetricRef } from "../configurations.ts";
import {
  NONE,
  notReproduced,
  OURS_ONLY,
  type OursSpec,
  type RowSpec,
  type TableSpec,
  V,
} from "./spec.ts";

/** Our 300-W value for a faces variant. */
const iod = (variant: string, predictor: MetricRef["predictor"] = "model") => (): OursSpec => ({
  from: { kind: "faces", variant },
  metric: { protocol: "face_iod", predictor },
});

const published = (group: string, rows: [string, number][]): RowSpec[] =>
  rows.map(([label, value]) => ({ label, group, paper: { iod: V(value) }, ours: notReproduced }));

const SUPERVISED = "fully supervised";
const POST = "self-supervised + supervised post-processing";

/** Table 3. */
export const TABLE3: TableSpec = {
  id: "table3",
  title: "Table 3 — 300-W faces",
  caption: "Mean point-to-point error over 68 points, % of the outer inter-ocular distance " +
    "(points 36/45); lower is better.",
  columns: [{ key: "iod", label: "300-W" }],
  rows: [
    ...published(SUPERVISED, [
      ["LBF [46]", 6.32],
      ["CFSS [82]", 5.76],
      ["cGPRT [32]", 5.71],
      ["DDN [75]", 5.65],
      ["TCDCN [79]", 5.54],
      ["RAR [72]", 4.94],
      ["Wing Loss [13]", 4.04],
    ]),
    {
      label: "Φ∘η trained with labels (ours)",
      group: SUPERVISED,
      paper: { iod: NONE },
      ours: iod("supervised"),
    },
    ...published(POST, [
      ["Thewlis et al. [58]", 9.3],
      ["Thewlis et al. [57]", 7.97],
      ["Thewlis et al. [59] SmallNet †", 5.75],
      ["Wiles et al. [71]", 5.71],
      ["Jakab & Gupta et al. [25]", 5.39],
      ["Thewlis et al. [59] HourGlass †", 4.65],
    ]),
    {
      label: "KeypointGAN (ours w/o post-processing)",
      group: "self-supervised",
      paper: { iod: V(8.67) },
      ours: iod("keypointgan"),
    },
    {
      label: "+ supervised post-processing",
      group: "self-supervised",
      paper: { iod: V(5.12) },
      ours: iod("keypointgan", "model+postprocess"),
    },
    {
      label: "mean shape of the training labels",
      group: OURS_ONLY,
      paper: { iod: NONE },
      ours: iod("keypointgan", "mean_pose"),
    },
  ],
  notes: [
    "Post-processing: a linear map without bias fitted by least squares from predicted to " +
    "ground-truth keypoints on the training split's labels, applied to the test split (digest §6.5).",
    "The paper trains on VoxCeleb2 + 300-W images with a MultiPIE prior; ours on the experiment's " +
    "faces dataset.",
  ],
};
