import assert from "node:assert/strict";
import { ExperimentError, formatIssue, formatPath } from "./errors.ts";

Deno.test("formatPath quotes keys that are not identifiers", () => {
  assert.deepEqual(
    formatPath(["variants", "kp", "params", "train", "steps"]),
    "variants.kp.params.train.steps",
  );
  assert.deepEqual(formatPath(["matrix", "train.steps", 2]), 'matrix["train.steps"][2]');
  assert.deepEqual(formatPath([]), "");
});

Deno.test("ExperimentError lists every issue", () => {
  const e = new ExperimentError([
    { source: "a.jsonc", path: ["seed"], message: "bad", line: 2, column: 3 },
    { source: "--set", path: ["train", "x"], message: "unknown" },
  ]);
  assert.match(e.message, /2 problems found/);
  assert.deepEqual(formatIssue(e.issues[0]), "a.jsonc:2:3 seed: bad");
  assert.deepEqual(formatIssue(e.issues[1]), "--set train.x: unknown");
});
