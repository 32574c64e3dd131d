/**
 * Expected seconds of each node to run, measured in earlier runs (the ledger), for the ETA:
 *
 * 1. the same node (same key: a retry, a forced rerun) → its latest time;
 * 2. a node of the same stage with the same `cost` (same shape: another seed, another variant
 *    with the same steps) → the median of the latest times, preferring the same variant label;
 * 3. a node of the same stage with another cost (another tier) → median seconds per cost ×
 *    this node's cost.
 *
 * Nodes the ledger knows nothing about are left out: the progress model estimates them from
 * this run's measurements.
 *
 * @module
 */
import type { LedgerEntry, LedgerNode } from "./ledger.ts";
import type { Plan } from "../plan/plan.ts";

/** How many recent measurements of one kind count. */
const RECENT = 5;

/** Node key → expected seconds for the plan's nodes to run. */
export function etaHistory(plan: Plan, ledger: readonly LedgerEntry[]): Map<string, number> {
  const ran: LedgerNode[] = ledger.flatMap((e) => e.nodes)
    .filter((n) => n.status === "ran" && Number.isFinite(n.seconds) && n.seconds > 0);
  const byKey = new Map<string, number>();
  const byStage = new Map<string, LedgerNode[]>();
  for (const n of ran) {
    byKey.set(n.key, n.seconds); // later runs overwrite earlier ones
    if (n.cost === undefined) continue;
    const list = byStage.get(n.stage) ?? [];
    list.push(n);
    byStage.set(n.stage, list);
  }
  const out = new Map<string, number>();
  for (const node of plan.nodes) {
    if (node.state.status !== "run") continue;
    const exact = byKey.get(node.key);
    if (exact !== undefined) {
      out.set(node.key, exact);
      continue;
    }
    const stage = byStage.get(node.stage) ?? [];
    const sameCost = stage.filter((n) => n.cost === node.cost);
    const label = node.variants.join(",");
    const sameLabel = sameCost.filter((n) => n.variants.join(",") === label);
    const pick = sameLabel.length ? sameLabel : sameCost;
    if (pick.length) {
      out.set(node.key, median(pick.slice(-RECENT).map((n) => n.seconds)));
      continue;
    }
    const scaled = stage.filter((n) => n.cost! > 0 && node.cost > 0).slice(-RECENT * 4);
    if (scaled.length) {
      out.set(node.key, median(scaled.map((n) => n.seconds / n.cost!)) * node.cost);
    }
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
