/**
 * The executor contract, written once and run against every executor (as hono runs one router
 * suite against each router): `executorContract(t, make)` inside a `Deno.test`. Each case
 * plans the fixture experiment (tests/fixtures/) into a fresh store and runs it through the
 * engine with the executor `make` builds:
 * - reuse: a node stored after planning is taken from the store, never computed again;
 * - compute: every node of a plan computes, and the artifacts verify;
 * - fail: a stage that throws is a failed outcome with the stage's message (the run resolves),
 *   and its downstream nodes are skipped;
 * - close: `close()` resolves, and may be called twice.
 *
 * `cases` picks a subset (the Slurm executor computes only on a cluster: without one it runs
 * `reuse` and `close`).
 *
 * @module
 */
import assert from "node:assert/strict";
import { load, openStore, plan, run } from "../../api.ts";
import type { Project } from "../../project.ts";
import type { Executor } from "../../run/executor.ts";
import type { Store } from "../../store/store.ts";
import { fixtureProject, tempStore } from "../../../tests/fixtures/project.ts";

/** The contract's cases. */
export type ContractCase = "reuse" | "compute" | "fail" | "close";
export const ALL_CASES: readonly ContractCase[] = ["reuse", "compute", "fail", "close"];

/** Builds the executor under test over `store` (the fixture project's). */
export type MakeExecutor = (project: Project, store: Store) => Executor;

/** Runs the contract's `cases` as steps of `t`. */
export async function executorContract(
  t: Deno.TestContext,
  make: MakeExecutor,
  cases: readonly ContractCase[] = ALL_CASES,
): Promise<void> {
  const project = fixtureProject();
  const withStore = async (fn: (store: Store) => Promise<void>) => {
    const store = openStore(project, await tempStore());
    try {
      await fn(store);
    } finally {
      await Deno.remove(store.dir, { recursive: true });
    }
  };
  const runWith = async (store: Store, p: Awaited<ReturnType<typeof plan>>) => {
    const executor = make(project, store);
    try {
      return await run(project, p, store, { executor });
    } finally {
      await executor.close();
    }
  };

  if (cases.includes("reuse")) {
    await t.step("reuse: a node stored after planning is reused, never computed", async () => {
      await withStore(async (store) => {
        const stale = await plan(project, await load(project, "fx"), store); // all "to run"
        assert.ok(
          (await run(project, await plan(project, await load(project, "fx"), store), store)).ok,
        );
        const result = await runWith(store, stale);
        assert.ok(result.ok, JSON.stringify([...result.outcomes.values()]));
        assert.deepEqual(result.entry.counts, { hit: 10 });
      });
    });
  }
  if (cases.includes("compute")) {
    await t.step("compute: every node computes and its artifact verifies", async () => {
      await withStore(async (store) => {
        const p = await plan(project, await load(project, "fx"), store);
        const result = await runWith(store, p);
        assert.ok(result.ok, JSON.stringify([...result.outcomes.values()]));
        assert.equal(result.entry.counts.ran, 10);
        for (const node of p.nodes) {
          assert.equal((await store.verify(node.key)).status, "ok", node.stage);
        }
      });
    });
  }
  if (cases.includes("fail")) {
    await t.step("fail: a throwing stage is a failed outcome; downstream is skipped", async () => {
      await withStore(async (store) => {
        const exp = await load(project, "fx", { set: ["slow.failAt=0"], variants: ["base"] });
        const p = await plan(project, exp, store);
        const result = await runWith(store, p);
        assert.equal(result.ok, false);
        const failed = [...result.outcomes.values()].filter((o) => o.status === "failed");
        assert.equal(failed.length, 1);
        assert.match(failed[0].error ?? "", /failing on purpose at step 0/);
        assert.ok((result.entry.counts.skipped ?? 0) >= 1, JSON.stringify(result.entry.counts));
      });
    });
  }
  if (cases.includes("close")) {
    await t.step("close: resolves, and again", async () => {
      await withStore(async (store) => {
        const executor = make(project, store);
        await executor.close();
        await executor.close();
      });
    });
  }
}
