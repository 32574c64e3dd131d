/**
 * Load + validate an experiment into its runs: the files (following `extends`), the `--set`
 * overrides, the variants expanded by their matrix, and every stage's resolved params.
 * Everything wrong is reported at once (`ExperimentError`) before any work starts.
 *
 * Precedence of a stage param, lowest first: stage default ← a global of the same name ←
 * the experiment's explicit stage param. Globals and explicit stage params each layer as
 * experiment file (extends chain, child wins) ← variant ← matrix cell ← `--set`.
 *
 * @module
 */
import { IssueList } from "../common/errors.ts";
import type { ExecutorConfig, ExperimentFile, VariantEntry } from "./experiment_file.ts";
import { experimentName, type ExperimentSource, loadChain } from "./experiment_load.ts";
import { EMPTY_LAYER, type Layer, mergeLayers } from "./experiment_layer.ts";
import { cellLabel, cellLayer, type Matrix, matrixCells } from "./matrix.ts";
import { parseOverrides } from "./overrides.ts";
import type { Project } from "../project.ts";
import { resolveRunParams, type VariantRun } from "./variant_run.ts";
import { hint } from "../common/suggest.ts";

export type { ExperimentSource } from "./experiment_load.ts";
export type { VariantRun } from "./variant_run.ts";

/** A validated experiment, ready to plan. */
export interface Experiment {
  readonly name: string;
  readonly description: string;
  /** The experiment's file first, then the files it extends. */
  readonly files: readonly string[];
  /** Merged file layer + `--set` layer: what experiment-level stages see. */
  readonly base: Layer;
  /** The variant runs, matrix-expanded, in declaration order (inherited variants first). */
  readonly runs: readonly VariantRun[];
  /** Resolved params of experiment-level (fan-in) stages. */
  readonly params: Readonly<Record<string, Record<string, unknown>>>;
  readonly executor?: ExecutorConfig;
  readonly target?: string;
  /** The raw `--set` flags (recorded in the ledger, passed on to workers). */
  readonly set: readonly string[];
}

/** Options of `loadExperiment`. */
export interface LoadOptions {
  /** `stage.param=value` / `global=value` overrides. */
  readonly set?: readonly string[];
  /** Keep only these variants (a label, or a variant name selecting all its matrix runs). */
  readonly variants?: readonly string[];
}

/** Label of the single run of an experiment that declares no variants. */
export const DEFAULT_VARIANT = "default";

/** Loads and validates `source`; throws `ExperimentError` listing every problem. */
export async function loadExperiment(
  project: Project,
  source: ExperimentSource,
  opts: LoadOptions = {},
) {
  const issues = new IssueList();
  const chain = await loadChain(project, source, issues);
  const overrides = parseOverrides(project, opts.set ?? [], issues);
  issues.throwIfAny();
  const merged = mergeChain(chain, issues);
  const base = mergeLayers(merged.layer, overrides);
  let runs = expand(project, merged, overrides, chain[0].source, issues);
  if (opts.variants?.length) runs = selectVariants(runs, opts.variants, issues);
  const params = resolveRunParams(
    project,
    undefined,
    base,
    { source: chain[0].source, prefix: [], sets: { overrides, without: merged.layer } },
    issues,
  );
  issues.throwIfAny();
  const experiment: Experiment = {
    name: typeof source === "string" ? experimentName(source) : source.name,
    description: merged.description ?? "",
    files: chain.map((f) => f.source),
    base,
    runs,
    params,
    executor: merged.executor,
    target: merged.target,
    set: [...(opts.set ?? [])],
  };
  return experiment;
}

interface Merged {
  description?: string;
  layer: Layer;
  variants: Map<string, VariantEntry>;
  matrix: Matrix;
  executor?: ExecutorConfig;
  target?: string;
}

/** Applies the chain from the oldest ancestor to the experiment file itself. */
function mergeChain(chain: readonly ExperimentFile[], issues: IssueList): Merged {
  const m: Merged = { layer: EMPTY_LAYER, variants: new Map(), matrix: {} };
  for (const file of [...chain].reverse()) {
    m.description = file.description ?? m.description;
    m.layer = mergeLayers(m.layer, file.layer);
    for (const [label, entry] of Object.entries(file.variants)) {
      if (entry !== null) m.variants.set(label, entry);
      else if (!m.variants.delete(label)) {
        issues.add(
          file.source,
          ["variants", label],
          `null removes an inherited variant, but "${label}" is not inherited`,
        );
      }
    }
    m.matrix = { ...m.matrix, ...file.matrix };
    m.executor = file.executor ?? m.executor;
    m.target = file.target ?? m.target;
  }
  return m;
}

function expand(
  project: Project,
  m: Merged,
  overrides: Layer,
  source: string,
  issues: IssueList,
) {
  const entries: [string, VariantEntry | undefined][] = m.variants.size > 0
    ? [...m.variants]
    : [[DEFAULT_VARIANT, undefined]];
  const runs: VariantRun[] = [];
  for (const [name, entry] of entries) {
    const sweep = Object.fromEntries(
      Object.entries({ ...m.matrix, ...entry?.matrix }).filter(([, v]) => v !== null),
    ) as Record<string, unknown[]>;
    for (const cell of matrixCells(sweep)) {
      const label = cellLabel(name, cell);
      // --set comes last so it beats variant and matrix values.
      const without = mergeLayers(m.layer, entry?.layer ?? EMPTY_LAYER, cellLayer(cell));
      const layer = mergeLayers(without, overrides);
      const sets = { overrides, without };
      const at = { source, prefix: entry ? ["variants", name] : [], sets };
      const run = { label, name, description: entry?.description, cell, layer };
      runs.push({ ...run, params: resolveRunParams(project, run, layer, at, issues) });
    }
  }
  return runs;
}

function selectVariants(runs: VariantRun[], wanted: readonly string[], issues: IssueList) {
  for (const w of wanted) {
    if (!runs.some((r) => r.label === w || r.name === w)) {
      const labels = [...new Set(runs.flatMap((r) => [r.name, r.label]))];
      issues.add("--variant", [w], `unknown variant "${w}"${hint(w, labels)}`);
    }
  }
  return runs.filter((r) => wanted.includes(r.label) || wanted.includes(r.name));
}
