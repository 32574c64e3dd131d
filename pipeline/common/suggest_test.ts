import assert from "node:assert/strict";
import { closest, hint, levenshtein } from "./suggest.ts";

Deno.test("levenshtein counts edits", () => {
  assert.deepEqual(levenshtein("kitten", "sitting"), 3);
  assert.deepEqual(levenshtein("", "abc"), 3);
  assert.deepEqual(levenshtein("steps", "steps"), 0);
  assert.deepEqual(levenshtein("trian", "train"), 1);
});

Deno.test("closest finds plausible typos only", () => {
  assert.deepEqual(closest("stepz", ["steps", "seed", "lr"]), "steps");
  assert.deepEqual(closest("Seed", ["steps", "seed"]), "seed");
  assert.deepEqual(closest("learningRate", ["steps", "seed"]), undefined);
});

Deno.test("hint lists valid names when nothing is close", () => {
  assert.deepEqual(hint("zzz", ["a", "b"]), '; valid: "a", "b"');
  assert.deepEqual(hint("trian", ["train", "evaluate"]), '; did you mean "train"?');
});
