/**
 * `--set stage.param=value` and `--set global=value`: command-line overrides, validated like
 * file values (source `--set`). Values are parsed as JSON when they parse, else taken as strings.
 *
 * @module
 */
import type { IssueList } from "../common/errors.ts";
import { type At, checkGlobal, checkParam, type Layer } from "./experiment_layer.ts";
import type { Project } from "../project.ts";
import { hint } from "../common/suggest.ts";

/** Parses and validates `--set` flags into a layer. */
export function parseOverrides(
  project: Project,
  sets: readonly string[],
  issues: IssueList,
): Layer {
  const globals: Record<string, unknown> = {};
  const params: Record<string, Record<string, unknown>> = {};
  for (const flag of sets) {
    const eq = flag.indexOf("=");
    if (eq <= 0) {
      issues.add("--set", [flag], "expected stage.param=value or global=value");
      continue;
    }
    const [key, value] = [flag.slice(0, eq), parseValue(flag.slice(eq + 1))];
    const dot = key.indexOf(".");
    if (typeof value === "number" && !Number.isFinite(value)) {
      const path = dot < 0 ? [key] : [key.slice(0, dot), key.slice(dot + 1)];
      issues.add("--set", path, notFinite(flag.slice(eq + 1)));
      continue;
    }
    const at: At = { source: "--set", path: [], issues };
    if (dot < 0) {
      if (checkGlobal(project, key, value, at)) globals[key] = value;
      continue;
    }
    const [stage, param] = [key.slice(0, dot), key.slice(dot + 1)];
    if (!(stage in project.registry)) {
      issues.add("--set", [stage], `unknown stage "${stage}"${hint(stage, project.order)}`);
    } else if (checkParam(project, stage, param, value, { ...at, path: [stage] })) {
      (params[stage] ??= {})[param] = value;
    }
  }
  return { globals, params };
}

/** The message for a number that overflows a 64-bit float (JSON parses `1e400` as Infinity). */
export function notFinite(text: string): string {
  return `not a finite number: ${text} overflows a 64-bit float (the largest is about 1.8e308)`;
}

/** `200` → 200, `true` → true, `[1,2]` → [1,2], `"a"` → "a", `tiny` → "tiny". */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
