import assert from "node:assert/strict";
import { join } from "node:path";
import { fixtureProject, tempStore } from "../tests/fixtures/project.ts";
import {
  describeState,
  findArtifact,
  load,
  nodeOf,
  openStore,
  plan,
  readLedger,
  run,
} from "./mod.ts";

const project = fixtureProject();

Deno.test("an experiment runs end to end, then is entirely cached", async () => {
  const store = openStore(project, await tempStore());
  const exp = await load(project, "fx");
  assert.deepEqual(exp.runs.map((r) => r.label), ["base", "double[seed=1]", "double[seed=2]"]);
  const p = await plan(project, exp, store);
  // source: base/double share seed? base seed 0, double seeds 1,2 → 3 nodes; summarize once.
  assert.deepEqual(p.nodes.map((n) => n.stage), [
    "source",
    "source",
    "source",
    "scale",
    "scale",
    "scale",
    "slow",
    "slow",
    "slow",
    "summarize",
  ]);
  assert.ok(p.nodes.every((n) => describeState(n.state) === "no earlier run"));
  const first = await run(project, p, store);
  assert.ok(first.ok);
  assert.equal(first.entry.counts.ran, 10);
  const table = await Deno.readTextFile(
    join(store.artifactDir(nodeOf(p, "summarize")!.key), "table.txt"),
  );
  assert.match(table, /^Fixture table\nbase\t\d+\ndouble\[seed=1\]\t\d+\ndouble\[seed=2\]\t\d+\n$/);

  const again = await plan(project, await load(project, "fx"), store);
  assert.ok(again.nodes.every((n) => n.state.status === "cached"));
  const second = await run(project, again, store);
  assert.equal(second.entry.counts.hit, 10);
  const ledger = await readLedger(store.ledgerPath);
  assert.equal(ledger.length, 2);
  assert.deepEqual(ledger[1].params["double[seed=1]"], {
    seed: 1,
    tier: "tiny",
    "source.count": 3,
    "scale.factor": 4,
    "scale.steps": 1,
  });
  const found = await findArtifact(store, "fx", "double[seed=2]", "slow");
  assert.equal(found?.key, nodeOf(p, "slow", "double[seed=2]")!.key);
  await Deno.remove(store.dir, { recursive: true });
});

Deno.test("the plan says why a node runs: param changed, input changed", async () => {
  const store = openStore(project, await tempStore());
  await run(project, await plan(project, await load(project, "fx"), store), store);
  const p = await plan(project, await load(project, "fx", { set: ["scale.factor=5"] }), store);
  const why = (stage: string, variant: string) => describeState(nodeOf(p, stage, variant)!.state);
  assert.equal(why("source", "base"), "cached");
  assert.equal(why("scale", "base"), "param factor 2→5");
  // double sets factor explicitly in its variant, but --set wins.
  assert.equal(why("scale", "double[seed=1]"), "param factor 4→5");
  assert.equal(why("slow", "base"), "input changed: scaled");
  assert.equal(why("summarize", "base"), "input changed: results");
  await Deno.remove(store.dir, { recursive: true });
});

Deno.test("a failed node skips its dependants; independent nodes finish", async () => {
  const store = openStore(project, await tempStore());
  const exp = await load(project, "fx", { set: ["slow.failAt=1"] });
  const p = await plan(project, exp, store);
  const result = await run(project, p, store);
  assert.equal(result.ok, false);
  assert.equal(result.entry.counts.failed, 3);
  assert.equal(result.entry.counts.skipped, 1);
  assert.equal(result.entry.counts.ran, 6);
  const slow = nodeOf(p, "slow", "base")!;
  const failure = await store.readFailure(slow.key);
  assert.equal(failure?.error, "failing on purpose at step 1");
  assert.ok(failure?.logTail.some((l) => l.includes("failing on purpose")));
  const again = await plan(project, exp, store);
  assert.equal(
    describeState(nodeOf(again, "slow", "base")!.state),
    "no earlier run; failed last time: failing on purpose at step 1; resumes from saved state",
  );
  await Deno.remove(store.dir, { recursive: true });
});
