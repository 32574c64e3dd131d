import assert from "node:assert/strict";
import { list, parseRunFlags } from "./run_flags.ts";

Deno.test("--variant keeps a matrix label's commas and still splits a list of names", () => {
  assert.deepEqual(list(["a,b", "c"]), ["a", "b", "c"]);
  assert.deepEqual(
    list(["keypointgan[prepare_data.dataset=humans,seed=0],supervised"]),
    ["keypointgan[prepare_data.dataset=humans,seed=0]", "supervised"],
  );
  const flags = parseRunFlags([
    "quick",
    "--variant",
    "prior[prepare_data.dataset=faces,priorSize=50]",
  ]);
  assert.deepEqual(flags.variants, ["prior[prepare_data.dataset=faces,priorSize=50]"]);
});
