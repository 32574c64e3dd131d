import assert from "node:assert/strict";
import { fixtureEvaluations } from "../tests/fixtures/evaluations.ts";
import { renderTablesCsv } from "./render_csv.ts";
import { renderTablesMarkdown } from "./render_markdown.ts";
import { renderTablesText } from "./render_text.ts";
import { buildTables } from "./tables.ts";
import type { OursCell, PaperTable } from "./types.ts";

const inputs = fixtureEvaluations();
const tables = buildTables(inputs);
const table = (id: string) => tables.find((t) => t.id === id)!;
const cell = (t: PaperTable, label: string, col: string) =>
  t.rows.find((r) => r.label === label)!.cells[col];
const measured = (o: OursCell) => {
  assert.equal(o.status, "measured");
  return o as Extract<OursCell, { status: "measured" }>;
};

Deno.test("tables: Tables 1–5 in order, rows and columns in the paper's order", () => {
  assert.deepEqual(tables.map((t) => t.id), ["table1", "table2", "table3", "table4", "table5"]);
  assert.deepEqual(table("table1").columns.map((c) => c.key), [
    "all",
    "wait",
    "pose",
    "greet",
    "direct",
    "discuss",
    "walk",
  ]);
  assert.deepEqual(table("table1").rows.map((r) => r.label.split(" —")[0]), [
    "Newell et al. [39]",
    "Thewlis et al. [57]",
    "Zhang et al. [78]",
    "Lorenz et al. [35]",
    "KeypointGAN + supervised post-processing (ours)",
    "KeypointGAN (ours)",
    "KeypointGAN (ours), plain (not flip-invariant)",
    "mean pose of the training labels",
  ]);
  assert.deepEqual(table("table4").rows.slice(0, 5).map((r) => r.label), [
    "CycleGAN",
    "+ conditional generator (1)",
    "+ skeleton-bottleneck (2)",
    "cycle = KeypointGAN (ours) (3)",
    "CycleGAN cycle",
  ]);
  assert.deepEqual(table("table5").rows.map((r) => r.label), ["full dataset", "5000", "500", "50"]);
  const t3 = table("table3").rows.map((r) => r.label);
  assert.ok(t3.indexOf("LBF [46]") < t3.indexOf("Wing Loss [13]"));
  assert.ok(t3.indexOf("Wing Loss [13]") < t3.indexOf("Thewlis et al. [58]"));
  assert.ok(
    t3.indexOf("KeypointGAN (ours w/o post-processing)") <
      t3.indexOf("+ supervised post-processing"),
  );
});

Deno.test("tables: the paper's values stand beside ours; Table 5's missing values say so", () => {
  assert.deepEqual(cell(table("table1"), "KeypointGAN (ours)", "walk").paper, {
    kind: "value",
    value: 4.0,
  });
  assert.deepEqual(cell(table("table1"), "Lorenz et al. [35]", "wait").paper, { kind: "dash" });
  assert.deepEqual(cell(table("table3"), "+ supervised post-processing", "iod").paper, {
    kind: "value",
    value: 5.12,
  });
  assert.deepEqual(cell(table("table4"), "CycleGAN cycle", "faces").paper, {
    kind: "value",
    value: 11.36,
  });
  assert.deepEqual(cell(table("table5"), "50", "humans").paper, { kind: "missing" });
  const t2 = table("table2").rows.map((r) => r.cells.test.paper);
  assert.deepEqual(
    t2.filter((p) => p.kind === "value").map((p) => (p as { value: number }).value),
    [
      19.52,
      14.46,
      18.94,
    ],
  );
});

Deno.test("tables: ours is the mean ± sample sd over a configuration's seeds", () => {
  const o = measured(cell(table("table4"), "cycle = KeypointGAN (ours) (3)", "humans").ours);
  assert.equal(o.values.length, 3);
  assert.deepEqual(o.refs, ["E6", "E7", "E8"]);
  const m = o.values.reduce((a, b) => a + b) / 3;
  assert.ok(Math.abs(o.mean - m) < 1e-12);
  const sd = Math.sqrt(o.values.reduce((a, v) => a + (v - m) ** 2, 0) / 2);
  assert.ok(Math.abs(o.sd! - sd) < 1e-12);
  // a single seed has no sd
  assert.equal(measured(cell(table("table4"), "CycleGAN cycle", "humans").ours).sd, null);
});

