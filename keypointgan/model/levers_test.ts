import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { nonOfficialSettings } from "./levers.ts";

Deno.test("the official settings list nothing; each lever is named", () => {
  const official = {
    equivariance: 0,
    dNoise: 0,
    dMinibatchStd: false,
    dLrScale: 1,
    phiOutput: "linear",
    sigma: 0.2,
  };
  assertEquals(nonOfficialSettings(official), []);
  assertEquals(nonOfficialSettings({}), []);
  assertEquals(nonOfficialSettings({ ...official, equivariance: 1000, sigma: 0.4 }), [
    "equivariance λ 1000 (not the paper's method)",
    "β's σ 0.4 (the official code's default; its config sets 0.2)",
  ]);
  assertEquals(nonOfficialSettings({ variant: "supervised", equivariance: 1000 }), []);
  assertEquals(
    nonOfficialSettings({ dNoise: 0.2, dMinibatchStd: true, dLrScale: 0.2, phiOutput: "sigmoid" })
      .length,
    4,
  );
});
