/**
 * Decides for every planned node whether it is cached or will run, and WHY: no earlier run,
 * a param changed (a→b), code changed (which file), an input changed, forced, corrupt
 * artifact, or it failed last time. The "why" diffs each node's spec against the index entry
 * of the same (experiment, variant, stage).
 *
 * @module
 */
import { canonicalJson } from "../common/hash.ts";
import { EXPERIMENT_LEVEL, readIndex } from "../store/store_index.ts";
import type { NodeState, Plan, PlanNode, Reason } from "./plan.ts";
import type { Store } from "../store/store.ts";
import { IssueList } from "../common/errors.ts";
import { hint } from "../common/suggest.ts";

/** Options of `explainPlan`. */
export interface ExplainOptions {
  /** Re-run nodes of these stages (or `stage@variant`) and everything downstream. */
  readonly force?: readonly string[];
  /** Re-run this stage and everything downstream. */
  readonly from?: string;
  onWarn?(message: string): void;
}

/** Sets `node.state` on every node of `plan`. */
export async function explainPlan(
  plan: Plan,
  store: Store,
  opts: ExplainOptions = {},
): Promise<void> {
  const forced = forcedKeys(plan, [...(opts.force ?? []), ...(opts.from ? [opts.from] : [])]);
  for (const node of plan.nodes) {
    if (forced.has(node.key)) {
      node.state = {
        status: "run",
        reasons: [{ kind: "forced" }],
        resumes: await exists(store.workDir(node.key)),
      };
      continue;
    }
    const v = await store.verify(node.key);
    if (v.status === "ok" && v.manifest.missing?.length) {
      node.state = {
        status: "run",
        reasons: [{ kind: "partial", missing: v.manifest.missing.length }],
        resumes: false,
      };
      continue;
    }
    if (v.status === "ok") {
      node.state = { status: "cached", runId: v.manifest.runId, summary: v.manifest.summary };
      continue;
    }
    const reasons: Reason[] = [];
    if (v.status === "corrupt") {
      opts.onWarn?.(
        `artifact ${
          node.key.slice(0, 12)
        } (${node.stage}) is corrupt: ${v.reason}; it will be recomputed`,
      );
      reasons.push({ kind: "corrupt", detail: v.reason });
    } else reasons.push(...await diffAgainstIndex(plan, store, node));
    const failure = await store.readFailure(node.key);
    if (failure) reasons.push({ kind: "failed", error: failure.error.split("\n")[0] });
    node.state = { status: "run", reasons, resumes: await exists(store.workDir(node.key)) };
  }
}

async function diffAgainstIndex(plan: Plan, store: Store, node: PlanNode): Promise<Reason[]> {
  const labels = node.level === "experiment" ? [EXPERIMENT_LEVEL] : node.variants;
  for (const label of labels) {
    const prev = await readIndex(store, plan.experiment.name, label, node.stage);
    if (prev === undefined) continue;
    if (prev.key === node.key) return [{ kind: "missing" }];
    const reasons: Reason[] = [];
    if (prev.spec.version !== node.spec.version) {
      reasons.push({ kind: "version", from: prev.spec.version, to: node.spec.version });
    }
    const changes = changedKeys(prev.spec.params, node.spec.params)
      .map((param) => ({ param, from: prev.spec.params[param], to: node.spec.params[param] }));
    if (changes.length) reasons.push({ kind: "params", changes });
    const files = changedKeys(prev.files, node.code.files);
    const packages = changedKeys(prev.packages, node.code.packages);
    if (files.length || packages.length) reasons.push({ kind: "code", files, packages });
    const inputs = changedKeys(prev.spec.inputs, node.spec.inputs);
    if (inputs.length) reasons.push({ kind: "input", inputs });
    return reasons.length ? reasons : [{ kind: "new" }];
  }
  return [{ kind: "new" }];
}

/** Keys whose values differ (added, removed or changed), sorted. */
function changedKeys(
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => canonicalJson(a[k] ?? null) !== canonicalJson(b[k] ?? null))
    .sort();
}

/** Nodes matched by `stage` or `stage@variant`, and all their descendants. */
function forcedKeys(plan: Plan, specs: readonly string[]): Set<string> {
  const issues = new IssueList();
  const out = new Set<string>();
  for (const spec of specs) {
    const [stage, variant] = spec.split("@");
    const labels = plan.experiment.runs.filter((r) => r.label === variant || r.name === variant)
      .map((r) => r.label);
    const hits = plan.nodes.filter((n) =>
      n.stage === stage && (variant === undefined || n.variants.some((l) => labels.includes(l)))
    );
    if (hits.length === 0) {
      const names = variant === undefined
        ? [...plan.stages]
        : plan.experiment.runs.map((r) => `${stage}@${r.label}`);
      issues.add("--force", [spec], `matches no planned node${hint(spec, names)}`);
    }
    hits.forEach((n) => out.add(n.key));
  }
  issues.throwIfAny();
  for (const node of plan.nodes) if (node.deps.some((d) => out.has(d))) out.add(node.key);
  return out;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** One line per reason, for `--dry-run` and the notebook. */
export function describeState(state: NodeState): string {
  if (state.status === "cached") return "cached";
  const parts = state.reasons.map(describeReason);
  if (state.resumes) parts.push("resumes from saved state");
  return parts.join("; ");
}

function describeReason(r: Reason): string {
  const show = (v: unknown) => (v === undefined ? "unset" : canonicalJson(v));
  switch (r.kind) {
    case "new":
      return "no earlier run";
    case "missing":
      return "artifact missing (deleted or gc'd)";
    case "forced":
      return "forced";
    case "corrupt":
      return `artifact corrupt (${r.detail})`;
    case "failed":
      return `failed last time: ${r.error}`;
    case "version":
      return `stage version ${r.from}→${r.to}`;
    case "params":
      return r.changes.map((c) => `param ${c.param} ${show(c.from)}→${show(c.to)}`).join(", ");
    case "code":
      return `code changed: ${[...r.files, ...r.packages].join(", ")}`;
    case "input":
      return `input changed: ${r.inputs.join(", ")}`;
    case "partial":
      return `last result lacked ${r.missing} failed/skipped input(s)`;
  }
}
