import assert from "node:assert/strict";
import { resolveTier } from "./params_schema.ts";

const base = { tier: "small", evalEvery: undefined } as Record<string, unknown> & { tier: string };

Deno.test("resolveTier fills the tier's cadences, which are multiples of logEvery", () => {
  const p = resolveTier({ ...base }, "steps", ["evalEvery"]);
  assert.equal(p.logEvery, 20);
  assert.equal((p.checkpointEvery as number) % 20, 0);
  assert.equal((p.evalEvery as number) % 20, 0);
});

Deno.test("resolveTier refuses an evalEvery that no metrics row would reach", () => {
  assert.throws(
    () => resolveTier({ ...base, evalEvery: 250 }, "steps", ["evalEvery"]),
    /evalEvery 250 must be a multiple of logEvery 20 \(e\.g\. 240 or 260, or set logEvery\)/,
  );
  assert.doesNotThrow(() => resolveTier({ ...base, evalEvery: 0 }, "steps", ["evalEvery"]));
});
