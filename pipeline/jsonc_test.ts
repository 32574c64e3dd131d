import assert from "node:assert/strict";
import { parseJsonc } from "./jsonc.ts";

Deno.test("parseJsonc accepts comments and trailing commas and locates keys", () => {
  const doc = parseJsonc('{\n  // c\n  "a": {\n    "b": [1, 2,],\n  },\n}\n', "x.jsonc");
  assert.ok(!Array.isArray(doc));
  assert.deepEqual(doc.value, { a: { b: [1, 2] } });
  assert.deepEqual(doc.locate(["a", "b"]), { line: 4, column: 5 });
  assert.deepEqual(doc.locate(["a", "b", 1]), { line: 4, column: 14 });
  // A missing key falls back to its nearest parent.
  assert.deepEqual(doc.locate(["a", "zz"]), { line: 3, column: 3 });
});

Deno.test("parseJsonc reports syntax errors with positions", () => {
  const issues = parseJsonc('{\n  "a": 1\n  "b": 2\n}', "x.jsonc");
  assert.ok(Array.isArray(issues));
  assert.deepEqual(issues[0], {
    source: "x.jsonc",
    path: [],
    message: "invalid JSONC: CommaExpected",
    line: 3,
    column: 3,
  });
});
