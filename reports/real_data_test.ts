import assert from "node:assert/strict";
import { fixtureEvaluations } from "../tests/fixtures/evaluations.ts";
import type { EvaluationRecord, Measurement } from "../keypointgan/eval/record.ts";
import { PAPER_300W, PAPER_H36M, realDataSection } from "./real_data.ts";
import { buildReport, type ReportContext } from "./assemble.ts";
import { renderTablesText } from "./render_text.ts";
import type { Block, EvaluationInput, PaperTable } from "./types.ts";

const all = fixtureEvaluations();
const isCrossHumans = (i: EvaluationInput) =>
  i.record.dataset.kind === "humans" && i.record.dataset.crossSourcePrior;

/** A faces-real evaluation derived from the fixture's faces KeypointGAN (values set here). */
function facesReal(variant = "keypointgan", ref = "E90"): EvaluationInput {
  const base = all.find((i) =>
    i.record.dataset.kind === "faces" && i.record.model.variant === variant
  )!;
  const m = (predictor: Measurement["predictor"], split: string, v: number): Measurement => ({
    ...base.record.measurements.find((x) => x.predictor === "model" && x.split === "test")!,
    predictor,
    split,
    all: v,
  });
  const record: EvaluationRecord = {
    ...base.record,
    dataset: {
      ...base.record.dataset,
      name: "faces-real",
      priorSource: "300w:helen-train",
      crossSourcePrior: true,
      artifactKey: "f".repeat(64),
    },
    measurements: [
      m("model", "test", variant === "keypointgan" ? 12.5 : 7.25),
      m("model+postprocess", "test", 9.5),
      m("mean_pose", "test", 15.25),
      m("model", "faces-video-test", 14.5),
      m("model+postprocess", "faces-video-test", 11.5),
      m("mean_pose", "faces-video-test", 20.5),
      m("model", "helen-train", 11.75),
    ],
    postprocess: { status: "fitted", split: "helen-train", trainFrames: 870, ridge: 0 },
  };
  const provenance = { ...base.provenance, ref, variants: [`${variant}-real`] };
  return { record, provenance: { ...provenance, artifactKey: ref.padEnd(64, "0").toLowerCase() } };
}

function ctxOf(inputs: EvaluationInput[]): ReportContext {
  return {
    experiment: "t",
    inputs,
    tables: [],
    claims: [],
    charts: [],
    figures: new Map(),
    contactSheets: [],
    missing: [],
  };
}

const tables = (blocks: readonly Block[]) =>
  blocks.flatMap((b) => (b.type === "table" ? [b.table] : []));
const texts = (blocks: readonly Block[]) =>
  blocks.flatMap((b) => (b.type === "text" ? b.paragraphs : [])).join("\n");
const cell = (t: PaperTable, row: number, col: string) => t.rows[row].cells[col];
const ours = (t: PaperTable, row: number, col: string) => {
  const o = cell(t, row, col).ours;
  return o.status === "measured" ? o.mean : o.status;
};

Deno.test("no real-data evaluation → no section", () => {
  assert.equal(realDataSection(ctxOf(all.filter((i) => !isCrossHumans(i)))), null);
});

Deno.test("humans: the mocap prior beside the same-source prior, with the paper's Table 2 values", () => {
  const section = realDataSection(ctxOf(all))!;
  const [t] = tables(section.blocks);
  assert.equal(t.id, "real_humans_prior");
  const read = (prior: boolean, protocol: string, predictor = "model") =>
    all.find((i) =>
      i.record.dataset.kind === "humans" && i.record.model.variant === "keypointgan" &&
      i.record.model.priorSize === 0 && i.record.dataset.crossSourcePrior === prior
    )!.record.measurements.find((m) =>
      m.protocol === protocol && m.predictor === predictor && m.split === "test" && m.flip === "min"
    )!.all;
  const same = all.filter((i) =>
    i.record.dataset.kind === "humans" && i.record.model.variant === "keypointgan" &&
    i.record.model.priorSize === 0 && !i.record.dataset.crossSourcePrior
  ).map((i) =>
    i.record.measurements.find((m) =>
      m.protocol === "h36m_pixels" && m.predictor === "model" && m.split === "test" &&
      m.flip === "min"
    )!.all
  );
  const sameMean = same.reduce((a, b) => a + b, 0) / same.length;
  assert.ok(Math.abs((ours(t, 0, "t2") as number) - sameMean) < 1e-9, "seed mean");
  assert.equal(ours(t, 1, "t2"), read(true, "h36m_pixels"));
  assert.equal(ours(t, 1, "t1"), read(true, "simplified_h36m"));
  assert.equal(ours(t, 3, "t2"), read(true, "h36m_pixels", "model+postprocess"));
  assert.deepEqual(cell(t, 0, "t2").paper, { kind: "value", value: PAPER_H36M.same });
  assert.deepEqual(cell(t, 1, "t2").paper, { kind: "value", value: PAPER_H36M.cross });
  assert.equal(cell(t, 1, "t1").paper.kind, "text");
  const change = (100 * (read(true, "h36m_pixels") - sameMean)) / sameMean;
  assert.match(texts(section.blocks), new RegExp(`\\(\\+${change.toFixed(0)} %\\); the paper's`));
});

