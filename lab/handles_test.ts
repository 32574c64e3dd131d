import assert from "node:assert/strict";
import { join } from "node:path";
import { fixtureEvaluations } from "../tests/fixtures/evaluations.ts";
import { encodePng } from "../keypointgan/viz/png.ts";
import type { ArtifactRef } from "../pipeline/mod.ts";
import { buildReport, provenanceRows } from "../reports/assemble.ts";
import { compare } from "./compare.ts";
import { JUPYTER_DISPLAY, LAB_CSS, type MimeBundle, VEGA_LITE_MIME } from "./display.ts";
import {
  type ArtifactHandle,
  DatasetHandle,
  EvaluationHandle,
  handleFor,
  ReportHandle,
  TrainHandle,
} from "./handles.ts";
import { shortLabels } from "./tables_html.ts";

const inputs = fixtureEvaluations();
const show = async (h: { [JUPYTER_DISPLAY](): MimeBundle | Promise<MimeBundle> }) =>
  await h[JUPYTER_DISPLAY]();

/** An artifact directory with `files`, wrapped in the handle of `stage`. */
async function artifact(
  stage: string,
  files: Record<string, string | Uint8Array>,
  label = "v",
): Promise<ArtifactHandle> {
  const dir = await Deno.makeTempDir({ prefix: "kpg-lab-" });
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    await Deno.mkdir(join(dir, name, ".."), { recursive: true });
    if (typeof content === "string") await Deno.writeTextFile(join(dir, name), content);
    else await Deno.writeFile(join(dir, name), content);
  }
  const ref: ArtifactRef = {
    key: `${stage}-${label}`.padEnd(64, "0"),
    stage,
    dir,
    params: {},
    variants: [label],
    runId: "r1",
  };
  return handleFor(ref, label, { status: "cached", seconds: 0.01 });
}

const dirs: string[] = [];
globalThis.addEventListener(
  "unload",
  () => dirs.forEach((d) => Deno.removeSync(d, { recursive: true })),
);

const png = encodePng(new Uint8Array(4 * 4 * 3).fill(200), 4, 4);

Deno.test("dataset handle: the contact sheet as image/png, sizes as text", async () => {
  const h = await artifact("prepare_data", {
    "contact_sheet.png": png,
    "dataset.json": JSON.stringify({
      kind: "humans",
      name: "synthetic-humans",
      imageSize: 16,
      numPoints: 32,
      arrays: {
        "train.images": { shape: [300] },
        "test.images": { shape: [120] },
        "prior.keypoints": { shape: [50] },
      },
    }),
  });
  assert.ok(h instanceof DatasetHandle);
  const b = await show(h);
  assert.deepEqual(Uint8Array.from(atob(b["image/png"] as string), (c) => c.charCodeAt(0)), png);
  assert.match(b["text/plain"] as string, /300 training, 120 test frames at 16×16, 50 prior poses/);
});

Deno.test("training handle: every logged loss as Vega-Lite v5 (+ SVG), from metrics.jsonl", async () => {
  const rows = Array.from(
    { length: 30 },
    (_, i) => ({ step: 5 * (i + 1), g_rec: 1 / (i + 1), d: 0.5 }),
  );
  const h = await artifact("train", {
    "metrics.jsonl": rows.map((r) => JSON.stringify(r)).join("\n") + "\n",
    "train.json": JSON.stringify({
      lossNames: ["g_rec", "d"],
      finalLosses: { g_rec: 0.03, d: 0.5 },
    }),
  });
  assert.ok(h instanceof TrainHandle);
  const b = await show(h);
  const spec = b[VEGA_LITE_MIME] as { $schema: string; data: { values: { loss: string }[] } };
  assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
  assert.equal(spec.data.values.filter((v) => v.loss === "g_rec").length, 30);
  assert.match(b["image/svg+xml"] as string, /^<svg/);
  assert.match(b["text/plain"] as string, /final losses: g_rec=0\.03000, d=0\.5000/);
});

async function evaluation(i: number): Promise<EvaluationHandle> {
  const { record, provenance } = inputs[i];
  const h = await artifact("evaluate", {
    "metrics.json": JSON.stringify({
      ...record,
      figures: [{ file: "figures/swap.png", kind: "model", title: "Swap", caption: "Fig. 9" }],
    }),
    "figures/swap.png": png,
  }, `${record.model.variant}[prepare_data.dataset=${record.dataset.kind}]`);
  assert.ok(h instanceof EvaluationHandle);
  assert.ok(provenance.ref);
  return h;
}

