/**
 * Per-stage settings of the stage contract suite (tests/stage_contract.ts). Stage owners: add
 * an entry for your stage when the defaults below are too slow or need more (fewer steps,
 * a smaller dataset for the stages upstream of yours, a specific param to change).
 *
 * @module
 */
import type { StageFixture } from "./stage_contract.ts";

/** Applied to every stage; a stage's entry below is merged over it. */
export const DEFAULT_FIXTURE: StageFixture = { globals: { tier: "tiny" } };

/** Stage name → fixture. */
export const stageFixtures: Record<string, StageFixture> = {
  // train: { params: { train: { steps: 2 } } },
};

/** The fixture of `stage`: the default merged with its entry. */
export function fixtureFor(stage: string): StageFixture {
  const own = stageFixtures[stage] ?? {};
  return {
    ...DEFAULT_FIXTURE,
    ...own,
    globals: { ...DEFAULT_FIXTURE.globals, ...own.globals },
    params: { ...DEFAULT_FIXTURE.params, ...own.params },
  };
}
