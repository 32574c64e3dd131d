/**
 * The report's "Real data" section (issue 9), built from whatever real-data evaluations the
 * experiment has; absent otherwise:
 * - real faces (`faces_real`: faces-video pairs + helen-train prior; `faces_300w`): 300-W
 *   inter-ocular error on every evaluation split, without / with supervised post-processing,
 *   the mean shape, beside the paper's 300-W numbers (Table 3: 8.67 / 5.12), with an honest note
 *   on the differences in data and scale;
 * - humans with a prior from another source (real Human3.6M mocap): Table 1/2 protocols beside
 *   the same-source prior, like the paper's Table 2 "MPI-INF-3DHP prior" row;
 * - qualitative predictions of those models on real test images.
 *
 * @module
 */
import { fmt } from "./format.ts";
import {
  faceTable,
  humansTable,
  PAPER_300W,
  PAPER_H36M,
  REAL_FACE_SPLITS,
} from "./real_data_tables.ts";
import type { ReportContext, SectionBuilder } from "./assemble.ts";
import { type Config, groupConfigs, isPreset } from "./configurations.ts";
import type { Block, Cell, FigureBlock, PaperTable } from "./types.ts";

export { PAPER_300W, PAPER_H36M, REAL_FACE_SPLITS };

const measured = (c: Cell | undefined) => c?.ours.status === "measured" ? c.ours.mean : undefined;

/** The honest comparison with the paper's 300-W numbers, from the measured cells. */
function facesText(t: PaperTable, c: Config): string[] {
  const [raw, post, mean] = t.rows.map((r) => r.cells.test);
  const d = c.record.dataset, m = c.record.model;
  const v = (x: Cell | undefined) =>
    measured(x) === undefined ? "not measured" : `${fmt(measured(x)!)} %`;
  return [
    `On helen-test (${d.counts.test} faces of the HELEN part of 300-W) KeypointGAN reaches ` +
    `${v(raw)} without post-processing and ${v(post)} with it; the mean shape of the ` +
    `post-processing labels gives ${v(mean)}. ${versusMean(raw, post, mean)}The paper reports ` +
    `${PAPER_300W.raw} % and ${PAPER_300W.post} % on the 300-W test set.`,
    "These numbers are not comparable one to one. The paper trains on VoxCeleb2 (about 1M " +
    "talking-head clips), fine-tunes on the 300-W training images, takes its prior from MultiPIE " +
    "(6k shapes) and runs at 128 px with the official network widths for hundreds of thousands of " +
    `iterations on a GPU. Here the training pairs come from ${d.counts.train} frames of the ` +
    "faces-video training people (1–5 frames per clip, so little motion within a pair), the " +
    `prior is ${d.counts.prior} helen-train shapes, and the model runs at ${d.imageSize} px` +
    `${m.steps ? ` for ${m.steps} steps` : ""}${m.tier ? ` (${m.tier} tier)` : ""} on a CPU. ` +
    "helen-test is also easier than the full 300-W test set, which adds a challenging subset.",
  ];
}

/** Whether the model beats the mean shape/pose, said plainly (empty when a value is missing). */
function versusMean(raw: Cell | undefined, post: Cell | undefined, mean: Cell | undefined) {
  const [r, p, m] = [measured(raw), measured(post), measured(mean)];
  if (r === undefined || m === undefined) return "";
  const side = (x: number) => (x < m ? "below" : "not below");
  const withPost = p === undefined ? "" : `, and ${side(p)} it with post-processing`;
  const useless = r >= m && (p === undefined || p >= m)
    ? " (at this scale it has not learnt more than the average shape)"
    : "";
  return `Without post-processing the model is ${
    side(r)
  } the mean-shape error${withPost}${useless}. `;
}

function humansText(t: PaperTable): string[] {
  const [same, cross] = [measured(t.rows[0].cells.t2), measured(t.rows[1].cells.t2)];
  if (same === undefined || cross === undefined) return [];
  const mean = measured(t.rows[4].cells.t2);
  const ours = (100 * (cross - same)) / same;
  const paper = (100 * (PAPER_H36M.cross - PAPER_H36M.same)) / PAPER_H36M.same;
  return [
    `With the real mocap prior the pixel error is ${fmt(cross)} vs ${fmt(same)} with the ` +
    `same-source prior (${ours >= 0 ? "+" : ""}${ours.toFixed(0)} %); the paper's MPI-INF-3DHP ` +
    `prior raises ${PAPER_H36M.same} to ${PAPER_H36M.cross} (+${paper.toFixed(0)} %). Our images ` +
    "are synthetic renderings of the H3.6M skeleton, while the prior poses are real H3.6M mocap " +
    "of the training subjects (S9/S11 excluded) seen from random cameras." +
    (mean === undefined ? "" : ` The mean pose of the training labels gives ${fmt(mean)} px: ` +
      `the same-source model is ${same < mean ? "below" : "not below"} it, the mocap-prior ` +
      `model ${cross < mean ? "below" : "not below"} it.`),
  ];
}

/** The prediction figures of the real-data KeypointGAN evaluations. */
function figures(ctx: ReportContext, configs: readonly Config[]): Block[] {
  const out: Block[] = [];
  for (const c of configs) {
    const ref = c.members[0].provenance.ref, figs = ctx.figures.get(ref) ?? [];
    const pred = figs.filter((f: FigureBlock) => /^predictions?$/i.test(f.title));
    if (pred.length === 0) continue;
    const d = c.record.dataset;
    const title = `${ref} · ${d.name} (prior: ${d.priorSource}) — predictions on test images`;
    out.push({ type: "figures", title, figures: pred });
  }
  return out;
}

/** The "Real data" section; null when the experiment has no real-data evaluation. */
export const realDataSection: SectionBuilder = (ctx) => {
  const configs = groupConfigs(ctx.inputs);
  const faceNames = [...new Set(configs.map((c) => c.record.dataset.name))]
    .filter((n) => n in REAL_FACE_SPLITS);
  const faces = faceNames.map((n) => faceTable(configs, n)).filter((t) => t !== null);
  const humans = humansTable(configs);
  if (faces.length === 0 && humans === null) return null;
  const shown = configs.filter((c) =>
    isPreset(c.record, "keypointgan") && c.record.model.priorSize === 0 &&
    (c.record.dataset.name in REAL_FACE_SPLITS ||
      (c.record.dataset.kind === "humans" && c.record.dataset.crossSourcePrior))
  );
  const blocks: Block[] = [];
  for (const { table, config } of faces) {
    blocks.push({ type: "table", table }, { type: "text", paragraphs: facesText(table, config) });
  }
  if (humans) {
    blocks.push({ type: "table", table: humans }, { type: "text", paragraphs: humansText(humans) });
  }
  blocks.push(...figures(ctx, shown));
  return { id: "real-data", title: "Real data", blocks };
};
