/**
 * The tables of the report's "Real data" section (`reports/real_data.ts`): one per real face
 * dataset (every evaluation split, ± post-processing, the mean shape, a supervised row when run,
 * the paper's 300-W values beside helen-test) and one for humans with a prior from another
 * source beside the same-source prior (the paper's Table 2 "MPI-INF-3DHP prior" row).
 *
 * @module
 */
import { NONE, OURS_ONLY, type RowSpec, type TableSpec, V } from "./paper/spec.ts";
import { type Config, findConfigs, isPreset, type MetricRef } from "./configurations.ts";
import { buildTable } from "./tables.ts";
import type { PaperCell, PaperTable } from "./types.ts";

/** Real face datasets (`dataset.name` as prepare_data writes it) and their split names. */
export const REAL_FACE_SPLITS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "faces-real": { test: "helen-test (300-W)", "faces-video-test": "faces-video test people" },
  "faces-300w-tps": { test: "helen-test (300-W)" },
};

/** Paper Table 3 (300-W test set, VoxCeleb2 training, MultiPIE prior). */
export const PAPER_300W = { raw: 8.67, post: 5.12 } as const;
/** Paper §5.1 (Table 2): Human3.6M test pixel error, H3.6M vs MPI-INF-3DHP prior. */
export const PAPER_H36M = { same: 14.46, cross: 18.94, table1: 2.73 } as const;

/** A paper row without a value for this column (another test set / protocol). */
const NOT_IN_PAPER: PaperCell = { kind: "text", text: "not reported" };

/** The evaluation splits of a config's face_iod measurements, "test" first. */
function faceSplits(c: Config): string[] {
  const postSplit = c.record.postprocess.split;
  const splits = c.record.measurements
    .filter((m) =>
      m.protocol === "face_iod" && m.predictor === "mean_pose" && m.split !== postSplit
    )
    .map((m) => m.split);
  return [...new Set(splits)];
}

function faceSpec(
  name: string,
  splits: readonly string[],
  prior: "same" | "cross",
  supervised: boolean,
): TableSpec {
  const labels = REAL_FACE_SPLITS[name] ?? {};
  const row = (
    label: string,
    group: string,
    variant: string,
    predictor: MetricRef["predictor"],
    paper?: number,
  ): RowSpec => ({
    label,
    group,
    paper: Object.fromEntries(
      splits.map((s) => [s, !paper ? NONE : s === "test" ? V(paper) : NOT_IN_PAPER]),
    ),
    ours: (split) => ({
      from: { kind: "faces", variant, prior },
      metric: { protocol: "face_iod", predictor, split },
    }),
  });
  const self = "self-supervised (paper: 300-W test set)";
  return {
    id: `real_${name.replace(/[^a-z0-9]+/g, "_")}`,
    title: `Real faces — ${name}`,
    caption: "Mean error over 68 points, % of the outer inter-ocular distance (points 36/45), " +
      "per image then averaged (300-W protocol); lower is better.",
    columns: splits.map((s) => ({ key: s, label: labels[s] ?? s })),
    rows: [
      row("KeypointGAN (ours w/o post-processing)", self, "keypointgan", "model", PAPER_300W.raw),
      row(
        "+ supervised post-processing",
        self,
        "keypointgan",
        "model+postprocess",
        PAPER_300W.post,
      ),
      row("mean shape of the post-processing labels", OURS_ONLY, "keypointgan", "mean_pose"),
      ...(supervised
        ? [row("Φ∘η trained with the training labels", OURS_ONLY, "supervised", "model")]
        : []),
    ],
    notes: [],
  };
}

/** The table of one real face dataset (only its configs), with its KeypointGAN config. */
export function faceTable(configs: readonly Config[], name: string) {
  const own = configs.filter((c) => c.record.dataset.name === name);
  const kp = own.find((c) => isPreset(c.record, "keypointgan") && c.record.model.priorSize === 0);
  if (!kp) return null;
  const prior = kp.record.dataset.crossSourcePrior ? "cross" : "same";
  const supervised = own.some((c) => isPreset(c.record, "supervised"));
  return { table: buildTable(own, faceSpec(name, faceSplits(kp), prior, supervised)), config: kp };
}

function humansSpec(): TableSpec {
  const cols = [{ key: "t1", label: "Table 1 protocol" }, { key: "t2", label: "Table 2, pixels" }];
  const metric = (col: string, predictor: MetricRef["predictor"]): MetricRef =>
    col === "t1"
      ? { protocol: "simplified_h36m", predictor, flip: "min" }
      : { protocol: "h36m_pixels", predictor, flip: "min" };
  const row = (
    label: string,
    group: string,
    prior: "same" | "cross",
    predictor: MetricRef["predictor"],
    paper: [number | null, number | null],
  ): RowSpec => ({
    label,
    group,
    paper: {
      t1: paper[0] ? V(paper[0]) : group === OURS_ONLY ? NONE : NOT_IN_PAPER,
      t2: paper[1] ? V(paper[1]) : NONE,
    },
    ours: (col) => ({
      from: { kind: "humans", variant: "keypointgan", prior },
      metric: metric(col, predictor),
    }),
  });
  const g = "KeypointGAN (paper: Human3.6M videos)";
  return {
    id: "real_humans_prior",
    title: "Humans — a real mocap prior vs the same-source prior",
    caption:
      "Synthetic test subjects (S9, S11). Table 1 protocol: mean L2 over 32 joints ×100 of " +
      "the image size; Table 2: mean pixel error over the 17 official joints in the original " +
      "frame. Both left/right flip-invariant; lower is better.",
    columns: cols,
    rows: [
      row("prior: second halves of the same videos", g, "same", "model", [
        PAPER_H36M.table1,
        PAPER_H36M.same,
      ]),
      row(
        "prior: real Human3.6M mocap, random cameras (paper: MPI-INF-3DHP)",
        g,
        "cross",
        "model",
        [null, PAPER_H36M.cross],
      ),
      row(
        "same-source prior + supervised post-processing",
        OURS_ONLY,
        "same",
        "model+postprocess",
        [null, null],
      ),
      row("mocap prior + supervised post-processing", OURS_ONLY, "cross", "model+postprocess", [
        null,
        null,
      ]),
      row("mean pose of the training labels", OURS_ONLY, "same", "mean_pose", [null, null]),
    ],
    notes: [],
  };
}

/** The humans table, when a KeypointGAN with a prior from another source was evaluated. */
export function humansTable(configs: readonly Config[]): PaperTable | null {
  const cross = findConfigs(configs, { kind: "humans", variant: "keypointgan", prior: "cross" });
  return cross.length > 0 ? buildTable(configs, humansSpec()) : null;
}
