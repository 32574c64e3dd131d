/**
 * A project = the stage registry + globals schema + where its files live. `openProject`
 * validates the registry once (names, inputs, outputs, DAG) and derives the stage order.
 *
 * @module
 */
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { IssueList } from "./common/errors.ts";
import type { StageDef, StageRegistry } from "./stage.ts";
import type { StoreGc } from "./store/gc.ts";

/**
 * An executor kind beyond the built-in `local` one (a plug-in under `pipeline/executors/`):
 * what the engine's core needs to know of it. The full plug-in (`ExecutorPlugin`,
 * run/executor.ts) also describes and builds the executor of a run.
 */
export interface ExecutorKind {
  /** The experiment file's `executor.kind` and the `--executor` value. */
  readonly kind: string;
  /** Its `executor` settings in an experiment file, `kind` included (a strict object). */
  readonly settings: z.ZodType;
  /** gc of the files it keeps in the store (store/gc.ts calls it last). */
  readonly gc?: StoreGc;
}

/** What the entry point (main.ts, a test, the notebook) hands the engine. */
export interface ProjectConfig {
  /** Project root (the folder with deno.json), as a path or a `file:` URL. */
  readonly root: string | URL;
  readonly registry: StageRegistry;
  /** Globals schema: every field has a default. */
  readonly globals: z.ZodObject;
  /** Where stage files live (`<name>.ts`): their source is the stage's code fingerprint. @default `<root>/stages` */
  readonly stagesDir?: string | URL;
  /** Where `run <name>` looks for `<name>.jsonc`. @default `<root>/experiments` */
  readonly experimentsDir?: string | URL;
  /** Experiment `run` uses when none is named. @default "ablation" */
  readonly defaultExperiment?: string;
  /**
   * Stage log lines that belong in the node's log file only, not in the terminal (e.g. the
   * per-process backend description, which the CLI prints once per run instead).
   */
  readonly detailLine?: (line: string) => boolean;
  /** Executor plug-ins besides `local` (main.ts passes the Slurm one). @default none */
  readonly executors?: readonly ExecutorKind[];
}

/** How often a stage runs: once per variant chain, or once per experiment (fan-in and below). */
export type StageLevel = "variant" | "experiment";

/** A validated project. */
export interface Project {
  readonly root: string;
  readonly registry: StageRegistry;
  readonly globals: z.ZodObject;
  readonly stagesDir: string;
  readonly experimentsDir: string;
  readonly defaultExperiment: string;
  /** Stage names in topological order (ties keep registry order). */
  readonly order: readonly string[];
  readonly levels: ReadonlyMap<string, StageLevel>;
  readonly detailLine?: (line: string) => boolean;
  readonly executors: readonly ExecutorKind[];
}

/** Validates the registry and returns the project; throws `ExperimentError` (source `registry`). */
export function openProject(config: ProjectConfig): Project {
  const root = toPath(config.root);
  const issues = new IssueList();
  for (const [key, stage] of Object.entries(config.registry)) {
    checkStage(key, stage, config, issues);
  }
  if (!config.globals.safeParse({}).success) {
    issues.add("registry", ["globals"], "every global needs a default");
  }
  issues.throwIfAny();
  const order = topoOrder(config.registry, issues);
  issues.throwIfAny();
  const levels = stageLevels(config.registry, order, issues);
  issues.throwIfAny();
  return {
    root,
    registry: config.registry,
    globals: config.globals,
    stagesDir: config.stagesDir ? toPath(config.stagesDir) : join(root, "stages"),
    experimentsDir: config.experimentsDir
      ? toPath(config.experimentsDir)
      : join(root, "experiments"),
    defaultExperiment: config.defaultExperiment ?? "ablation",
    order,
    levels,
    detailLine: config.detailLine,
    executors: config.executors ?? [],
  };
}

function toPath(p: string | URL): string {
  if (p instanceof URL || p.startsWith("file:")) return fileURLToPath(p);
  return isAbsolute(p) ? p : resolve(p);
}

