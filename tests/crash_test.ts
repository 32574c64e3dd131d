/**
 * Process-level guarantees, with real subprocesses of the fixture CLI:
 * kill -9 mid-stage leaves no artifact that looks complete and a re-run resumes and finishes;
 * Ctrl-C exits 130 with a summary; two runs on one store at once compute each node once.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { load, nodeOf, openStore, plan, run } from "../pipeline/api.ts";
import { readLedger } from "../pipeline/run/ledger.ts";
import { lines } from "../pipeline/run/channel.ts";
import { fixtureProject, tempStore } from "./fixtures/project.ts";

const MAIN = fileURLToPath(new URL("./fixtures/main.ts", import.meta.url));
const project = fixtureProject();

function spawnCli(args: string[]) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
}

/** Collects the child's stderr lines in the background; `waitFor` resolves on a match. */
function watch(child: Deno.ChildProcess) {
  const seen: string[] = [];
  let ended = false;
  const done = (async () => {
    for await (const line of lines(child.stderr)) seen.push(line);
    ended = true;
  })();
  const waitFor = async (pattern: RegExp) => {
    while (!seen.some((l) => pattern.test(l))) {
      if (ended) throw new Error(`exited before printing ${pattern}:\n${seen.join("\n")}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { seen, done, waitFor };
}

async function slowKey(store: string) {
  const p = await plan(project, await load(project, "fx_slow"), openStore(project, store));
  return nodeOf(p, "slow")!.key;
}

Deno.test("kill -9 mid-stage: nothing looks complete; a re-run resumes and finishes", async () => {
  const dir = await tempStore();
  const store = openStore(project, dir);
  const key = await slowKey(dir);
  const child = spawnCli(["run", "fx_slow", "--store", dir, "--jobs", "1"]);
  const out = watch(child);
  await out.waitFor(/slow · default [2-8]\d%/);
  child.kill("SIGKILL");
  await child.status;
  await out.done;
  await child.stdout.cancel();

  assert.equal((await store.verify(key)).status, "missing");
  const saved = JSON.parse(await Deno.readTextFile(join(store.workDir(key), "state.json")));
  assert.ok(saved.step >= 8 && saved.step < 40, `checkpoint at step ${saved.step}`);
  assert.ok(
    await Deno.stat(store.lockPath(key)).then(() => true),
    "the dead run's lock is left behind",
  );

  const p = await plan(project, await load(project, "fx_slow"), store);
  assert.match(JSON.stringify(nodeOf(p, "slow")!.state), /"resumes":true/);
  const result = await run(project, p, store);
  assert.ok(result.ok);
  const outcome = result.outcomes.get(key)!;
  assert.equal(outcome.status, "ran");
  assert.ok(Number(outcome.summary?.resumedFrom) >= saved.step);
  assert.equal((await store.verify(key)).status, "ok");
  assert.equal(await Deno.stat(store.workDir(key)).then(() => true, () => false), false);

  // The resumed result equals an uninterrupted run's.
  const fresh = openStore(project, await tempStore());
  await run(project, await plan(project, await load(project, "fx_slow"), fresh), fresh);
  const read = (s: typeof store) => Deno.readTextFile(join(s.artifactDir(key), "result.json"));
  assert.equal(await read(store), await read(fresh));
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(fresh.dir, { recursive: true });
});

for (const jobs of ["1", "2"]) {
  Deno.test(`Ctrl-C (--jobs ${jobs}) stops the run, exits 130 with a summary; a re-run resumes`, async () => {
    const dir = await tempStore();
    const child = spawnCli(["run", "fx_slow", "--store", dir, "--jobs", jobs]);
    const out = watch(child);
    await out.waitFor(/slow · default [1-8]\d%/);
    child.kill("SIGINT");
    const { code } = await child.status;
    await out.done;
    await child.stdout.cancel();
    const rest = out.seen.join("\n");
    assert.equal(code, 130);
    assert.match(rest, /interrupting/);
    assert.match(rest, /│ slow\s+│ default\s+│ aborted/);
    const ledger = await readLedger(join(dir, "ledger.jsonl"));
    assert.equal(ledger.at(-1)?.status, "interrupted");
    const store = openStore(project, dir);
    const p = await plan(project, await load(project, "fx_slow"), store);
    const again = await run(project, p, store);
    assert.ok(again.ok);
    const slow = again.outcomes.get(nodeOf(p, "slow")!.key)!;
    assert.ok(
      Number(slow.summary?.resumedFrom) > 0,
      "the interrupted stage resumes from its checkpoint",
    );
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("two runs on one store at once compute each node once", async () => {
  const dir = await tempStore();
  const args = ["run", "fx_slow", "--store", dir, "--jobs", "1", "--set", "slow.steps=20"];
  const [a, b] = [spawnCli(args), spawnCli(args)];
  const [ra, rb] = await Promise.all([a.output(), b.output()]);
  assert.equal(ra.code, 0, new TextDecoder().decode(ra.stderr));
  assert.equal(rb.code, 0, new TextDecoder().decode(rb.stderr));
  const ledger = await readLedger(join(dir, "ledger.jsonl"));
  assert.equal(ledger.length, 2);
  for (const stage of ["source", "scale", "slow"]) {
    const ran = ledger.flatMap((e) => e.nodes).filter((n) =>
      n.stage === stage && n.status === "ran"
    );
    assert.equal(ran.length, 1, `${stage} computed ${ran.length} times`);
  }
  await Deno.remove(dir, { recursive: true });
});
