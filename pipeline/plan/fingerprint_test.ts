import assert from "node:assert/strict";
import { join } from "node:path";
import { Fingerprinter, scanSpecifiers } from "./fingerprint.ts";

Deno.test("scanSpecifiers finds runtime imports and skips type-only ones", () => {
  const code = `
import { a } from "./a.ts";
import type { T } from "./types.ts";
export type { U } from "./u.ts";
import {
  b,
  type C,
} from "../b.ts";
export { d } from "./d.ts";
import "./side.ts";
import * as z from "zod";
const m = await import("./dyn.ts");
const w = new URL("./weights.bin", import.meta.url);
import { readFile } from "node:fs";
`;
  assert.deepEqual(scanSpecifiers(code).sort(), [
    "../b.ts",
    "./a.ts",
    "./d.ts",
    "./dyn.ts",
    "./side.ts",
    "./weights.bin",
    "node:fs",
    "zod",
  ]);
});

Deno.test("Fingerprinter follows local imports transitively and pins packages", async () => {
  const root = await Deno.makeTempDir();
  await Deno.writeTextFile(
    join(root, "deno.json"),
    JSON.stringify({ imports: { zod: "npm:zod@4.1.12" } }),
  );
  await Deno.mkdir(join(root, "stages"));
  await Deno.mkdir(join(root, "lib"));
  await Deno.writeTextFile(
    join(root, "stages/s.ts"),
    'import "../lib/a.ts";\nimport { z } from "zod";\n',
  );
  await Deno.writeTextFile(join(root, "lib/a.ts"), 'export * from "./b.ts";\n');
  await Deno.writeTextFile(join(root, "lib/b.ts"), "export const b = 1;\n");
  await Deno.writeTextFile(join(root, "lib/unused.ts"), "export const u = 1;\n");
  const fp = new Fingerprinter(root).of(join(root, "stages/s.ts"));
  assert.deepEqual(Object.keys(fp.files), ["lib/a.ts", "lib/b.ts", "stages/s.ts"]);
  assert.deepEqual(fp.packages, { zod: "npm:zod@4.1.12" });

  // Editing a transitive dependency changes the hash; a fresh fingerprinter sees the same.
  await Deno.writeTextFile(join(root, "lib/b.ts"), "export const b = 2;\n");
  const after = new Fingerprinter(root).of(join(root, "stages/s.ts"));
  assert.notEqual(after.hash, fp.hash);
  assert.notEqual(after.files["lib/b.ts"], fp.files["lib/b.ts"]);
  assert.equal(after.files["stages/s.ts"], fp.files["stages/s.ts"]);
  await Deno.remove(root, { recursive: true });
});
