import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../tests/fixtures/main.ts", import.meta.url));

async function cli(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdin: "null",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("CLI: an invalid experiment exits 2, lists every issue, writes nothing", async () => {
  const parent = await Deno.makeTempDir();
  const dir = join(parent, "store");
  const r = await cli("run", "fx", "--store", dir, "--set", "scale.factr=2", "--set", "sead=1");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /2 problems found; nothing was run/);
  assert.match(
    r.stderr,
    /--set scale\.factr: unknown param "factr" of stage "scale"; did you mean "factor"\?/,
  );
  assert.match(r.stderr, /--set sead: unknown global "sead"; did you mean "seed"\?/);
  assert.equal(await Deno.stat(dir).then(() => true, () => false), false);
  await Deno.remove(parent, { recursive: true });
});

Deno.test("CLI: bad flags are usage errors (exit 2)", async () => {
  assert.equal((await cli("run", "--jobs", "0")).code, 2);
  assert.equal((await cli("run", "--frobnicate")).code, 2);
  assert.equal((await cli("nope")).code, 2);
  const typo = await cli("run", "fx", "--stor", "x");
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /run: unknown flag --stor; did you mean "--store"\?/);
  assert.doesNotMatch(typo.stderr, /To specify a positional argument/, "no raw parseArgs text");
  const runs = await cli("runs", "--jsn");
  assert.equal(runs.code, 2);
  assert.match(runs.stderr, /runs: unknown flag --jsn; did you mean "--json"\?/);
  assert.match((await cli("run", "--store")).stderr, /--store needs a value/);
});

Deno.test("CLI: --help per command", async () => {
  const run = await cli("run", "--help"), runs = await cli("runs", "--help");
  assert.equal(run.code, 0);
  assert.equal(runs.code, 0);
  assert.match(run.stdout, /^Usage: deno task ablation \[experiment\] \[flags\]/);
  assert.match(run.stdout, /--dry-run/);
  assert.match(runs.stdout, /^Usage: deno task runs \[id \[id\]\] \[--all\] \[--json\]/);
  assert.doesNotMatch(runs.stdout, /--dry-run/);
});

Deno.test("CLI: run, dry-run with reasons, failure summary, report, runs compare", async () => {
  const store = await Deno.makeTempDir();
  const ok = await cli("run", "fx", "--store", store, "-j", "1");
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /Fixture table\nbase\t\d+/);
  assert.match(ok.stderr, /10 ran — total/);

  const dry = await cli("run", "fx", "--store", store, "--dry-run", "--set", "slow.steps=4");
  assert.equal(dry.code, 0);
  assert.match(dry.stdout, /│ slow\s+│ base\s+│ [0-9a-f]{12} │ param steps 3→4\s+│/);
  assert.match(dry.stdout, /│ source\s+│ base\s+│ [0-9a-f]{12} │ cached\s+│/);

  const failed = await cli(
    "run",
    "fx",
    "--store",
    store,
    "-j",
    "1",
    "--set",
    "slow.failAt=0",
    "--variant",
    "base",
  );
  assert.equal(failed.code, 1);
  assert.match(
    failed.stderr,
    /✖ slow \(base\): failing on purpose at step 0\n\s+log: .*slow\.[0-9a-f]{12}\.log/,
  );
  assert.match(failed.stderr, /│ summarize\s+│ base\s+│ skipped/);

  const report = await cli("report", "fx", "--store", store);
  assert.equal(report.code, 0);
  assert.match(report.stdout, /Fixture table/);
  assert.doesNotMatch(report.stderr, /│ stage/, "nothing ran, so no summary table");

  const runs = await cli("runs", "--store", store);
  assert.match(runs.stdout, /│ fx\s+│ failed │ 0\/2\/2/);
  const ids = [...runs.stdout.matchAll(/\d{8}-\d{6}-[0-9a-f]{4}/g)].map((m) => m[0]);
  const compare = await cli("runs", "--store", store, ids[1], ids[0]);
  assert.equal(compare.code, 0);
  assert.match(compare.stdout, /│ slow\.failAt\s+│ base\s+│ 0\s+│ —\s+│/);
  const json = await cli("runs", "--store", store, ids[1], ids[0], "--json");
  assert.equal(JSON.parse(json.stdout).params[0].param, "slow.failAt");
  await Deno.remove(store, { recursive: true });
});

Deno.test("CLI: a store that is a file or cannot be written is a usage error before any work", async () => {
  const parent = await Deno.makeTempDir();
  const file = join(parent, "a-file");
  await Deno.writeTextFile(file, "");
  const r = await cli("run", "fx", "--store", file);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--store: .*a-file is not a directory/);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  const under = await cli("run", "fx", "--store", join(file, "store"));
  assert.equal(under.code, 2, under.stderr);
  assert.match(under.stderr, /--store: cannot write to the store .*a-file\/store: /);
  assert.equal(await Deno.readTextFile(file), "", "nothing written");
  await Deno.remove(parent, { recursive: true });
});
