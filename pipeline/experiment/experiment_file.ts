/**
 * Validates ONE experiment file (before `extends` is followed): its top-level keys, globals,
 * stage params, variants, matrix, executor and target. Every issue is collected with its path.
 *
 * @module
 */
import { z } from "zod";
import type { IssueList } from "../common/errors.ts";
import {
  type At,
  checkField,
  checkGlobal,
  checkParams,
  globalNames,
  isRecord,
  type Layer,
  typeName,
} from "./experiment_layer.ts";
import { checkMatrix, type Matrix } from "./matrix.ts";
import type { Project } from "../project.ts";
import { hint } from "../common/suggest.ts";

/**
 * Where the stages run (issue 8): locally (in-process or `jobs` workers), or through an
 * executor plug-in (`project.executors`, e.g. Slurm jobs), which brings its own settings schema.
 */
export const localExecutorSchema = z.strictObject({
  kind: z.literal("local"),
  /** Concurrent nodes; 1 runs in-process. @default number of cores */
  jobs: z.int().min(1).optional(),
});

/** A validated `executor` setting: `local`'s, or the settings of a plug-in's kind. */
export type ExecutorConfig = {
  readonly kind: string;
  readonly jobs?: number;
  readonly [setting: string]: unknown;
};
/** One variant as written in a file. */
export interface VariantEntry {
  readonly description?: string;
  readonly layer: Layer;
  readonly matrix: Matrix;
}

/** One experiment file, validated but not merged with what it extends. */
export interface ExperimentFile {
  readonly source: string;
  readonly description?: string;
  readonly extends?: string;
  readonly layer: Layer;
  /** `null` removes an inherited variant. */
  readonly variants: Readonly<Record<string, VariantEntry | null>>;
  readonly matrix: Matrix;
  readonly executor?: ExecutorConfig;
  readonly target?: string;
}

const KEYS = [
  "$schema",
  "description",
  "extends",
  "params",
  "variants",
  "matrix",
  "executor",
  "target",
];
const VARIANT_KEYS = ["description", "params", "matrix"];
/** Variant labels: no brackets, "=" or "," (those are used by matrix labels). */
export const LABEL = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

/** Validates a parsed file; the returned value holds only the valid parts. */
export function checkExperimentFile(
  project: Project,
  value: unknown,
  source: string,
  issues: IssueList,
) {
  const at: At = { source, path: [], issues };
  if (!isRecord(value)) {
    issues.add(source, [], `expected an experiment object, received ${typeName(value)}`);
    return undefined;
  }
  const str = (k: string) => checkField(z.string().min(1), value[k], { ...at, path: [k] });
  const file: ExperimentFile = {
    source,
    description: value.description !== undefined && str("description")
      ? value.description as string
      : undefined,
    extends: value.extends !== undefined && str("extends") ? value.extends as string : undefined,
    layer: checkLayer(project, value, KEYS, at, false),
    variants: "variants" in value
      ? checkVariants(project, value.variants, { ...at, path: ["variants"] })
      : {},
    matrix: "matrix" in value
      ? checkMatrix(project, value.matrix, { ...at, path: ["matrix"] })
      : {},
    executor: "executor" in value ? checkExecutor(project, value.executor, at) : undefined,
    target: "target" in value ? checkTarget(project, value.target, at) : undefined,
  };
  return file;
}

/** Globals + params of an object whose other allowed keys are `keys`. */
function checkLayer(
  project: Project,
  obj: Record<string, unknown>,
  keys: string[],
  at: At,
  perVariant: boolean,
) {
  const globals: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (keys.includes(k)) continue;
    if (k in project.globals.shape) {
      if (checkGlobal(project, k, v, at)) globals[k] = v;
    } else {
      unknownKey(project, k, [...keys, ...globalNames(project)], at);
    }
  }
  const params = "params" in obj
    ? checkParams(project, obj.params, { ...at, path: [...at.path, "params"] }, perVariant)
    : {};
  return { globals, params };
}

function unknownKey(project: Project, key: string, valid: string[], at: At) {
  const asStage = key in project.registry
    ? ` (stage params go under "params": { "${key}": {…} })`
    : "";
  at.issues.add(at.source, [...at.path, key], `unknown key "${key}"${asStage || hint(key, valid)}`);
}

function checkVariants(project: Project, variants: unknown, at: At) {
  const out: Record<string, VariantEntry | null> = {};
  if (!isRecord(variants)) {
    at.issues.add(
      at.source,
      at.path,
      `expected an object keyed by variant label, received ${typeName(variants)}`,
    );
    return out;
  }
  for (const [label, v] of Object.entries(variants)) {
    const vat = { ...at, path: [...at.path, label] };
    if (!LABEL.test(label)) {
      at.issues.add(
        at.source,
        vat.path,
        'variant labels use letters, digits, "_", "-", "." and "+"',
      );
    } else if (v === null) {
      out[label] = null;
    } else if (!isRecord(v)) {
      at.issues.add(
        at.source,
        vat.path,
        `expected a variant object or null, received ${typeName(v)}`,
      );
    } else {
      const description = v.description !== undefined &&
          checkField(z.string(), v.description, { ...vat, path: [...vat.path, "description"] })
        ? v.description as string
        : undefined;
      const layer = checkLayer(project, v, VARIANT_KEYS, vat, true);
      const matrix = "matrix" in v
        ? checkMatrix(project, v.matrix, { ...vat, path: [...vat.path, "matrix"] })
        : {};
      out[label] = { description, layer, matrix };
    }
  }
  return out;
}

function checkTarget(project: Project, target: unknown, at: At): string | undefined {
  if (typeof target !== "string") {
    at.issues.add(at.source, ["target"], `expected a stage name, received ${typeName(target)}`);
  } else if (!(target in project.registry)) {
    at.issues.add(at.source, ["target"], `unknown stage "${target}"${hint(target, project.order)}`);
  } else {
    return target;
  }
  return undefined;
}

/** The `executor` setting, checked by the schema of its kind (unknown kinds named clearly). */
function checkExecutor(project: Project, executor: unknown, at: At): ExecutorConfig | undefined {
  const kinds = new Map<string, z.ZodType>([
    ["local", localExecutorSchema],
    ...project.executors.map((e) => [e.kind, e.settings] as const),
  ]);
  const kind = isRecord(executor) ? executor.kind : undefined;
  const schema = isRecord(executor) ? kinds.get(String(kind)) : localExecutorSchema;
  if (schema === undefined) {
    at.issues.add(
      at.source,
      ["executor", "kind"],
      `expected ${orList([...kinds.keys()])}, received ${JSON.stringify(kind)}`,
    );
    return undefined;
  }
  return checkField(schema, executor, { ...at, path: ["executor"] })
    ? schema.parse(executor) as ExecutorConfig
    : undefined;
}

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
export function orList(names: readonly string[]): string {
  const q = names.map((n) => JSON.stringify(n));
  return q.length <= 1 ? q.join("") : `${q.slice(0, -1).join(", ")} or ${q.at(-1)}`;
}
