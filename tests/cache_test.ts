/**
 * Cache semantics: editing a stage's source (in a temp copy of the fixture project) recomputes
 * it and its dependants only; corrupt artifacts are misses that get recomputed with a warning;
 * `--jobs` workers produce byte-identical artifacts; gc keeps what experiments reach.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeState, load, nodeOf, openStore, plan, run } from "../pipeline/mod.ts";
import { collectGarbage } from "../pipeline/store/gc.ts";
import { reachableKeys } from "../cli/gc.ts";
import { openProject } from "../pipeline/project.ts";
import { copyFixtureProject, fixtureProject, tempStore } from "./fixtures/project.ts";
import { globals } from "./fixtures/stages/mod.ts";

const project = fixtureProject();

const copyProject = () => copyFixtureProject();

Deno.test("editing a stage's source recomputes it and its dependants only", async () => {
  const root = await copyProject();
  const stagesDir = join(root, "tests/fixtures/stages");
  const { registry } = await import(join(stagesDir, "mod.ts"));
  const copy = openProject({
    root,
    registry,
    globals,
    stagesDir,
    experimentsDir: project.experimentsDir,
  });
  const store = openStore(copy, await tempStore());
  await run(copy, await plan(copy, await load(copy, "fx"), store), store);

  await Deno.writeTextFile(join(stagesDir, "scale.ts"), "\n// an edit\n", { append: true });
  const p = await plan(copy, await load(copy, "fx"), store);
  const states = (stage: string) =>
    p.nodes.filter((n) => n.stage === stage).map((n) => describeState(n.state));
  assert.deepEqual(states("source"), ["cached", "cached", "cached"]);
  assert.deepEqual(
    new Set(states("scale")),
    new Set(["code changed: tests/fixtures/stages/scale.ts"]),
  );
  assert.deepEqual(new Set(states("slow")), new Set(["input changed: scaled"]));
  assert.deepEqual(states("summarize"), ["input changed: results"]);
  const result = await run(copy, p, store);
  assert.deepEqual(result.entry.counts, { hit: 3, ran: 7 });

  // A module every stage imports: everything recomputes.
  await Deno.writeTextFile(join(stagesDir, "_lib/numbers.ts"), "\n// shared edit\n", {
    append: true,
  });
  const all = await plan(copy, await load(copy, "fx"), store);
  assert.ok(all.nodes.every((n) => n.state.status === "run"));
  await Deno.remove(root, { recursive: true });
  await Deno.remove(store.dir, { recursive: true });
});

Deno.test("a corrupt artifact is a miss with a warning, and is recomputed", async () => {
  const store = openStore(project, await tempStore());
  const first = await plan(project, await load(project, "fx"), store);
  await run(project, first, store);
  const scale = nodeOf(first, "scale", "base")!;
  const slow = nodeOf(first, "slow", "base")!;
  const file = join(store.artifactDir(scale.key), "scaled.json");
  const text = await Deno.readTextFile(file);
  await Deno.writeTextFile(file, text.replace(/\d/, (d) => String((Number(d) + 1) % 10))); // same size
  await Deno.writeTextFile(join(store.artifactDir(slow.key), "result.json"), "{");
  const warnings: string[] = [];
  const p = await plan(project, await load(project, "fx"), store, {
    onWarn: (w) => warnings.push(w),
  });
  assert.equal(
    describeState(nodeOf(p, "scale", "base")!.state),
    "artifact corrupt (file scaled.json was altered (sha256))",
  );
  assert.match(
    describeState(nodeOf(p, "slow", "base")!.state),
    /^artifact corrupt \(file result\.json has 1 bytes/,
  );
  assert.equal(warnings.length, 2);
  const result = await run(project, p, store);
  assert.deepEqual(result.entry.counts, { hit: 8, ran: 2 });
  assert.equal(await Deno.readTextFile(file), text);
  await Deno.remove(store.dir, { recursive: true });
});

Deno.test("--jobs workers give byte-identical artifacts to an in-process run", async () => {
  const a = openStore(project, await tempStore());
  const b = openStore(project, await tempStore());
  const pa = await plan(project, await load(project, "fx"), a);
  const pb = await plan(project, await load(project, "fx"), b);
  const entry = fileURLToPath(new URL("./fixtures/main.ts", import.meta.url));
  assert.ok((await run(project, pa, a)).ok);
  const workers = await run(project, pb, b, { jobs: 2, workerEntry: entry });
  assert.ok(workers.ok, JSON.stringify([...workers.outcomes.values()]));
  assert.equal(workers.entry.executor, "subprocess×2");
  for (const node of pa.nodes) {
    const [va, vb] = [await a.verify(node.key), await b.verify(node.key)];
    assert.ok(va.status === "ok" && vb.status === "ok");
    const stable = (files: Record<string, { sha256: string }>) =>
      Object.entries(files).filter(([f]) => f !== "timing.json").map(([f, e]) =>
        `${f}:${e.sha256}`
      );
    assert.deepEqual(stable(vb.manifest.files), stable(va.manifest.files), node.stage);
  }
  await Deno.remove(a.dir, { recursive: true });
  await Deno.remove(b.dir, { recursive: true });
});

Deno.test("gc removes what no experiment reaches and keeps the ledger", async () => {
  const store = openStore(project, await tempStore());
  await run(project, await plan(project, await load(project, "fx"), store), store);
  const swept = await plan(project, await load(project, "fx", { set: ["scale.factor=7"] }), store);
  await run(project, swept, store);
  const keep = await reachableKeys(project, store);
  const dry = await collectGarbage(store, keep, true);
  const removed = dry.filter((i) => i.kind === "artifact");
  // factor=7 created new scale, slow and summarize nodes (3 + 3 + 1); source is shared.
  assert.equal(removed.length, 7);
  assert.ok(removed.every((i) => ["scale", "slow", "summarize"].includes(i.stage)));
  assert.equal((await store.verify(removed[0].key)).status, "ok", "dry run deletes nothing");
  await collectGarbage(store, keep);
  assert.equal((await store.verify(removed[0].key)).status, "missing");
  const again = await plan(project, await load(project, "fx"), store);
  assert.ok(again.nodes.every((n) => n.state.status === "cached"));
  assert.ok((await Deno.readTextFile(store.ledgerPath)).split("\n").length >= 3);
  await Deno.remove(store.dir, { recursive: true });
});