Deno.test("faces-real: both test sets, ± post-processing, mean shape, the paper's 300-W numbers", () => {
  const section = realDataSection(ctxOf([...all.filter((i) => !isCrossHumans(i)), facesReal()]))!;
  const [t] = tables(section.blocks);
  assert.equal(tables(section.blocks).length, 1);
  assert.deepEqual(t.columns.map((c) => c.label), [
    "helen-test (300-W)",
    "faces-video test people",
  ]);
  assert.deepEqual(
    t.rows.map((
      r,
    ) => [ours(t, t.rows.indexOf(r), "test"), ours(t, t.rows.indexOf(r), "faces-video-test")]),
    [
      [12.5, 14.5],
      [9.5, 11.5],
      [15.25, 20.5],
    ],
  );
  assert.deepEqual(cell(t, 0, "test").paper, { kind: "value", value: PAPER_300W.raw });
  assert.deepEqual(cell(t, 1, "test").paper, { kind: "value", value: PAPER_300W.post });
  assert.equal(cell(t, 0, "faces-video-test").paper.kind, "text");
  const text = texts(section.blocks);
  assert.match(text, /reaches 12\.50 % without post-processing and 9\.50 % with it/);
  assert.match(text, /mean shape .* gives 15\.25 %/);
  assert.match(text, /Without post-processing the model is below the mean-shape error, and below/);
  assert.match(text, /VoxCeleb2/);
});

Deno.test("faces-real: a supervised run adds its row; the synthetic faces never mix in", () => {
  const inputs = [...all, facesReal(), facesReal("supervised", "E91")];
  const t = tables(realDataSection(ctxOf(inputs))!.blocks).find((x) => x.id === "real_faces_real")!;
  assert.equal(t.rows.length, 4);
  assert.equal(ours(t, 3, "test"), 7.25);
  assert.equal(ours(t, 0, "test"), 12.5); // not the synthetic faces' KeypointGAN
});

Deno.test("buildReport: the Real data tables also reach the text output, before Provenance", () => {
  const rep = buildReport([...all, facesReal()], {
    experiment: "t",
    extraSections: [realDataSection],
  });
  const ids = rep.sections.map((s) => s.id);
  assert.equal(ids.indexOf("real-data"), ids.length - 2);
  assert.deepEqual(rep.tables.slice(-2).map((t) => t.id), ["real_faces_real", "real_humans_prior"]);
  const text = renderTablesText(rep.tables, [...all, facesReal()].map((i) => i.provenance));
  assert.match(text, /Real faces — faces-real/);
  assert.match(text, /Humans — a real mocap prior vs the same-source prior/);
  const plain = buildReport(all, { experiment: "t" });
  assert.equal(plain.tables.length, 5, "without extra sections: the paper's tables only");
});

Deno.test("faces-real: a model worse than the mean shape is called so", () => {
  const worse = facesReal();
  const record = {
    ...worse.record,
    measurements: worse.record.measurements.map((m) =>
      m.predictor === "mean_pose" ? { ...m, all: 5 } : m
    ),
  };
  const section = realDataSection(ctxOf([{ ...worse, record }]))!;
  assert.match(
    texts(section.blocks),
    /is not below the mean-shape error, and not below it with post-processing \(at this scale it has not learnt more than the average shape\)/,
  );
});
