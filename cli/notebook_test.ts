import assert from "node:assert/strict";
import { join } from "node:path";
import { isCachedDeno, stableDeno, storeDir } from "./notebook.ts";

Deno.test("notebook: a deno in npx's cache is not what the kernelspec should start", async () => {
  const npx = "/home/u/.npm/_npx/7a40be787520bede/node_modules/deno/deno";
  assert.equal(isCachedDeno(npx), true);
  assert.equal(isCachedDeno("/usr/local/bin/deno"), false);
  assert.equal(isCachedDeno("/home/u/.deno/bin/deno"), false);
  const dir = await Deno.makeTempDir();
  const bin = join(dir, "bin");
  await Deno.mkdir(bin);
  await Deno.writeTextFile(join(bin, "deno"), "");
  // From npx: the deno on PATH; with none there, ~/.deno/bin/deno; with neither, undefined.
  assert.equal(stableDeno(npx, `/nonexistent:${bin}`, "/nohome"), join(bin, "deno"));
  await Deno.mkdir(join(dir, ".deno", "bin"), { recursive: true });
  await Deno.writeTextFile(join(dir, ".deno", "bin", "deno"), "");
  assert.equal(stableDeno(npx, "/nonexistent", dir), join(dir, ".deno", "bin", "deno"));
  assert.equal(stableDeno(npx, "/nonexistent", "/nohome"), undefined);
  assert.equal(stableDeno("/usr/local/bin/deno", "", ""), "/usr/local/bin/deno");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("notebook: --execute writes into the store it was given, not ./.cache", () => {
  assert.equal(storeDir("/tmp/s", undefined), "/tmp/s");
  assert.equal(storeDir(undefined, "/tmp/env-store"), "/tmp/env-store");
  assert.match(storeDir(undefined, undefined), /\/\.cache$/);
});

Deno.test("notebook: a misspelt flag is a usage error with a suggestion (exit 2)", async () => {
  const { run } = await import("./notebook.ts");
  const lines: string[] = [], error = console.error;
  console.error = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    assert.equal(await run(["--exectue"]), 2);
  } finally {
    console.error = error;
  }
  assert.match(lines.join("\n"), /unknown flag --exectue; did you mean "--execute"\?/);
});