Deno.test("tables: published rows say 'not reproduced'; absent evaluations say 'not run'", () => {
  assert.equal(cell(table("table1"), "Zhang et al. [78]", "all").ours.status, "not_reproduced");
  const partial = buildTables(inputs.filter((i) => i.record.dataset.kind === "humans"));
  const t4 = partial.find((t) => t.id === "table4")!;
  assert.deepEqual(cell(t4, "CycleGAN", "faces").ours, { status: "not_run", note: "not run" });
  assert.equal(cell(t4, "CycleGAN", "humans").ours.status, "measured");
});

Deno.test("tables: a flag override is not its preset's row; prior sizes above the prior are noted", () => {
  // humans/bottleneck-unconditional (E27) overrides conditional=false: only the extra row uses it
  assert.deepEqual(
    measured(cell(table("table4"), "+ skeleton-bottleneck (2)", "humans").ours).refs,
    ["E5"],
  );
  const extra = "skeleton-bottleneck without the conditional generator";
  assert.deepEqual(measured(cell(table("table4"), extra, "humans").ours).refs, ["E27"]);
  assert.ok(table("table5").notes.some((n) => n.includes("the prior holds only 3000 poses")));
});

Deno.test("tables: a failed post-processing fit shows why instead of a number", () => {
  const broken = fixtureEvaluations().map((i) => ({
    ...i,
    record: {
      ...i.record,
      measurements: i.record.measurements.filter((m) => m.predictor !== "model+postprocess"),
      postprocess: {
        status: "failed" as const,
        split: "train",
        trainFrames: 10,
        message: "least squares needs at least 136 samples, got 10",
      },
    },
  }));
  const t3 = buildTables(broken).find((t) => t.id === "table3")!;
  const o = cell(t3, "+ supervised post-processing", "iod").ours;
  assert.deepEqual(o, {
    status: "failed",
    note: "post-processing failed",
    detail: "E19: post-processing failed: least squares needs at least 136 samples, got 10",
  });
  assert.ok(t3.notes.includes(o.detail!), "the reason is a note under the table, once");
});

Deno.test("renderers: terminal, Markdown and CSV carry ours, the paper and provenance", () => {
  const prov = inputs.map((i) => i.provenance);
  const text = renderTablesText(tables, prov);
  for (const t of tables) assert.ok(text.includes(t.title));
  assert.ok(text.includes("paper: not in our copy"));
  assert.ok(
    text.indexOf("Table 1") < text.indexOf("Table 2") &&
      text.indexOf("Table 4") < text.indexOf("Table 5"),
  );
  assert.match(text, /\[E6\] humans\/keypointgan\/seed=1 · experiment fixture · run run-fixture/);
  const md = renderTablesMarkdown("T | x", tables, prov);
  assert.ok(md.startsWith("# T \\| x\n"));
  assert.match(
    md,
    /\| KeypointGAN \(ours\) \| \*\*2\.\d\d ± 0\.\d\d\*\* \(paper: 2\.73\) \[E6–E8\] \|/,
  );
  const csv = renderTablesCsv(tables, prov).trim().split("\n");
  assert.equal(
    csv[0],
    "table,group,row,column,ours_mean,ours_sd,ours_seeds,ours_status,ours_note,paper_value,paper_status,variants,run_ids,artifact_keys",
  );
  const cells = tables.reduce((n, t) => n + t.rows.length * t.columns.length, 0);
  assert.equal(csv.length, cells + 1);
  assert.ok(
    csv.some((l) =>
      l.startsWith(
        "table3,fully supervised,LBF [46],iod,,,0,not_reproduced,not reproduced,6.32,value",
      )
    ),
  );
});

Deno.test("tables: a row trained with a setting not in the official code says so", () => {
  assert.ok(!table("table4").notes.some((n) => /trained with/i.test(n)));
  const withLever = inputs.map((i) =>
    i.provenance.ref === "E6"
      ? {
        ...i,
        record: {
          ...i.record,
          model: { ...i.record.model, params: { ...i.record.model.params, equivariance: 1000 } },
        },
      }
      : i
  );
  const t4 = buildTables(withLever).find((t) => t.id === "table4")!;
  // One note, naming the trained row only: the mean-pose row cites the same evaluation (E6) but
  // is not a model trained with the term.
  assert.ok(
    t4.notes.some((n) =>
      n ===
        `Trained with equivariance λ 1000 (not the paper's method): "cycle = KeypointGAN (ours) (3)" (humans).`
    ),
    t4.notes.join("\n"),
  );
});
