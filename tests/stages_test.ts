/**
 * Applies the stage contract suite to EVERY stage registered in stages/mod.ts. Registering a
 * stage is enough to have it checked; tune it in tests/stage_fixtures.ts.
 */
import { openProject } from "../pipeline/project.ts";
import { globals, registry } from "../stages/mod.ts";
import { runStageContract } from "./stage_contract.ts";
import { fixtureFor } from "./stage_fixtures.ts";

const project = () => openProject({ root: new URL("../", import.meta.url), registry, globals });

for (const stage of Object.values(registry)) {
  runStageContract(stage, fixtureFor(stage.name), project);
}
