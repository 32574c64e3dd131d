/**
 * The import rules of docs/CONTRACTS.md, checked on the source files (runtime imports only:
 * `import type` is erased and allowed).
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { scanSpecifiers } from "../pipeline/plan/fingerprint.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SKIP = new Set(["node_modules", ".cache", ".git", "notebooks"]);

interface Import {
  readonly file: string;
  /** Repo-relative path for local imports, the specifier otherwise. */
  readonly target: string;
}

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(ROOT, dir))) {
    const rel = dir === "" ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory && !SKIP.has(e.name)) out.push(...await sources(rel));
    else if (e.isFile && /\.(ts|tsx|js|mjs)$/.test(e.name)) out.push(rel);
  }
  return out;
}

/** Drops whole-line comments (`// …`, JSDoc ` * …`): usage examples there are not imports. */
function withoutCommentLines(code: string): string {
  return code.split("\n").filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l)).join("\n");
}

async function imports(files: string[]): Promise<Import[]> {
  const out: Import[] = [];
  for (const file of files) {
    for (
      const spec of scanSpecifiers(withoutCommentLines(await Deno.readTextFile(join(ROOT, file))))
    ) {
      const local = spec.startsWith(".");
      out.push({
        file,
        target: local ? relative(ROOT, resolve(dirname(join(ROOT, file)), spec)) : spec,
      });
    }
  }
  return out;
}

const all = await imports(await sources(""));
const under = (dir: string) => all.filter((i) => i.file.startsWith(`${dir}/`));
const violations = (list: Import[], bad: (i: Import) => boolean) =>
  list.filter(bad).map((i) => `${i.file} imports ${i.target}`);

Deno.test("pipeline/ imports nothing from TF.js, keypointgan/, stages/ or reports/", () => {
  const bad = (i: Import) =>
    /^(@tensorflow\/|npm:@tensorflow)|^(keypointgan|stages|reports)\//.test(i.target);
  assert.deepEqual(violations(under("pipeline"), bad), []);
});

Deno.test("pipeline/ (non-test code) uses only zod, cli-table3, cli-progress, jsonc-parser and node:", () => {
  const allowed = /^(zod|cli-table3|cli-progress|jsonc-parser|node:.*|pipeline\/.*)$/;
  const code = under("pipeline").filter((i) =>
    !i.file.endsWith("_test.ts") && !i.file.includes("/testing/")
  );
  assert.deepEqual(violations(code, (i) => !allowed.test(i.target)), []);
});

Deno.test("only keypointgan/tf.ts imports @tensorflow/* at run time", () => {
  const bad = (i: Import) =>
    /^(npm:)?@tensorflow\//.test(i.target) && i.file !== "keypointgan/tf.ts";
  assert.deepEqual(violations(all, bad), []);
});

Deno.test("keypointgan/ imports neither pipeline/ nor stages/", () => {
  assert.deepEqual(
    violations(under("keypointgan"), (i) => /^(pipeline|stages)\//.test(i.target)),
    [],
  );
});

Deno.test("stages/ use the engine only through pipeline/stage.ts", () => {
  const bad = (i: Import) => i.target.startsWith("pipeline/") && i.target !== "pipeline/stage.ts";
  assert.deepEqual(violations(under("stages"), bad), []);
});

Deno.test("reports/ import no TF.js", () => {
  assert.deepEqual(
    violations(under("reports"), (i) => /@tensorflow\/|^keypointgan\/tf\.ts$/.test(i.target)),
    [],
  );
});

Deno.test("the scanner sees the rules' subjects (guards against an empty scan)", () => {
  assert.ok(under("pipeline").some((i) => i.target === "zod"));
  assert.ok(all.some((i) => i.file === "main.ts" && i.target === "cli/dispatch.ts"));
});
