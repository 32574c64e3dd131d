/**
 * The plan: the experiment's runs laid out as a DAG of nodes, one per (stage, run) for
 * per-variant stages and one per experiment for fan-in stages, each with its cache key.
 * Nodes whose keys are equal (same stage, code, params and inputs) are one node shared by
 * several variants.
 *
 * key = SHA-256(canonical JSON of { format, stage, version, code fingerprint, resolved params,
 *                                   input keys (with variant labels for fan-in inputs),
 *                                   experiment name (fan-in nodes only) })
 *
 * @module
 */
import { join } from "node:path";
import { existsSync } from "node:fs";
import { IssueList } from "../common/errors.ts";
import type { Experiment } from "../experiment/experiment.ts";
import type { Fingerprint, Fingerprinter } from "./fingerprint.ts";
import { hashJson } from "../common/hash.ts";
import { type NodeSpec, type SpecInput, STORE_FORMAT } from "../store/manifest.ts";
import type { Project, StageLevel } from "../project.ts";
import { EXPERIMENT_LEVEL } from "../store/store_index.ts";
import { hint } from "../common/suggest.ts";
import type { StageSummary } from "../stage.ts";

/** One unit of work: a stage with fixed params and inputs. */
export interface PlanNode {
  readonly key: string;
  readonly stage: string;
  readonly level: StageLevel;
  /** Labels of the runs whose chain reaches this node. */
  readonly variants: string[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly spec: NodeSpec;
  readonly code: Fingerprint;
  /** Keys of the upstream nodes (deduplicated). */
  readonly deps: readonly string[];
  /** The deps reached only through partial fan-in inputs: a failure there does not skip this node. */
  readonly partialDeps: readonly string[];
  /** Relative cost (stage.cost), for the overall ETA. */
  readonly cost: number;
  /** Cached or will run (and why); set by `explainPlan`. */
  state: NodeState;
}

/** Why a node will run. */
export type Reason =
  | { readonly kind: "new" }
  | { readonly kind: "missing" }
  | { readonly kind: "forced" }
  | { readonly kind: "corrupt"; readonly detail: string }
  | { readonly kind: "failed"; readonly error: string }
  | { readonly kind: "version"; readonly from: number; readonly to: number }
  | {
    readonly kind: "params";
    readonly changes: readonly { param: string; from: unknown; to: unknown }[];
  }
  | {
    readonly kind: "code";
    readonly files: readonly string[];
    readonly packages: readonly string[];
  }
  | { readonly kind: "input"; readonly inputs: readonly string[] }
  /** The last result was made without some partial fan-in inputs (they failed or were skipped). */
  | { readonly kind: "partial"; readonly missing: number };

/** A node's state before running. */
export type NodeState =
  | { readonly status: "cached"; readonly runId: string; readonly summary: StageSummary }
  | { readonly status: "run"; readonly reasons: readonly Reason[]; readonly resumes: boolean };

/** The DAG of an experiment, nodes in topological order. */
export interface Plan {
  readonly experiment: Experiment;
  readonly nodes: readonly PlanNode[];
  readonly byKey: ReadonlyMap<string, PlanNode>;
  /** Planned stage names in order. */
  readonly stages: readonly string[];
  /** Key of (run label or "*", stage). */
  keyOf(variant: string, stage: string): string | undefined;
}

/** Which stages to plan. */
export interface PlanOptions {
  /** Plan only these stages plus what they need. @default the experiment's target, else all */
  readonly only?: readonly string[];
}

/** Lays out the experiment; throws `ExperimentError` for unknown `--only` stages. */
export function buildPlan(
  project: Project,
  exp: Experiment,
  fp: Fingerprinter,
  opts: PlanOptions = {},
): Plan {
  const stages = plannedStages(project, opts.only ?? (exp.target ? [exp.target] : project.order));
  const codes = new Map(stages.map((s) => [s, stageCode(project, fp, s)]));
  const nodes = new Map<string, PlanNode>();
  const keys = new Map<string, string>();
  const at = (v: string, s: string) => `${v}\u0000${s}`;
  for (const stage of stages) {
    const once = project.levels.get(stage) === "experiment";
    const runs = once ? [{ label: EXPERIMENT_LEVEL, params: exp.params }] : exp.runs;
    for (const run of runs) {
      const inputs = bindInputs(
        project,
        stage,
        run.label,
        stages,
        exp,
        (v, s) => keys.get(at(v, s))!,
      );
      const node = makeNode(
        project,
        stage,
        run.params[stage],
        inputs,
        codes.get(stage)!,
        once ? exp.name : undefined,
      );
      const labels = once ? exp.runs.map((r) => r.label) : [run.label];
      const existing = nodes.get(node.key);
      if (existing) existing.variants.push(...labels.filter((l) => !existing.variants.includes(l)));
      else nodes.set(node.key, { ...node, variants: labels });
      keys.set(at(run.label, stage), node.key);
    }
  }
  return {
    experiment: exp,
    nodes: [...nodes.values()],
    byKey: nodes,
    stages,
    keyOf: (v, s) => keys.get(at(project.levels.get(s) === "experiment" ? EXPERIMENT_LEVEL : v, s)),
  };
}

/** The requested stages and everything they need, in topological order. */
function plannedStages(project: Project, targets: readonly string[]): string[] {
  const issues = new IssueList();
  const need = new Set<string>();
  const visit = (s: string) => {
    if (need.has(s)) return;
    need.add(s);
    for (const input of Object.values(project.registry[s].inputs)) {
      if (!input.optional) visit(input.stage);
    }
  };
  for (const t of targets) {
    if (t in project.registry) visit(t);
    else issues.add("--only", [t], `unknown stage "${t}"${hint(t, project.order)}`);
  }
  issues.throwIfAny();
  return project.order.filter((s) => need.has(s));
}

function stageCode(project: Project, fp: Fingerprinter, stage: string): Fingerprint {
  const file = join(project.stagesDir, `${stage}.ts`);
  if (!existsSync(file)) {
    const issues = new IssueList();
    issues.add(
      "registry",
      [stage],
      `cannot find its source ${file} (a stage's file is named after it)`,
    );
    issues.throwIfAny();
  }
  return fp.of(file);
}

function bindInputs(
  project: Project,
  stage: string,
  label: string,
  planned: readonly string[],
  exp: Experiment,
  keyOf: (variant: string, stage: string) => string,
): Record<string, SpecInput> {
  const inputs: Record<string, SpecInput> = {};
  for (const [name, input] of Object.entries(project.registry[stage].inputs)) {
    if (!planned.includes(input.stage)) inputs[name] = null;
    else if (input.from === "all") {
      inputs[name] = exp.runs.map((r) => ({
        variant: r.label,
        key: keyOf(upstreamLabel(project, input.stage, r.label), input.stage),
      }));
    } else inputs[name] = keyOf(upstreamLabel(project, input.stage, label), input.stage);
  }
  return inputs;
}

function upstreamLabel(project: Project, stage: string, label: string): string {
  return project.levels.get(stage) === "experiment" ? EXPERIMENT_LEVEL : label;
}

function makeNode(
  project: Project,
  stage: string,
  params: Record<string, unknown>,
  inputs: Record<string, SpecInput>,
  code: Fingerprint,
  experiment: string | undefined,
) {
  const def = project.registry[stage];
  const spec: NodeSpec = {
    format: STORE_FORMAT,
    stage,
    version: def.version,
    code: code.hash,
    params,
    inputs,
    ...(experiment === undefined ? {} : { experiment }),
  };
  const deps = new Set<string>(), strict = new Set<string>();
  for (const [name, v] of Object.entries(inputs)) {
    const partial = def.inputs[name]?.partial === true;
    const keys = typeof v === "string" ? [v] : Array.isArray(v) ? v.map((i) => i.key) : [];
    for (const k of keys) {
      deps.add(k);
      if (!partial) strict.add(k);
    }
  }
  return {
    key: hashJson(spec),
    stage,
    level: project.levels.get(stage)!,
    params,
    spec,
    code,
    deps: [...deps],
    partialDeps: [...deps].filter((k) => !strict.has(k)),
    cost: Math.max(0, def.cost?.(params as never) ?? 1),
    state: { status: "run", reasons: [], resumes: false } as NodeState,
  };
}
