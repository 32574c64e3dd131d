import assert from "node:assert/strict";
import { canonicalJson, hashFile, hashJson, sha256Hex } from "./hash.ts";

Deno.test("canonicalJson sorts keys at every depth and drops undefined", () => {
  const a = canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } });
  assert.deepEqual(a, '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
});

Deno.test("hashJson is independent of key order", () => {
  assert.deepEqual(hashJson({ x: 1, y: "a" }), hashJson({ y: "a", x: 1 }));
});

Deno.test("canonicalJson rejects NaN and functions", () => {
  assert.throws(() => canonicalJson({ a: NaN }), TypeError);
  assert.throws(() => canonicalJson({ a: () => 1 }), TypeError);
});

Deno.test("hashFile matches sha256 of the bytes", async () => {
  const dir = await Deno.makeTempDir();
  const bytes = new TextEncoder().encode("hello\n");
  await Deno.writeFile(`${dir}/f`, bytes);
  assert.deepEqual(await hashFile(`${dir}/f`), { sha256: sha256Hex(bytes), size: 6 });
  await Deno.remove(dir, { recursive: true });
});
