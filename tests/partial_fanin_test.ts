/**
 * Partial fan-in (`InputSpec.partial`): a fan-in stage still runs when some variants failed,
 * sees which ones are missing and why, and its partial result is recomputed on the next run
 * (never a cache hit) until every input exists.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describeState, load, nodeOf, openStore, plan, run } from "../pipeline/mod.ts";
import { openProject } from "../pipeline/project.ts";
import { copyFixtureProject, tempStore } from "./fixtures/project.ts";
import { globals } from "./fixtures/stages/mod.ts";

/** The fixture project with `summarize` made partial and listing what is missing. */
async function partialProject() {
  const root = await copyFixtureProject("kpg-partial-");
  const stagesDir = join(root, "tests/fixtures/stages");
  const file = join(stagesDir, "summarize.ts");
  const src = (await Deno.readTextFile(file))
    .replace(`from: "all" }`, `from: "all", partial: true }`)
    .replace(
      "const text = [ctx.params.title, ...rows",
      "const gone = (ctx.missing.results ?? []).map((m) => `${m.variant}\\tmissing: ${m.reason}`);\n" +
        "    const text = [ctx.params.title, ...gone, ...rows",
    );
  assert.match(src, /partial: true/);
  await Deno.writeTextFile(file, src);
  const { registry } = await import(join(stagesDir, "mod.ts"));
  const project = openProject({ root, registry, globals, stagesDir, experimentsDir: root });
  return { root, project };
}

const experiment = (failAt: number) => ({
  name: "partial",
  value: {
    tier: "tiny",
    variants: {
      good: {},
      bad: { params: { slow: { failAt } } },
    },
  },
});

Deno.test("a partial fan-in runs despite a failed variant and is recomputed until complete", async () => {
  const { root, project } = await partialProject();
  const store = openStore(project, await tempStore());
  try {
    const p = await plan(project, await load(project, experiment(0)), store);
    const first = await run(project, p, store);
    assert.equal(first.ok, false, "a failed node still makes the run fail");
    const summary = nodeOf(p, "summarize")!;
    const table = await Deno.readTextFile(join(store.artifactDir(summary.key), "table.txt"));
    assert.match(table, /^bad\tmissing: failing on purpose at step 0$/m);
    assert.match(table, /^good\t\d+$/m);

    // Same experiment again: the partial summary is not a hit.
    const again = await plan(project, await load(project, experiment(0)), store);
    assert.equal(
      describeState(nodeOf(again, "summarize")!.state),
      "last result lacked 1 failed/skipped input(s)",
    );

    // Fixing the failing variant changes its slow node, and the fan-in completes.
    const fixed = await plan(project, await load(project, experiment(-1)), store);
    const done = await run(project, fixed, store);
    assert.ok(done.ok);
    const full = await Deno.readTextFile(
      join(store.artifactDir(nodeOf(fixed, "summarize")!.key), "table.txt"),
    );
    assert.doesNotMatch(full, /missing/);
    const last = await plan(project, await load(project, experiment(-1)), store);
    assert.equal(nodeOf(last, "summarize")!.state.status, "cached");
  } finally {
    await Deno.remove(store.dir, { recursive: true });
    await Deno.remove(root, { recursive: true });
  }
});
