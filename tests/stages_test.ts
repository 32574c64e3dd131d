/**
 * Applies the stage contract suite to EVERY stage registered in stages/mod.ts. Registering a
 * stage is enough to have it checked; tune it in tests/stage_fixtures.ts.
 */
import assert from "node:assert/strict";
import { ExperimentError, formatIssue } from "../pipeline/errors.ts";
import { loadExperiment } from "../pipeline/experiment.ts";
import { openProject } from "../pipeline/project.ts";
import { globals, registry } from "../stages/mod.ts";
import { runStageContract } from "./stage_contract.ts";
import { fixtureFor } from "./stage_fixtures.ts";

const project = () => openProject({ root: new URL("../", import.meta.url), registry, globals });

for (const stage of Object.values(registry)) {
  runStageContract(stage, fixtureFor(stage.name), project);
}

Deno.test("a bad cadence in --set fails validation, before any stage runs", async () => {
  const err = await loadExperiment(project(), "quick", { set: ["train.evalEvery=250"] }).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(err instanceof ExperimentError, String(err));
  const lines = err.issues.map(formatIssue);
  assert.ok(
    lines.some((l: string) => /train: cannot resolve the "train" params: evalEvery 250/.test(l)),
    lines.join("\n"),
  );
});
