/**
 * Applies the stage contract suite to EVERY stage registered in stages/mod.ts. Registering a
 * stage is enough to have it checked; tune it in tests/stage_fixtures.ts.
 */
import assert from "node:assert/strict";
import { ExperimentError, formatIssue } from "../pipeline/common/errors.ts";
import { loadExperiment } from "../pipeline/experiment/experiment.ts";
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
  // Blamed on the flag, once (not on the file, once per run), with values that work.
  assert.deepEqual(lines, [
    "--set train.evalEvery: with train.evalEvery=250, evalEvery 250 must be a multiple of " +
    "logEvery 20 (e.g. 240 or 260, or set logEvery); train.evalEvery=240 or 260 works",
  ]);
});

Deno.test("a --set that breaks a derived cadence names the flag, not settings the user never wrote", async () => {
  // smoke (tiny tier): logEvery = min(5, steps) = 4 clashes with the tier's checkpointEvery 10.
  const err = await loadExperiment(project(), "smoke", { set: ["train.steps=4"] }).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(err instanceof ExperimentError, String(err));
  assert.deepEqual(err.issues.map(formatIssue), [
    "--set train.steps: with train.steps=4, checkpointEvery 10 must be a multiple of logEvery 4 " +
    "(e.g. 8 or 12, or set logEvery); train.steps=2 or 5 works",
  ]);
  // The values suggested do load.
  await loadExperiment(project(), "smoke", { set: ["train.steps=5"] });
});

Deno.test("a problem the file has without any --set is still the file's", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kpg-exp-" });
  try {
    const file = `${dir}/bad.jsonc`;
    await Deno.writeTextFile(
      file,
      `{ "extends": "smoke", "params": { "train": { "checkpointEvery": 7 } } }`,
    );
    const err = await loadExperiment(project(), file, { set: ["train.steps=20"] }).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(err instanceof ExperimentError, String(err));
    const lines = err.issues.map(formatIssue);
    assert.ok(
      lines.length >= 1 && lines.every((l: string) => l.startsWith(file)),
      lines.join("\n"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