const NAME = /^[a-z][a-z0-9_]*$/;
const RESERVED = new Set(["manifest.json"]);

function checkStage(key: string, stage: StageDef, config: ProjectConfig, issues: IssueList) {
  const at = (...p: string[]) => [key, ...p];
  if (stage.name !== key) {
    issues.add("registry", at("name"), `must equal its registry key "${key}"`);
  }
  if (!NAME.test(key)) issues.add("registry", [key], "stage names are snake_case: [a-z][a-z0-9_]*");
  if (!Number.isInteger(stage.version) || stage.version < 1) {
    issues.add("registry", at("version"), "expected a positive integer");
  }
  if (!(stage.params instanceof z.ZodObject)) {
    issues.add("registry", at("params"), "expected a zod object schema");
  } else if (!stage.params.safeParse({}).success) {
    issues.add("registry", at("params"), "every param needs a default (parsing {} failed)");
  }
  for (const [name, input] of Object.entries(stage.inputs)) {
    if (!(input.stage in config.registry)) {
      issues.add("registry", at("inputs", name), `unknown stage "${input.stage}"`);
    }
  }
  checkOutputs(key, stage, issues);
}

function checkOutputs(key: string, stage: StageDef, issues: IssueList) {
  if (stage.outputs.length === 0) {
    issues.add("registry", [key, "outputs"], "declare at least one output");
  }
  for (const out of stage.outputs) {
    const bad = out.startsWith("/") || out.split("/").includes("..") || RESERVED.has(out);
    if (bad) issues.add("registry", [key, "outputs"], `"${out}" is not a valid output path`);
  }
  for (const v of stage.volatile ?? []) {
    if (!stage.outputs.includes(v)) {
      issues.add("registry", [key, "volatile"], `"${v}" is not an output`);
    }
  }
  const d = stage.display;
  if (d !== undefined && (!stage.outputs.includes(d) || d.endsWith("/"))) {
    issues.add("registry", [key, "display"], `"${d}" must be a file listed in outputs`);
  }
}

/** Kahn's algorithm over declared inputs; reports a cycle as an issue. */
function topoOrder(registry: StageRegistry, issues: IssueList): string[] {
  const names = Object.keys(registry);
  const done = new Set<string>();
  const order: string[] = [];
  while (order.length < names.length) {
    const next = names.find((n) =>
      !done.has(n) && Object.values(registry[n].inputs).every((i) => done.has(i.stage))
    );
    if (next === undefined) {
      const rest = names.filter((n) => !done.has(n));
      issues.add("registry", [], `the stage inputs form a cycle among: ${rest.join(", ")}`);
      return order;
    }
    done.add(next);
    order.push(next);
  }
  return order;
}

/** A stage is experiment-level if it fans in, or reads an experiment-level stage. */
function stageLevels(registry: StageRegistry, order: readonly string[], issues: IssueList) {
  const levels = new Map<string, StageLevel>();
  for (const name of order) {
    const inputs = Object.entries(registry[name].inputs);
    const fanIn = inputs.some(([, i]) => i.from === "all");
    const fromExp = inputs.some(([, i]) =>
      i.from !== "all" && levels.get(i.stage) === "experiment"
    );
    const level: StageLevel = fanIn || fromExp ? "experiment" : "variant";
    levels.set(name, level);
    if (level !== "experiment") continue;
    for (const [input, spec] of inputs) {
      if (spec.from !== "all" && levels.get(spec.stage) === "variant") {
        issues.add(
          "registry",
          [name, "inputs", input],
          `"${name}" runs once per experiment, so its input from per-variant stage ` +
            `"${spec.stage}" needs from: "all"`,
        );
      }
    }
  }
  return levels;
}

/** The stage's defaults (its params schema parsed from `{}`). */
export function stageDefaults(stage: StageDef): Record<string, unknown> {
  return stage.params.parse({}) as Record<string, unknown>;
}
