/**
 * A layer = the globals and stage params one place sets (experiment file top level, a variant,
 * one matrix cell, the `--set` flags). Here: validating a layer's values against the globals
 * schema and each stage's params schema, field by field, so every issue has an exact path.
 *
 * @module
 */
import type { z } from "zod";
import type { IssueList, PathSegment } from "../common/errors.ts";
import type { Project } from "../project.ts";
import { hint } from "../common/suggest.ts";

/** Values set by one source. Only keys present were set explicitly. */
export interface Layer {
  readonly globals: Readonly<Record<string, unknown>>;
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** A layer setting nothing. */
export const EMPTY_LAYER: Layer = { globals: {}, params: {} };

/** Where a value is validated: the source name and the path prefix in it. */
export interface At {
  readonly source: string;
  readonly path: readonly PathSegment[];
  readonly issues: IssueList;
}

/** Validates `value` against one zod field schema; reports zod's issues under `at.path`. */
export function checkField(schema: z.ZodType, value: unknown, at: At): boolean {
  const result = schema.safeParse(value);
  if (result.success) return true;
  for (const issue of result.error.issues) {
    const path = [...at.path, ...(issue.path as PathSegment[])];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        at.issues.add(at.source, [...path, key], `unknown key "${key}"`);
      }
    } else {
      const v = valueAt(value, issue.path as PathSegment[]);
      const infinite = typeof v === "number" && !Number.isFinite(v);
      at.issues.add(
        at.source,
        path,
        // zod says "expected number, received number" for a literal like 1e400 (= Infinity).
        infinite
          ? "not a finite number: it overflows a 64-bit float (max ≈ 1.8e308)"
          : issue.message,
      );
    }
  }
  return false;
}

function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let v = value;
  for (const seg of path) v = (v as Record<string | number, unknown> | undefined)?.[seg];
  return v;
}

/** Plain-object test (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A short name of a JSON value's type for "received …" messages. */
export function typeName(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

/** Validates one global's value; returns it (or undefined when invalid or unknown). */
export function checkGlobal(project: Project, name: string, value: unknown, at: At): boolean {
  const field = project.globals.shape[name] as z.ZodType | undefined;
  if (field === undefined) {
    at.issues.add(
      at.source,
      [...at.path, name],
      `unknown global "${name}"${hint(name, globalNames(project))}`,
    );
    return false;
  }
  return checkField(field, value, { ...at, path: [...at.path, name] });
}

/** Validates `params` (`{ stage: { param: value } }`) at `at.path`; returns the valid part. */
export function checkParams(project: Project, params: unknown, at: At, perVariant: boolean) {
  const out: Record<string, Record<string, unknown>> = {};
  if (!isRecord(params)) {
    at.issues.add(
      at.source,
      at.path,
      `expected an object keyed by stage name, received ${typeName(params)}`,
    );
    return out;
  }
  for (const [stage, values] of Object.entries(params)) {
    const path = [...at.path, stage];
    if (!(stage in project.registry)) {
      at.issues.add(at.source, path, `unknown stage "${stage}"${hint(stage, project.order)}`);
      continue;
    }
    if (perVariant && project.levels.get(stage) === "experiment") {
      at.issues.add(
        at.source,
        path,
        experimentLevelMessage(stage, "set its params at the top level"),
      );
      continue;
    }
    if (!isRecord(values)) {
      at.issues.add(
        at.source,
        path,
        `expected an object of "${stage}" params, received ${typeName(values)}`,
      );
      continue;
    }
    out[stage] = {};
    for (const [name, value] of Object.entries(values)) {
      if (checkParam(project, stage, name, value, { ...at, path })) out[stage][name] = value;
    }
  }
  return out;
}

/** Validates one stage param value. */
export function checkParam(project: Project, stage: string, name: string, value: unknown, at: At) {
  const shape = project.registry[stage].params.shape as Record<string, z.ZodType>;
  if (!(name in shape)) {
    const msg = `unknown param "${name}" of stage "${stage}"${hint(name, Object.keys(shape))}`;
    at.issues.add(at.source, [...at.path, name], msg);
    return false;
  }
  return checkField(shape[name], value, { ...at, path: [...at.path, name] });
}

/** The names of the globals. */
export function globalNames(project: Project): string[] {
  return Object.keys(project.globals.shape);
}

/** Message for a per-variant setting of a stage that runs once per experiment. */
export function experimentLevelMessage(stage: string, advice: string): string {
  return `stage "${stage}" runs once per experiment (it fans in over all variants): ${advice}`;
}

/** Merges layers left to right: later layers win per global and per stage param. */
export function mergeLayers(...layers: Layer[]): Layer {
  const globals: Record<string, unknown> = {};
  const params: Record<string, Record<string, unknown>> = {};
  for (const layer of layers) {
    Object.assign(globals, layer.globals);
    for (const [stage, values] of Object.entries(layer.params)) {
      params[stage] = { ...params[stage], ...values };
    }
  }
  return { globals, params };
}
