/**
 * Issue 9's experiment files: they validate and plan against the real registry (no data needed),
 * the same-source humans run shares its nodes with the ablation, and a missing data root fails
 * prepare_data at once with an error naming the missing folders (no real data needed either).
 */
import assert from "node:assert/strict";
import { load, nodeOf, openProject, openStore, plan, run } from "../pipeline/mod.ts";
import { globals, registry } from "../stages/mod.ts";

const project = openProject({ root: new URL("../", import.meta.url), registry, globals });

async function planOf(name: string, set: string[] = [], storeDir?: string) {
  const store = openStore(project, storeDir ?? await Deno.makeTempDir({ prefix: "kpg-real-" }));
  return { p: await plan(project, await load(project, name, { set }), store), store };
}

Deno.test("faces_real: one KeypointGAN chain on the faces_real dataset at the small tier", async () => {
  const { p, store } = await planOf("faces_real");
  const data = nodeOf(p, "prepare_data", "keypointgan")!;
  assert.equal(data.spec.params.dataset, "faces_real");
  assert.equal(data.spec.params.tier, "small");
  assert.equal(data.spec.params.dataRoot, "../shared/data");
  assert.equal(nodeOf(p, "train", "keypointgan")!.spec.params.variant, "keypointgan");
  assert.deepEqual(new Set(p.nodes.map((n) => n.stage)).size, 5);
  await Deno.remove(store.dir, { recursive: true });
});

Deno.test("humans_mocap_prior: same-source and mocap priors; the same-source chain is ablation's", async () => {
  const { p, store } = await planOf("humans_mocap_prior");
  const mocap = nodeOf(p, "prepare_data", "mocap_prior")!;
  const same = nodeOf(p, "prepare_data", "synthetic_prior")!;
  assert.equal(mocap.spec.params.priorSource, "h36m-mocap");
  assert.equal(same.spec.params.priorSource, "synthetic");
  assert.equal(mocap.spec.params.dataset, "humans");
  for (const v of ["synthetic_prior", "mocap_prior"]) {
    assert.equal(nodeOf(p, "train", v)!.spec.params.variant, "keypointgan");
  }
  assert.equal(p.nodes.filter((n) => n.stage === "report").length, 1);
  const { p: ablation } = await planOf("ablation", [], store.dir);
  assert.equal(
    nodeOf(p, "evaluate", "synthetic_prior")!.key,
    nodeOf(ablation, "evaluate", "keypointgan[prepare_data.dataset=humans]")!.key,
    "computed once, shared with the ablation",
  );
  await Deno.remove(store.dir, { recursive: true });
});

Deno.test("a missing data root fails prepare_data before any work, naming what is missing", async () => {
  const root = "/nonexistent/kpg-data";
  for (
    const [name, variant, needs] of [
      [
        "faces_real",
        "keypointgan",
        /faces-video\/, faces-300w\/helen-train\/, faces-300w\/helen-test\//,
      ],
      ["humans_mocap_prior", "mocap_prior", /priorSource "h36m-mocap" reads h36m-prior\//],
    ] as const
  ) {
    const { p, store } = await planOf(name, ["tier=tiny", `prepare_data.dataRoot=${root}`]);
    const node = nodeOf(p, "prepare_data", variant)!;
    const result = await run(project, p, store, { targets: [node.key], ledger: false });
    const outcome = result.outcomes.get(node.key)!;
    assert.equal(outcome.status, "failed");
    assert.match(
      outcome.error!,
      new RegExp(`dataRoot "${root}": the data root ${root} does not exist`),
    );
    assert.match(outcome.error!, needs);
    assert.match(outcome.error!, /--set prepare_data\.dataRoot=DIR/);
    assert.equal((await store.verify(node.key)).status, "missing", "no artifact left behind");
    await Deno.remove(store.dir, { recursive: true });
  }
});
