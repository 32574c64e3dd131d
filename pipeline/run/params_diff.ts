/**
 * "What differs from the defaults" per variant run (CycleGAN's `[default: …]`, code-style §3.8):
 * the globals and stage params a run resolves to that differ from what an empty experiment
 * would resolve to. Keeps the ledger and comparison tables narrow.
 *
 * @module
 */
import { canonicalJson } from "../common/hash.ts";
import type { Plan } from "../plan/plan.ts";
import type { Project } from "../project.ts";
import { EXPERIMENT_LEVEL } from "../store/store_index.ts";

/** label (or `*`) → { "seed": 1, "train.steps": 200, … } for values that are not defaults. */
export function readRunParamsDiff(
  project: Project,
  plan: Plan,
): Record<string, Record<string, unknown>> {
  const defaults = defaultParams(project);
  const globalsDefault = project.globals.parse({}) as Record<string, unknown>;
  const out: Record<string, Record<string, unknown>> = {};
  const diff = (
    label: string,
    globals: Record<string, unknown>,
    params: Record<string, Record<string, unknown>>,
  ) => {
    const d: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(globals)) if (!same(v, globalsDefault[k])) d[k] = v;
    for (const [stage, values] of Object.entries(params)) {
      if (!plan.stages.includes(stage)) continue;
      for (const [k, v] of Object.entries(values)) {
        // A stage param that just carries its global (`train.seed` = `seed`) is implied.
        const implied = k in globalsDefault && same(v, { ...globalsDefault, ...globals }[k]);
        if (!implied && !same(v, defaults[stage]?.[k])) d[`${stage}.${k}`] = v;
      }
    }
    out[label] = d;
  };
  for (const run of plan.experiment.runs) diff(run.label, run.layer.globals, run.params);
  if (Object.keys(plan.experiment.params).length) {
    diff(EXPERIMENT_LEVEL, plan.experiment.base.globals, plan.experiment.params);
  }
  return out;
}

/** Each stage's params resolved from an empty experiment (defaults + default globals). */
function defaultParams(project: Project): Record<string, Record<string, unknown>> {
  const globals = project.globals.parse({}) as Record<string, unknown>;
  const out: Record<string, Record<string, unknown>> = {};
  for (const name of project.order) {
    const stage = project.registry[name];
    const input = Object.fromEntries(
      Object.keys(stage.params.shape).filter((k) => k in globals).map((k) => [k, globals[k]]),
    );
    const parsed = stage.params.safeParse(input);
    if (!parsed.success) continue;
    out[name] = (stage.resolve ? stage.resolve(parsed.data) : parsed.data) as Record<
      string,
      unknown
    >;
  }
  return out;
}

function same(a: unknown, b: unknown): boolean {
  try {
    return canonicalJson(a ?? null) === canonicalJson(b ?? null);
  } catch {
    return false;
  }
}
