import assert from "node:assert/strict";
import { load, openStore, plan, run } from "../../api.ts";
import { SlurmExecutor } from "./executor.ts";
import { fixtureProject, tempStore } from "../../../tests/fixtures/project.ts";
import { executorContract } from "../testing/contract.ts";

// Without a cluster the contract's cases that compute cannot run here: tests/slurm_test.ts runs
// the whole contract on a one-node cluster.
Deno.test("executor contract: Slurm, without Slurm on PATH (reuse, close)", async (t) => {
  await executorContract(
    t,
    (project, store) =>
      new SlurmExecutor({ store, root: project.root, env: { PATH: "/nonexistent" } }),
    ["reuse", "close"],
  );
});

Deno.test("Slurm executor: a node stored after planning is reused, never submitted", async () => {
  const project = fixtureProject();
  const store = openStore(project, await tempStore());
  const stale = await plan(project, await load(project, "fx"), store); // everything "to run"
  assert.ok((await run(project, await plan(project, await load(project, "fx"), store), store)).ok);
  // No Slurm at all on this PATH: any submission would fail with "sbatch is not on PATH".
  const executor = new SlurmExecutor({ store, root: project.root, env: { PATH: "/nonexistent" } });
  const result = await run(project, stale, store, { executor });
  assert.ok(result.ok, JSON.stringify([...result.outcomes.values()]));
  assert.deepEqual(result.entry.counts, { hit: 10 });
  assert.equal(result.entry.executor, "slurm");
  await Deno.remove(store.dir, { recursive: true });
});

Deno.test("Slurm executor: without sbatch, a node to compute fails with the reason", async () => {
  const project = fixtureProject();
  const store = openStore(project, await tempStore());
  const p = await plan(project, await load(project, "fx"), store, { only: ["source"] });
  const executor = new SlurmExecutor({ store, root: project.root, env: { PATH: "/nonexistent" } });
  const result = await run(project, p, store, { executor });
  const errors = [...result.outcomes.values()].map((o) => o.error);
  assert.equal(errors.length, 3);
  for (const e of errors) assert.match(e ?? "", /sbatch is not on PATH/);
  await Deno.remove(store.dir, { recursive: true });
});
