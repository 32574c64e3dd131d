/**
 * Sweeps: a `matrix` maps `"<stage>.<param>"` or `"<global>"` to a list of values and expands
 * a variant into one run per combination, labelled `variant[key=value,…]`.
 *
 * @module
 */
import { canonicalJson } from "../common/hash.ts";
import {
  type At,
  checkGlobal,
  checkParam,
  experimentLevelMessage,
  globalNames,
  isRecord,
  type Layer,
  typeName,
} from "./experiment_layer.ts";
import type { Project } from "../project.ts";
import { hint } from "../common/suggest.ts";

/** A validated matrix: key → values (`null` removes an inherited key). */
export type Matrix = Record<string, readonly unknown[] | null>;

/** Validates a matrix object at `at.path`; returns its valid entries. */
export function checkMatrix(project: Project, matrix: unknown, at: At): Matrix {
  const out: Matrix = {};
  if (!isRecord(matrix)) {
    at.issues.add(at.source, at.path, `expected an object of sweeps, received ${typeName(matrix)}`);
    return out;
  }
  for (const [key, values] of Object.entries(matrix)) {
    const path = [...at.path, key];
    if (values === null) {
      out[key] = null;
      continue;
    }
    if (!checkKey(project, key, { ...at, path })) continue;
    if (!Array.isArray(values) || values.length === 0) {
      at.issues.add(
        at.source,
        path,
        `expected a non-empty array of values, received ${
          Array.isArray(values) ? "an empty array" : typeName(values)
        }`,
      );
      continue;
    }
    if (
      values.every((v, i) => checkValue(project, key, v, values, { ...at, path: [...path, i] }))
    ) {
      out[key] = values;
    }
  }
  return out;
}

function checkKey(project: Project, key: string, at: At): boolean {
  const dot = key.indexOf(".");
  if (dot < 0) {
    if (key in project.globals.shape) return true;
    const names = [...globalNames(project), ...stageParamKeys(project)];
    at.issues.add(at.source, at.path, `unknown global "${key}"${hint(key, names)}`);
    return false;
  }
  const [stage, param] = [key.slice(0, dot), key.slice(dot + 1)];
  if (!(stage in project.registry)) {
    at.issues.add(at.source, at.path, `unknown stage "${stage}"${hint(stage, project.order)}`);
    return false;
  }
  if (project.levels.get(stage) === "experiment") {
    at.issues.add(at.source, at.path, experimentLevelMessage(stage, "it cannot be swept"));
    return false;
  }
  if (!(param in project.registry[stage].params.shape)) {
    const names = Object.keys(project.registry[stage].params.shape);
    at.issues.add(
      at.source,
      at.path,
      `unknown param "${param}" of stage "${stage}"${hint(param, names)}`,
    );
    return false;
  }
  return true;
}

function stageParamKeys(project: Project): string[] {
  return project.order.flatMap((s) =>
    Object.keys(project.registry[s].params.shape).map((p) => `${s}.${p}`)
  );
}

function checkValue(project: Project, key: string, v: unknown, all: unknown[], at: At): boolean {
  const index = at.path[at.path.length - 1] as number;
  if (all.findIndex((w) => sameJson(v, w)) !== index) {
    at.issues.add(at.source, at.path, `duplicate value ${canonicalJson(v)}`);
    return false;
  }
  // Validate against the field schema, reporting under matrix[key][i] rather than the field name.
  const probe: At = { ...at, path: [] };
  const before = at.issues.items.length;
  const dot = key.indexOf(".");
  const ok = dot < 0
    ? checkGlobal(project, key, v, probe)
    : checkParam(project, key.slice(0, dot), key.slice(dot + 1), v, probe);
  for (let i = before; i < at.issues.items.length; i++) {
    const issue = at.issues.items[i];
    at.issues.items[i] = { ...issue, path: [...at.path, ...issue.path.slice(1)] };
  }
  return ok;
}

function sameJson(a: unknown, b: unknown): boolean {
  try {
    return canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
}

/** Every combination of the matrix values, keys in declaration order (first key varies slowest). */
export function matrixCells(
  matrix: Readonly<Record<string, readonly unknown[]>>,
): [string, unknown][][] {
  let cells: [string, unknown][][] = [[]];
  for (const [key, values] of Object.entries(matrix)) {
    cells = cells.flatMap((cell) => values.map((v) => [...cell, [key, v] as [string, unknown]]));
  }
  return cells;
}

/** The layer a matrix cell sets. */
export function cellLayer(cell: readonly [string, unknown][]): Layer {
  const globals: Record<string, unknown> = {};
  const params: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of cell) {
    const dot = key.indexOf(".");
    if (dot < 0) globals[key] = value;
    else (params[key.slice(0, dot)] ??= {})[key.slice(dot + 1)] = value;
  }
  return { globals, params };
}

/** `keypointgan[priorSize=50,seed=1]`; the bare label when the cell is empty. */
export function cellLabel(label: string, cell: readonly [string, unknown][]): string {
  if (cell.length === 0) return label;
  const parts = cell.map(([k, v]) => `${k}=${typeof v === "string" ? v : canonicalJson(v)}`);
  return `${label}[${parts.join(",")}]`;
}
