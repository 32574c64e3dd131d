/**
 * Resolves the params every stage of one run sees: stage defaults, filled by same-named
 * globals, overridden by explicit stage params; then validated with the full (strict) stage
 * schema and passed through the stage's `resolve`, so the cache key holds effective values.
 *
 * @module
 */
import { canonicalJson } from "../common/hash.ts";
import { errorMessage, type IssueList, type PathSegment } from "../common/errors.ts";
import { type Layer, mergeLayers } from "./experiment_layer.ts";
import type { Project } from "../project.ts";

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
  /**
   * The `--set` layer and the run's layer without it: a stage whose params resolve only
   * without the `--set` values has its problem blamed on them, not on the file.
   */
  readonly sets?: { readonly overrides: Layer; readonly without: Layer };
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
    const blame = at.sets && blameSet(project, name, at.sets.overrides, at.sets.without);
    if (blame) {
      issues.add("--set", blame.path, `with ${blame.flag}, ${errorMessage(e)}${blame.works}`);
    } else issues.add(at.source, path, `cannot resolve the "${name}" params: ${errorMessage(e)}`);
    return undefined;
  }
}

/** The stage's params from a layer, resolved; undefined when they do not validate or resolve. */
function tryResolve(project: Project, name: string, layer: Layer) {
  const globals = project.globals.safeParse(layer.globals);
  if (!globals.success) return undefined;
  const stage = project.registry[name];
  const explicit = layer.params[name] ?? {};
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(stage.params.shape)) {
    if (key in explicit) input[key] = explicit[key];
    else if (key in (globals.data as object)) {
      input[key] = (globals.data as Record<string, unknown>)[key];
    }
  }
  const parsed = stage.params.safeParse(input);
  if (!parsed.success) return undefined;
  try {
    return stage.resolve ? stage.resolve(parsed.data) : parsed.data;
  } catch {
    return undefined;
  }
}

/**
 * When the stage's params resolve without the `--set` values that reach it but not with them,
 * those flags caused the problem: name them, and for a single integer flag, the nearest values
 * that work.
 */
function blameSet(project: Project, name: string, overrides: Layer, without: Layer) {
  const shape = project.registry[name].params.shape;
  const keys: { key: string; path: PathSegment[]; value: unknown; global: boolean }[] = [
    ...Object.entries(overrides.params[name] ?? {}).map(([p, value]) => ({
      key: `${name}.${p}`,
      path: [name, p],
      value,
      global: false,
    })),
    ...Object.entries(overrides.globals)
      .filter(([g]) => g in shape && !(g in (overrides.params[name] ?? {})))
      .map(([g, value]) => ({ key: g, path: [g], value, global: true })),
  ];
  if (keys.length === 0 || tryResolve(project, name, without) === undefined) return undefined;
  const flag = keys.map((k) => `${k.key}=${canonicalJson(k.value)}`).join(" and ");
  let works = "";
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only && Number.isInteger(only.value)) {
    const v = only.value as number;
    const found: number[] = [];
    for (let d = 1; d <= Math.max(50, 2 * Math.abs(v)) && found.length < 2; d++) {
      for (const c of [v - d, v + d]) {
        if (found.length >= 2) break;
        const layer = mergeLayers(
          without,
          only.global
            ? { globals: { [only.key]: c }, params: {} }
            : { globals: {}, params: { [name]: { [only.path[1]]: c } } },
        );
        if (tryResolve(project, name, layer) !== undefined) found.push(c);
      }
    }
    if (found.length > 0) {
      works = `; ${only.key}=${found.sort((a, b) => a - b).join(" or ")} works`;
    }
  }
  return { path: keys[0].path, flag, works };
}
