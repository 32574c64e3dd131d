import assert from "node:assert/strict";
import { fixtureProject, tempStore } from "../tests/fixtures/project.ts";
import { ExperimentError, readLedger } from "../pipeline/mod.ts";
import { JUPYTER_DISPLAY, type MimeBundle } from "./display.ts";
import { Lab, notebookExperiment } from "./lab.ts";
import { ProgressLine } from "./cell_progress.ts";

const project = fixtureProject();

async function open(source = "fx") {
  const store = await tempStore();
  return { lab: await Lab.open(source, { project, store, quiet: true }), store };
}

const bundle = async (x: unknown) =>
  await (x as { [JUPYTER_DISPLAY](): MimeBundle | Promise<MimeBundle> })[JUPYTER_DISPLAY]();

Deno.test("lab: plan as an HTML table, run one node, the second call is a cache hit", async () => {
  const { lab, store } = await open();
  assert.deepEqual(lab.labels, ["base", "double[seed=1]", "double[seed=2]"]);
  const plan = await lab.plan();
  assert.equal(plan.toRun, plan.nodes.length);
  const html = (await bundle(plan))["text/html"] as string;
  assert.match(html, /<table class="plan">/);
  assert.match(html, /no earlier run/);
  assert.match(html, /\(all 3 runs\)/); // the fan-in node
  const first = await lab.run("scale", { variant: "double[seed=2]" });
  assert.equal(first.info.status, "ran");
  assert.deepEqual(JSON.parse(await Deno.readTextFile(first.path("scaled.json"))).length, 3);
  assert.equal(first.params.factor, 4);
  const second = await lab.run("scale", { variant: "double[seed=2]" });
  assert.equal(second.info.status, "cached");
  assert.equal(second.key, first.key);
  // Only that chain ran (source + scale); the ledger has a line per call, like the CLI's runs.
  const ledger = await readLedger(`${store}/ledger.jsonl`);
  assert.deepEqual(ledger.map((l) => [l.counts.ran ?? 0, l.counts.hit ?? 0]), [[2, 0], [0, 2]]);
  assert.deepEqual(ledger[0].argv, ["lab.run", "scale", "double[seed=2]"]);
  assert.match(
    ((await bundle(second))["text/plain"]) as string,
    /scale · double\[seed=2\] · .* cached/,
  );
  await Deno.remove(store, { recursive: true });
});

Deno.test("lab: set is validated like --set, the plan says why, reset goes back to the cache", async () => {
  const { lab, store } = await open();
  await lab.run("scale", { variant: "base" });
  await assert.rejects(() => lab.set("scale.factr", 5), (e: unknown) => {
    assert.ok(e instanceof ExperimentError);
    assert.match(e.message, /--set scale\.factr: unknown param "factr".*did you mean "factor"/);
    return true;
  });
  assert.deepEqual(lab.overrides, []); // a failed set changes nothing
  await lab.set("scale.factor", 5);
  assert.deepEqual(lab.overrides, ["scale.factor=5"]);
  const plan = await lab.plan({ only: "scale" });
  const base = plan.nodes.find((n) => n.stage === "scale" && n.variants.includes("base"))!;
  assert.match((await bundle(plan))["text/html"] as string, /param factor 2→5/);
  assert.equal(base.state.status, "run");
  await lab.reset();
  assert.equal((await lab.run("scale", { variant: "base" })).info.status, "cached");
  await Deno.remove(store, { recursive: true });
});

