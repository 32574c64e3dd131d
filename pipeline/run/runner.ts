/**
 * The coordinator: walks the plan in dependency order, hands ready nodes to the executor (up to
 * its slots), records outcomes and the plan index, skips the dependants of a failed node while
 * independent nodes finish, and stops submitting on abort.
 *
 * @module
 */
import type { Executor } from "./executor.ts";
import { jobOf, type NodeEvent, type NodeOutcome } from "./node_job.ts";
import type { Plan, PlanNode } from "../plan/plan.ts";
import type { Store } from "../store/store.ts";
import { EXPERIMENT_LEVEL, writeIndex } from "../store/store_index.ts";

/** What the runner reports to observers (progress bars, the notebook, tests). */
export type RunEvent =
  | { readonly type: "node-start"; readonly node: PlanNode }
  | { readonly type: "node-event"; readonly node: PlanNode; readonly event: NodeEvent }
  | { readonly type: "node-end"; readonly node: PlanNode; readonly outcome: NodeOutcome };

/** Options of `runPlan`. */
export interface RunPlanOptions {
  readonly store: Store;
  readonly executor: Executor;
  readonly runId: string;
  readonly signal?: AbortSignal;
  observer?(event: RunEvent): void;
  /** Keys of the nodes wanted; their upstream nodes come along. @default every node */
  readonly targets?: readonly string[];
}

/** Outcome per node key (nodes outside `targets` are absent). */
export type Outcomes = Map<string, NodeOutcome>;

const DONE = new Set(["ran", "hit"]);
/** Upstream outcomes a partial fan-in input tolerates (an abort still stops it). */
const PARTIAL_OK = new Set(["failed", "skipped"]);

/** Runs the plan's nodes that are not cached; resolves when every wanted node has an outcome. */
export async function runPlan(plan: Plan, opts: RunPlanOptions): Promise<Outcomes> {
  const signal = opts.signal ?? new AbortController().signal;
  const wanted = closure(plan, opts.targets);
  const outcomes: Outcomes = new Map();
  const running = new Map<string, Promise<void>>();
  const end = async (node: PlanNode, outcome: NodeOutcome) => {
    outcomes.set(node.key, outcome);
    if (DONE.has(outcome.status)) await recordIndex(plan, opts.store, node, opts.runId);
    opts.observer?.({ type: "node-end", node, outcome });
  };
  while (true) {
    for (const node of plan.nodes) {
      if (!wanted.has(node.key) || outcomes.has(node.key) || running.has(node.key)) continue;
      const bad = node.deps.map((d) => [d, outcomes.get(d)] as const).find(([d, o]) =>
        o && !DONE.has(o.status) &&
        !(node.partialDeps.includes(d) && PARTIAL_OK.has(o.status))
      );
      if (bad) {
        const up = plan.byKey.get(bad[0])!;
        await end(node, {
          status: bad[1]!.status === "aborted" ? "aborted" : "skipped",
          seconds: 0,
          error: `input ${up.stage} ${bad[1]!.status}`,
        });
      } else if (signal.aborted) {
        await end(node, { status: "aborted", seconds: 0, error: "interrupted before it started" });
      } else if (node.deps.every((d) => outcomes.has(d))) {
        if (node.state.status === "cached") {
          await end(node, { status: "hit", seconds: 0, summary: node.state.summary });
        } else if (running.size < opts.executor.slots) {
          running.set(node.key, start(plan, node, opts, signal, end, running));
        }
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  return outcomes;
}

function start(
  plan: Plan,
  node: PlanNode,
  opts: RunPlanOptions,
  signal: AbortSignal,
  end: (n: PlanNode, o: NodeOutcome) => Promise<void>,
  running: Map<string, Promise<void>>,
): Promise<void> {
  opts.observer?.({ type: "node-start", node });
  const onEvent = (event: NodeEvent) => opts.observer?.({ type: "node-event", node, event });
  return opts.executor.run(jobOf(plan, node, opts.runId), onEvent, signal)
    .catch((e): NodeOutcome => ({
      status: "failed",
      seconds: 0,
      error: `executor error: ${e?.message ?? e}`,
    }))
    .then((o) => end(node, o))
    .finally(() => running.delete(node.key));
}

/** `targets` and everything upstream of them. */
function closure(plan: Plan, targets?: readonly string[]): Set<string> {
  if (targets === undefined) return new Set(plan.nodes.map((n) => n.key));
  const out = new Set<string>();
  const visit = (key: string) => {
    if (out.has(key)) return;
    out.add(key);
    plan.byKey.get(key)?.deps.forEach(visit);
  };
  targets.forEach(visit);
  return out;
}

async function recordIndex(plan: Plan, store: Store, node: PlanNode, runId: string): Promise<void> {
  const entry = {
    key: node.key,
    spec: node.spec,
    files: node.code.files,
    packages: node.code.packages,
    runId,
  };
  const labels = node.level === "experiment" ? [EXPERIMENT_LEVEL] : node.variants;
  for (const label of labels) {
    await writeIndex(store, plan.experiment.name, label, node.stage, entry);
  }
}
