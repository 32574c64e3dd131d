import assert from "node:assert/strict";
import { fixtureEvaluations } from "../tests/fixtures/evaluations.ts";
import { buildCharts } from "./charts.ts";
import { compileVegaLite, renderSvg } from "./svg.ts";
import { buildTables } from "./tables.ts";

const inputs = fixtureEvaluations();
const charts = buildCharts(inputs, buildTables(inputs));

/** Specs with each inline data array cut to its size and first two rows (keeps snapshots small). */
function compact(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(
      value,
      (k, v) =>
        k === "values" && Array.isArray(v) && v.length > 0 && typeof v[0] === "object"
          ? { rows: v.length, first: v.slice(0, 2) }
          : v,
    ),
  );
}

Deno.test("charts: every chart the fixture supports, with stable specs", async (t) => {
  assert.deepEqual(charts.map((c) => c.id), [
    "activities",
    "ablation",
    "prior",
    "keypoints-humans",
    "keypoints-faces",
    "keypoints-cats",
    "training-humans",
    "training-faces",
    "training-cats",
  ]);
  for (const c of charts) {
    await t.assertSnapshot(compact(c), {
      name: `chart ${c.id}`,
      serializer: (v) => JSON.stringify(v, null, 1),
    });
  }
});

Deno.test("charts: data follow the tables (Table 1 ours vs paper, Table 4 per seed)", () => {
  const values = (id: string) =>
    (charts.find((c) => c.id === id)!.spec.data as { values: Record<string, unknown>[] }).values;
  const walk = values("activities").filter((v) => v.activity === "walk");
  assert.deepEqual(walk.map((v) => v.source), ["ours", "paper"]);
  assert.equal(walk[1].error, 4.0);
  const kp = values("ablation").filter((v) =>
    v.dataset === "humans" && v.variant === "cycle = KeypointGAN (ours) (3)"
  );
  assert.deepEqual(kp.map((v) => v.kind), ["paper", "ours", "ours", "ours"]);
  assert.deepEqual(kp.slice(1).map((v) => v.seed), [1, 2, 3]);
  const prior = values("prior").filter((v) => v.series === "humans");
  assert.deepEqual(prior.map((v) => v.poses), [3000, 3000, 3000, 3000, 500, 50]);
});

Deno.test("charts: every spec compiles and renders to SVG headlessly", async () => {
  for (const c of charts) {
    compileVegaLite(c.spec, c.id);
    const svg = await renderSvg(c.spec, c.id);
    assert.ok(svg.startsWith("<svg") && svg.includes("<path"), `${c.id} drew nothing`);
  }
  await assert.rejects(
    () => renderSvg({ mark: "nonsense" }, "bad"),
    /chart "bad": invalid Vega-Lite spec/,
  );
});