Deno.test("lab: runs are picked by label, by name + where, and ambiguity lists the candidates", async () => {
  const { lab, store } = await open();
  await assert.rejects(
    () => lab.run("scale", { variant: "double" }),
    /matches 2 runs[^]*double\[seed=1\][^]*double\[seed=2\]/,
  );
  await assert.rejects(() => lab.run("scale", { variant: "tripple" }), /matches no run[^]*base/);
  await assert.rejects(() => lab.run("scale"), /no variant matches 3 runs/);
  const h = await lab.run("scale", { variant: "double", where: { seed: 1 } });
  assert.equal(h.label, "double[seed=1]");
  const byParam = await lab.run("scale", { where: { "scale.factor": 2 } });
  assert.equal(byParam.label, "base");
  // A fan-in stage needs no variant; unknown stages are the engine's error.
  const summary = await lab.run("summarize");
  assert.match(await Deno.readTextFile(summary.path("table.txt")), /^Fixture table/);
  await assert.rejects(() => lab.run("scal", { variant: "base" }), /unknown stage "scal"/);
  await Deno.remove(store, { recursive: true });
});

Deno.test("lab: a variant declared in a few lines joins the experiment and shares its nodes", async () => {
  const { lab, store } = await open();
  const base = await lab.run("scale", { variant: "base" });
  const mine = await lab.variant("triple", { params: { scale: { factor: 3 } } });
  assert.deepEqual(mine.labels, ["base", "double[seed=1]", "double[seed=2]", "triple"]);
  assert.deepEqual(lab.labels.length, 3); // the original lab is unchanged
  const triple = await mine.run("scale", { variant: "triple" });
  assert.notEqual(triple.key, base.key);
  assert.equal((await mine.run("source", { variant: "triple" })).info.status, "cached");
  assert.deepEqual(mine.toExperimentFile(), {
    extends: "fx",
    variants: { triple: { params: { scale: { factor: 3 } } } },
  });
  await assert.rejects(
    () => lab.variant("bad", { params: { scale: { factor: "x" } } }),
    /variants\.bad\.params\.scale\.factor/,
  );
  await Deno.remove(store, { recursive: true });
});

Deno.test("lab: a failed node throws with its error and log; its dependants never run", async () => {
  const { lab, store } = await open();
  await lab.set("slow.failAt", 1);
  await assert.rejects(
    () => lab.run("summarize"),
    (e: Error) => /summarize did not complete:\n {2}✖ slow \(base\): .*\n {4}log: /.test(e.message),
  );
  await Deno.remove(store, { recursive: true });
});

Deno.test("notebookExperiment: the env var wins, else quick when it exists, else ablation", () => {
  const prev = Deno.env.get("KEYPOINTGAN_NOTEBOOK_EXPERIMENT");
  try {
    Deno.env.set("KEYPOINTGAN_NOTEBOOK_EXPERIMENT", "smoke");
    assert.equal(notebookExperiment(), "smoke");
    Deno.env.delete("KEYPOINTGAN_NOTEBOOK_EXPERIMENT");
    assert.equal(notebookExperiment(project), "ablation"); // the fixture has no quick.jsonc
  } finally {
    if (prev === undefined) Deno.env.delete("KEYPOINTGAN_NOTEBOOK_EXPERIMENT");
    else Deno.env.set("KEYPOINTGAN_NOTEBOOK_EXPERIMENT", prev);
  }
});

Deno.test("progress line: counts, each computing node's percentage, the final state", () => {
  const line = new ProgressLine(3, "train x");
  const node = (key: string, stage: string) =>
    ({ key, stage, variants: ["v"] }) as unknown as Parameters<typeof line.observe>[0]["node"];
  line.observe({
    type: "node-end",
    node: node("a", "prepare_data"),
    outcome: { status: "hit", seconds: 0 },
  });
  line.observe({ type: "node-start", node: node("b", "train") });
  line.observe({
    type: "node-event",
    node: node("b", "train"),
    event: { type: "progress", done: 5, total: 20, info: "loss 0.3" },
  });
  assert.match(
    line.line(),
    /^train x: running · 1\/3 nodes \(0 ran, 1 cached\) · [\d.]+s\n {2}train v 25% \(5\/20\) loss 0\.3$/,
  );
  line.observe({
    type: "node-end",
    node: node("b", "train"),
    outcome: { status: "ran", seconds: 1 },
  });
  assert.match(line.line("done"), /^train x: done · 2\/3 nodes \(1 ran, 1 cached\)/);
});
