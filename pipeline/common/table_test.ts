import assert from "node:assert/strict";
import { bytes, duration, table, variantsCell } from "./table.ts";

Deno.test("formatters", () => {
  assert.equal(duration(0.25), "250ms");
  assert.equal(duration(12.34), "12.3s");
  assert.equal(duration(245), "4m05s");
  assert.equal(duration(7380), "2h03m");
  assert.equal(bytes(999), "999 B");
  assert.equal(bytes(3_400_000), "3.4 MB");
  assert.equal(variantsCell(["a"]), "a");
  assert.equal(variantsCell(["a", "b", "c", "d"]), "a, b +2");
  assert.equal(variantsCell(["a", "b", "c"], 3), "(all 3)");
});

Deno.test("table renders rows without colour codes", () => {
  const out = table(["stage", "state"], [["train", "cached"]]);
  assert.ok(out.includes("│ train │ cached │"));
  assert.ok(!out.includes("\x1b["));
});
