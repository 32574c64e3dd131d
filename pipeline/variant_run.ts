/**
 * Resolves the params every stage of one run sees: stage defaults, filled by same-named
 * globals, overridden by explicit stage params; then validated with the full (strict) stage
 * schema and passed through the stage's `resolve`, so the cache key holds effective values.
 *
 * @module
 */
import { canonicalJson } from "./hash.ts";
import { errorMessage, type IssueList, type PathSegment } from "./errors.ts";
import type { Layer } from "./layer.ts";
import type { Project } from "./project.ts";

/** One chain through the per-variant stages: a variant, possibly one cell of its matrix. */
export interface VariantRun {
  /** Unique label, e.g. `keypointgan[priorSize=50]`. */
  readonly label: string;
  /** The variant's name in the file (`keypointgan`). */
  readonly name: string;
  readonly description?: string;
  /** The matrix assignment of this run (empty without a matrix). */
  readonly cell: readonly [string, unknown][];
  /** Everything set explicitly for this run (file, variant, cell, --set merged). */
  readonly layer: Layer;
  /** Resolved params of each per-variant stage. */
  readonly params: Readonly<Record<string, Record<string, unknown>>>;
}

/** Where issues about a run go: the experiment file and the variant's path in it. */
export interface RunAt {
  readonly source: string;
  readonly prefix: readonly PathSegment[];
}

/**
 * Resolved params of every stage of one level: the per-variant stages when `run` is given,
 * the experiment-level (fan-in) stages otherwise.
 */
export function resolveRunParams(
  project: Project,
  run: { label: string } | undefined,
  layer: Layer,
  at: RunAt,
  issues: IssueList,
): Record<string, Record<string, unknown>> {
  const level = run === undefined ? "experiment" : "variant";
  const globals = project.globals.safeParse(layer.globals);
  if (!globals.success) {
    for (const i of globals.error.issues) {
      issues.add(at.source, [...at.prefix, ...i.path as PathSegment[]], i.message);
    }
    return {};
  }
  const out: Record<string, Record<string, unknown>> = {};
  for (const stage of project.order) {
    if (project.levels.get(stage) !== level) continue;
    const params = stageParams(
      project,
      stage,
      layer,
      globals.data as Record<string, unknown>,
      at,
      issues,
    );
    if (params !== undefined) out[stage] = params;
  }
  return out;
}

function stageParams(
  project: Project,
  name: string,
  layer: Layer,
  globals: Record<string, unknown>,
  at: RunAt,
  issues: IssueList,
) {
  const stage = project.registry[name];
  const explicit = layer.params[name] ?? {};
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(stage.params.shape)) {
    if (key in explicit) input[key] = explicit[key];
    else if (key in globals) input[key] = globals[key];
  }
  const path = [...at.prefix, "params", name];
  const parsed = stage.params.safeParse(input);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const key = i.path[0] as string | undefined;
      const fromGlobal = key !== undefined && !(key in explicit) && key in globals
        ? ` (value of global "${key}")`
        : "";
      issues.add(at.source, [...path, ...i.path as PathSegment[]], i.message + fromGlobal);
    }
    return undefined;
  }
  try {
    const resolved = stage.resolve ? stage.resolve(parsed.data) : parsed.data;
    canonicalJson(resolved); // params must be hashable JSON
    return resolved as Record<string, unknown>;
  } catch (e) {
    issues.add(at.source, path, `cannot resolve the "${name}" params: ${errorMessage(e)}`);
    return undefined;
  }
}
