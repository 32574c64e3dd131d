/**
 * The contract suite applied to the fixture stages (so it runs before any real stage exists),
 * and shown to FAIL for stages that break the contract.
 */
import assert from "node:assert/strict";
import { fixtureProject } from "./fixtures/project.ts";
import { globals } from "./fixtures/stages/mod.ts";
import { badRegistry } from "./fixtures/bad_stages/mod.ts";
import { openProject } from "../pipeline/project.ts";
import { checkStageContract, runStageContract } from "./stage_contract.ts";

for (const stage of Object.values(fixtureProject().registry)) {
  runStageContract(stage, { globals: { tier: "tiny" } }, () => fixtureProject());
}

const bad = () =>
  openProject({
    root: new URL("../", import.meta.url),
    registry: badRegistry,
    globals,
    stagesDir: new URL("./fixtures/bad_stages/", import.meta.url),
  });

Deno.test("the contract suite catches an undeclared output", async () => {
  const checks = await checkStageContract(badRegistry.leaky, {}, bad());
  const failed = checks.filter((c) => c.error);
  assert.equal(failed.length, 1);
  assert.match(failed[0].error!, /wrote undeclared file\(s\): secret\.txt/);
});

Deno.test("the contract suite catches non-deterministic outputs", async () => {
  const checks = await checkStageContract(badRegistry.noisy, {}, bad());
  const failed = checks.filter((c) => c.error);
  assert.deepEqual(failed.map((c) => c.property), ["the same seed gives the same output hashes"]);
});

Deno.test("the contract suite catches a param that does not reach the key", async () => {
  const checks = await checkStageContract(badRegistry.noisy, {
    change: { param: "seed", value: 0 },
  }, bad());
  assert.ok(checks.find((c) => c.property === "changing one param changes the key")?.error);
});
