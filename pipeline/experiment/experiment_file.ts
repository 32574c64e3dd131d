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
import { sbatchArgsProblem } from "../executors/slurm/args.ts";

/** Where the stages run (issue 8): locally (in-process or `jobs` workers) or as Slurm jobs. */
export const executorSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("local"),
    /** Concurrent nodes; 1 runs in-process. @default number of cores */
    jobs: z.int().min(1).optional(),
  }),
  z.strictObject({
    kind: z.literal("slurm"),
    partition: z.string().min(1).optional(),
    gpus: z.int().min(0).optional(),
    /** Wall-time limit per job, as sbatch's --time (e.g. "04:00:00"). */
    time: z.string().regex(
      /^(\d+-)?\d{1,2}(:\d{2}){0,2}$/,
      'expected sbatch --time like "04:00:00"',
    )
      .optional(),
    /** Memory per job, as sbatch's --mem (e.g. "16G"). */
    mem: z.string().regex(/^\d+[KMGT]?$/, 'expected sbatch --mem like "16G"').optional(),
    /** More sbatch options (`["--account=lab"]`); options the executor sets are refused. */
    sbatchArgs: z.array(z.string().min(1)).optional(),
  }).superRefine((v, ctx) => {
    const problem = sbatchArgsProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem, path: ["sbatchArgs"] });
  }),
]);

/** A validated `executor` setting. */
export type ExecutorConfig = z.infer<typeof executorSchema>;

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
    executor: "executor" in value && checkExecutorKind(value.executor, at) &&
        checkField(executorSchema, value.executor, { ...at, path: ["executor"] })
      ? executorSchema.parse(value.executor)
      : undefined,
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

/** A clear message for an unknown executor kind (zod's union error says only "Invalid input"). */
function checkExecutorKind(executor: unknown, at: At): boolean {
  const kind = isRecord(executor) ? executor.kind : undefined;
  if (kind === "local" || kind === "slurm" || !isRecord(executor)) return true;
  at.issues.add(
    at.source,
    ["executor", "kind"],
    `expected "local" or "slurm", received ${JSON.stringify(kind)}`,
  );
  return false;
}
