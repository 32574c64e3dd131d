/**
 * Which run of the experiment a notebook cell means: a full label
 * (`keypointgan[prepare_data.dataset=humans]`), or a variant name narrowed by resolved params
 * (`{ variant: "keypointgan", where: { "prepare_data.dataset": "humans" } }`). The `where` form
 * reads the params the run actually resolves to, so it works whether the dataset comes from a
 * matrix, the variant or a default — the same cell runs on `smoke`, `quick` and `ablation`.
 *
 * @module
 */
import type { Experiment, Project, VariantRun } from "../pipeline/mod.ts";

/** Picks one run. */
export interface RunSelector {
  /** A run label, or a variant name (its matrix runs are then narrowed by `where`). */
  readonly variant?: string;
  /** `stage.param` (or a global name) → the value the run must resolve to. */
  readonly where?: Readonly<Record<string, unknown>>;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Does `run` resolve `key` (`stage.param`, or a global read by some stage) to `value`? */
function matches(run: VariantRun, key: string, value: unknown): boolean {
  const dot = key.indexOf(".");
  if (dot > 0) return same(run.params[key.slice(0, dot)]?.[key.slice(dot + 1)], value);
  const holders = Object.values(run.params).filter((p) => key in p);
  return holders.length > 0 && holders.every((p) => same(p[key], value));
}

/**
 * The label of the one run `sel` names for `stage`; undefined for experiment-level (fan-in)
 * stages, which run once. Throws, listing the candidates, when none or several match.
 */
export function selectRun(
  project: Project,
  exp: Experiment,
  stage: string,
  sel: RunSelector,
): string | undefined {
  if (project.levels.get(stage) === "experiment") return undefined;
  const byLabel = exp.runs.filter((r) => r.label === sel.variant);
  let runs = byLabel.length
    ? byLabel
    : exp.runs.filter((r) => sel.variant === undefined || r.name === sel.variant);
  for (const [k, v] of Object.entries(sel.where ?? {})) runs = runs.filter((r) => matches(r, k, v));
  if (runs.length === 1) return runs[0].label;
  const asked = [
    sel.variant ? `variant "${sel.variant}"` : "",
    sel.where ? `where ${JSON.stringify(sel.where)}` : "",
  ].filter(Boolean).join(" ") || "no variant";
  const list = (rs: readonly VariantRun[]) => rs.map((r) => `  ${r.label}`).join("\n");
  if (runs.length === 0) {
    throw new Error(
      `${asked} matches no run of "${exp.name}"; its runs are:\n${list(exp.runs)}`,
    );
  }
  throw new Error(
    `${asked} matches ${runs.length} runs of "${exp.name}"; name one (a label, or add ` +
      `where: { "prepare_data.dataset": … }):\n${list(runs)}`,
  );
}
