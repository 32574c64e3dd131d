import assert from "node:assert/strict";
import { ExperimentError, formatIssue } from "../pipeline/errors.ts";
import { loadExperiment } from "../pipeline/experiment.ts";
import { openProject } from "../pipeline/project.ts";
import { resolveTier } from "./_model_params.ts";
import { globals, registry } from "./mod.ts";

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

Deno.test("a bad cadence in --set fails validation, before any stage runs", async () => {
  const project = openProject({ root: new URL("../", import.meta.url), registry, globals });
  const err = await loadExperiment(project, "quick", { set: ["train.evalEvery=250"] }).then(
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
