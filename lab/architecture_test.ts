/**
 * The notebook API's seams (docs/notebook.md): `lab/` drives the engine only through its public
 * API (`pipeline/mod.ts`, the functions the CLI uses), so no notebook-only logic can creep into
 * it; and nothing but `cli/` (the commands) depends on `lab/`.
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { scanSpecifiers } from "../pipeline/plan/fingerprint.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SKIP = new Set(["node_modules", ".cache", ".git", "notebooks"]);

async function localImports(dir: string): Promise<{ file: string; target: string }[]> {
  const out: { file: string; target: string }[] = [];
  for await (const e of Deno.readDir(join(ROOT, dir))) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory && !SKIP.has(e.name)) out.push(...await localImports(rel));
    else if (e.isFile && /\.(ts|js)$/.test(e.name)) {
      for (const spec of scanSpecifiers(await Deno.readTextFile(join(ROOT, rel)))) {
        if (!spec.startsWith(".")) continue;
        out.push({ file: rel, target: relative(ROOT, resolve(dirname(join(ROOT, rel)), spec)) });
      }
    }
  }
  return out;
}

const all = await localImports("");

Deno.test("lab/ uses the engine only through pipeline/mod.ts", () => {
  const bad = all.filter((i) =>
    i.file.startsWith("lab/") && !i.file.endsWith("_test.ts") &&
    i.target.startsWith("pipeline/") && i.target !== "pipeline/mod.ts"
  );
  assert.deepEqual(bad.map((i) => `${i.file} imports ${i.target}`), []);
  assert.ok(all.some((i) => i.file === "lab/lab.ts" && i.target === "pipeline/mod.ts"));
});

Deno.test("only cli/, tests and benchmarks import lab/ (the engine, stages and science never do)", () => {
  const bad = all.filter((i) =>
    i.target.startsWith("lab/") && !i.file.startsWith("lab/") && !i.file.startsWith("cli/") &&
    !i.file.startsWith("tests/") && !i.file.startsWith("bench/")
  );
  assert.deepEqual(bad.map((i) => `${i.file} imports ${i.target}`), []);
});
