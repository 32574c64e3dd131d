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
    message: 'invalid JSONC: expected "," between entries (CommaExpected)',
    line: 3,
    column: 3,
  });
});

Deno.test("parseJsonc: an unclosed brace is one problem naming where it opened", () => {
  const issues = parseJsonc('{\n  "a": {\n    "b": 1,\n', "x.jsonc");
  assert.ok(Array.isArray(issues));
  assert.deepEqual(issues.map((i) => [i.line, i.message]), [
    [4, "invalid JSONC: expected a key in double quotes (PropertyNameExpected)"],
  ]);
  const two = parseJsonc('{\n  "a": {\n    "b": 1\n', "x.jsonc");
  assert.ok(Array.isArray(two));
  assert.deepEqual(two.map((i) => i.message), [
    'invalid JSONC: expected "}": the "{" at line 2, column 8 is never closed (CloseBraceExpected)',
  ]);
});

Deno.test("parseJsonc caps syntax errors at 5 and counts the rest", () => {
  const issues = parseJsonc(`{${" @".repeat(40)} }`, "x.jsonc");
  assert.ok(Array.isArray(issues));
  assert.equal(issues.length, 6);
  assert.equal(issues[5].message, "… and 35 more syntax errors in this file");
});

Deno.test("parseJsonc: a binary file is one problem", () => {
  const issues = parseJsonc("\u007fELF\u0002\u0001\u0001\u0000\u0000 garbage {", "x.jsonc");
  assert.ok(Array.isArray(issues));
  assert.deepEqual(issues.map((i) => i.message), [
    "not a text file (a NUL byte at offset 7): expected a JSONC experiment file",
  ]);
});

Deno.test("parseJsonc: 1e400 is not a finite number (not a silent null)", () => {
  const issues = parseJsonc('{ "a": { "lr": 1e400 } }', "x.jsonc");
  assert.ok(Array.isArray(issues));
  assert.deepEqual(issues.map((i) => [i.path, i.message]), [
    [
      ["a", "lr"],
      "not a finite number: 1e400 overflows a 64-bit float (the largest is about 1.8e308)",
    ],
  ]);
});