Deno.test("evaluation handle: measurement grid + the paper rows it fills (HTML), figures by name", async () => {
  const i = inputs.findIndex((x) =>
    x.record.model.variant === "keypointgan" && x.record.dataset.kind === "humans"
  );
  const h = await evaluation(i);
  const b = await show(h);
  const html = b["text/html"] as string;
  assert.match(html, /Measurements \(lower is better\)/);
  assert.match(html, /<th>model<\/th><th>model\+postprocess<\/th><th>mean_pose<\/th>/);
  assert.match(html, /Table 1 — Simplified Human3\.6M/);
  assert.match(html, /paper: 2\.73/); // KeypointGAN's Table 1 value beside ours
  assert.doesNotMatch(html, /Table 3/); // a humans evaluation fills no face table
  assert.match(b["text/plain"] as string, /test · simplified_h36m · flip-invariant/);
  assert.equal(
    (await show(await h.figure("swap")))["image/png"],
    btoa(String.fromCharCode(...png)),
  );
  await assert.rejects(() => h.figure("editing"), /has no figure "editing"/);
});

Deno.test("compare: evaluations side by side with short column names; training curves overlaid", async () => {
  const pick = (v: string) =>
    inputs.findIndex((x) => x.record.model.variant === v && x.record.dataset.kind === "humans");
  const a = await evaluation(pick("cyclegan")), b = await evaluation(pick("keypointgan"));
  const c = await compare([a, b]);
  const html = (await show(c))["text/html"] as string;
  assert.match(html, /<th>cyclegan<\/th><th>keypointgan<\/th>/);
  assert.match(html, /every run: prepare_data\.dataset=humans/);
  const curves = (await show(c.curves))[VEGA_LITE_MIME] as {
    data: { values: { variant: string }[] };
  };
  assert.deepEqual(
    [...new Set(curves.data.values.map((v) => v.variant))],
    ["cyclegan[prepare_data.dataset=humans]", "keypointgan[prepare_data.dataset=humans]"],
  );
  const t = await artifact("train", { "metrics.jsonl": "", "train.json": "{}" });
  await assert.rejects(() => compare([a, t]), /not a mix \(evaluate, train\)/);
});

Deno.test("shortLabels drops the matrix cells every label shares, keeps labels unique", () => {
  assert.deepEqual(shortLabels(["a[x=1,y=2]", "b[x=1,y=3]"]), {
    names: ["a[y=2]", "b[y=3]"],
    shared: "x=1",
  });
  assert.deepEqual(shortLabels(["a[x=1]", "a[x=2]"]).names, ["a[x=1]", "a[x=2]"]);
  assert.deepEqual(shortLabels(["a", "b"]).names, ["a", "b"]);
});

Deno.test("report handle: Tables 1–5 with the paper's values and the claims, from its own files", async () => {
  const rep = buildReport(inputs, { experiment: "fixture" });
  const h = await artifact("report", {
    "tables.json": JSON.stringify({ tables: rep.tables, evaluations: provenanceRows(inputs) }),
    "claims.json": JSON.stringify({ claims: rep.claims }),
    "tables.txt": "Table 1 …\n",
    "charts/ablation.svg": "<svg></svg>",
  });
  assert.ok(h instanceof ReportHandle);
  const html = (await show(h))["text/html"] as string;
  for (const n of [1, 2, 3, 4, 5]) assert.match(html, new RegExp(`Table ${n} —`));
  assert.match(html, /Paper claims \(\d+ hold, \d+ do not hold, \d+ not measured\)/);
  assert.match(html, /<tr id="ref-E1">/); // the provenance the cells' refs link to
  assert.deepEqual(await h.charts(), ["ablation"]);
  assert.equal((await show(await h.chart("ablation")))["image/svg+xml"], "<svg></svg>");
});

Deno.test("the notebook stylesheet is the report's, scoped: it never restyles the page", () => {
  for (const rule of LAB_CSS.split("\n")) {
    const selectors = rule.split("{")[0].split(",").map((s) => s.trim());
    assert.ok(selectors.every((s) => s.startsWith(".kpg-lab")), rule);
  }
  assert.match(LAB_CSS, /\.kpg-lab table\.paper-table td/);
});
