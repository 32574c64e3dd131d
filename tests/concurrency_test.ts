/**
 * Concurrent runs on one store, with the real CLI and the real stages at the tiny tier
 * (issue 17 item 5): two runs of one experiment started a second apart plus a run of another
 * experiment sharing nodes all finish, compute every node once between them, and produce the
 * tables of a run made alone; `kill -9` of one of two runs leaves no stale lock and the other
 * finishes, resuming the killed run's checkpoint.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readLedger } from "../pipeline/run/ledger.ts";
import { Store } from "../pipeline/store/store.ts";
import { checkPrerequisites } from "../keypointgan/prerequisites.ts";
import { cli, type Proc } from "./fixtures/cli_process.ts";

/** The CLI's own first-run check (installs on a root apt machine, as the CLI would). */
const why = await checkPrerequisites([{ stage: "train", params: { backend: "auto" } }], () => {});
if (why) console.warn(`⚠ ${import.meta.url.split("/").pop()} skipped: ${why}`);
const SMOKE = fileURLToPath(new URL("../experiments/smoke.jsonc", import.meta.url));
/** Two chains of the smoke experiment that share data and η: ≈ 10 s alone on 2 cores. */
const VARIANTS = [
  "--variant",
  "keypointgan[prepare_data.dataset=cats]",
  "--variant",
  "supervised[prepare_data.dataset=cats]",
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Files in `<store>/locks/` (should be none once every run ended). */
async function locks(store: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(join(store, "locks"))) out.push(e.name);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out;
}

/** The bytes of the files a report and the evaluations of a run wrote, by artifact key. */
async function results(store: string, runId: string): Promise<Map<string, string>> {
  const s = new Store(store);
  const entry = (await readLedger(s.ledgerPath)).find((e) => e.id === runId)!;
  const out = new Map<string, string>();
  for (const n of entry.nodes) {
    const v = await s.verify(n.key);
    assert.equal(v.status, "ok", `${n.stage} ${n.key.slice(0, 12)} is ${v.status}`);
    if (v.status !== "ok") continue;
    const file = n.stage === "report" ? "tables.txt" : n.stage === "evaluate" ? "metrics.json" : "";
    if (file) out.set(`${n.stage} ${n.key}`, await Deno.readTextFile(join(v.dir, file)));
  }
  return out;
}

function runId(p: Proc): string {
  const line = p.stderr.find((l) => /^run \S+ recorded in /.test(l));
  assert.ok(line, p.stderr.join("\n"));
  return line.split(" ")[1];
}

Deno.test({
  ignore: why !== undefined,
  name: "three concurrent runs (same experiment twice, a second apart, and another sharing nodes)",
  sanitizeResources: false,
  async fn() {
    const store = await Deno.makeTempDir({ prefix: "kpg-conc-" });
    const alone = await Deno.makeTempDir({ prefix: "kpg-alone-" });
    const other = join(store, "..", `${store.split("/").pop()}-other.jsonc`);
    await Deno.writeTextFile(other, JSON.stringify({ extends: SMOKE, description: "another" }));
    try {
      const a = cli(["smoke", ...VARIANTS, "--jobs", "1", "--store", store]);
      await sleep(1000);
      const b = cli(["smoke", ...VARIANTS, "--jobs", "1", "--store", store]);
      const c = cli([other, VARIANTS[2], VARIANTS[3], "--jobs", "1", "--store", store]);
      const codes = await Promise.all([a.done, b.done, c.done]);
      assert.deepEqual(codes, [0, 0, 0], [a, b, c].map((p) => p.stderr.join("\n")).join("\n\n"));

      // Every node was computed by exactly one of the three runs.
      const entries = await readLedger(new Store(store).ledgerPath);
      assert.equal(entries.length, 3);
      const ran = new Map<string, number>();
      for (const e of entries) {
        for (const n of e.nodes) {
          assert.ok(n.status === "ran" || n.status === "hit", `${n.stage}: ${n.status}`);
          ran.set(n.key, (ran.get(n.key) ?? 0) + (n.status === "ran" ? 1 : 0));
        }
      }
      const twice = [...ran].filter(([, count]) => count !== 1);
      assert.deepEqual(twice, [], "each node computed once");
      const shared = entries[0].nodes.filter((n) => entries[2].nodes.some((m) => m.key === n.key));
      assert.ok(shared.length >= 4, "the other experiment shares data, η, training, evaluation");
      assert.deepEqual(await locks(store), [], "no lock left behind");

      // The same tables and metrics as a run made alone on an empty store.
      const solo = cli(["smoke", ...VARIANTS, "--jobs", "1", "--store", alone]);
      assert.equal(await solo.done, 0, solo.stderr.join("\n"));
      const expected = await results(alone, runId(solo));
      for (const p of [a, b]) assert.deepEqual(await results(store, runId(p)), expected);
      assert.ok([...expected.keys()].some((k) => k.startsWith("report")));
    } finally {
      await Deno.remove(store, { recursive: true });
      await Deno.remove(alone, { recursive: true });
      await Deno.remove(other);
    }
  },
});

Deno.test({
  ignore: why !== undefined,
  name: "kill -9 of one of two concurrent runs: the other takes the lock over and finishes",
  sanitizeResources: false,
  async fn() {
    const store = await Deno.makeTempDir({ prefix: "kpg-kill-" });
    // Long enough a training that the kill lands in it (tiny tier: 20 steps by default).
    const args = [
      "smoke",
      VARIANTS[0],
      VARIANTS[1],
      "--set",
      "train.steps=200",
      "--jobs",
      "1",
      "--store",
      store,
    ];
    try {
      const victim = cli(args);
      await victim.waitFor(/train · keypointgan\[prepare_data\.dataset=cats\] [1-9]\d?%/);
      const survivor = cli(args);
      await survivor.waitFor(/waiting: run \S+ \(pid \d+ on .*\) is computing this node/);
      victim.child.kill("SIGKILL");
      assert.equal((await victim.child.status).signal, "SIGKILL");
      assert.equal(await survivor.done, 0, survivor.stderr.join("\n"));
      assert.deepEqual(await locks(store), [], "no stale lock after the kill");
      const entries = await readLedger(new Store(store).ledgerPath);
      assert.equal(entries.length, 1, "the killed run recorded nothing");
      const train = entries[0].nodes.find((n) =>
        n.stage === "train" && n.variants.includes("keypointgan[prepare_data.dataset=cats]")
      )!;
      assert.equal(train.status, "ran");
      assert.ok(
        survivor.stderr.some((l) =>
          /train · keypointgan.* │ resumed from the checkpoint at step/.test(l)
        ),
        "the survivor resumed the killed run's checkpoint",
      );
      await results(store, entries[0].id); // every node of the survivor's run verifies
    } finally {
      await Deno.remove(store, { recursive: true });
    }
  },
});
