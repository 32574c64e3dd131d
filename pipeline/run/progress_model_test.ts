import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { etaHistory } from "./eta_history.ts";
import type { LedgerEntry, LedgerNode } from "./ledger.ts";
import type { Plan, PlanNode } from "../plan/plan.ts";
import { ProgressModel } from "./progress_model.ts";
import type { RunEvent } from "./runner.ts";

function node(key: string, stage: string, cost: number, deps: string[] = []): PlanNode {
  return {
    key,
    stage,
    variants: [key],
    deps,
    cost,
    state: { status: "run" },
  } as unknown as PlanNode;
}

function plan(nodes: PlanNode[]): Plan {
  return { nodes, byKey: new Map(nodes.map((n) => [n.key, n])) } as unknown as Plan;
}

/** A clock the test moves by hand (seconds). */
function clock() {
  let t = 0;
  return { now: () => t * 1000, set: (s: number) => (t = s) };
}

const start = (n: PlanNode): RunEvent => ({ type: "node-start", node: n });
const end = (n: PlanNode, seconds: number): RunEvent => ({
  type: "node-end",
  node: n,
  outcome: { status: "ran", seconds },
});
const progress = (n: PlanNode, done: number, total: number): RunEvent => ({
  type: "node-event",
  node: n,
  event: { type: "progress", done, total },
});

const round = (x: number) => Math.round(x * 10) / 10;

Deno.test("ETA replays the DAG on the slots with the ledger's times", () => {
  const a = node("a", "prep", 1);
  const b = node("b", "train", 1, ["a"]);
  const c = node("c", "train", 1);
  const history = new Map([["a", 10], ["b", 20], ["c", 30]]);
  const t = clock();
  const two = new ProgressModel(plan([a, b, c]), { history, slots: 2, now: t.now });
  assertEquals(two.eta(), 30); // a→b (30 s) beside c (30 s)
  const one = new ProgressModel(plan([a, b, c]), { history, slots: 1, now: t.now });
  assertEquals(one.eta(), 60);
  assertEquals(one.percent(), 0);
});

Deno.test("the percentage moves with measured work, not with stage costs", () => {
  // The old model weighted by cost: a cost-30 node that takes 1 s dominated the percentage.
  const fast = node("fast", "evaluate", 30);
  const slow = node("slow", "train", 0.1);
  const history = new Map([["fast", 1], ["slow", 99]]);
  const t = clock();
  const m = new ProgressModel(plan([fast, slow]), { history, now: t.now });
  m.update(start(fast));
  t.set(1);
  m.update(end(fast, 1));
  assertEquals(m.percent(), 1);
  assertEquals(m.eta(), 99);
  m.update(start(slow));
  t.set(1.5);
  m.update(progress(slow, 0, 100));
  t.set(51);
  m.update(progress(slow, 50, 100));
  assertEquals(m.percent(), 50);
});

Deno.test("without history, a running node's own rate and its stage siblings' times count", () => {
  const a = node("a", "train", 5);
  const b = node("b", "train", 5);
  const c = node("c", "train", 10);
  const t = clock();
  const m = new ProgressModel(plan([a, b, c]), { now: t.now });
  assertEquals(m.eta(), 20); // costs read as seconds: nothing measured yet
  m.update(start(a));
  m.update(progress(a, 0, 100));
  t.set(40);
  m.update(progress(a, 40, 100)); // 1 s per step: 60 s to go, a takes 100 s
  assertEquals(round(m.eta()), 60 + 100 + 200); // b like a, c twice a's cost
  t.set(100);
  m.update(end(a, 100));
  assertEquals(round(m.eta()), 300);
  assertEquals(m.percent(), 25);
});

Deno.test("a node past its estimate is never reported done", () => {
  const a = node("a", "train", 1);
  const t = clock();
  const m = new ProgressModel(plan([a]), { history: new Map([["a", 10]]), now: t.now });
  m.update(start(a));
  t.set(30);
  assertEquals(m.percent() < 100, true);
  m.update(end(a, 30));
  assertEquals(m.percent(), 100);
  assertEquals(m.eta(), 0);
});

function entry(nodes: Partial<LedgerNode>[]): LedgerEntry {
  return {
    nodes: nodes.map((n) => ({ status: "ran", variants: ["v"], seconds: 1, ...n })),
  } as unknown as LedgerEntry;
}

Deno.test("etaHistory: the same key, else the same stage and cost, else scaled by cost", () => {
  const p = plan([
    node("k1", "train", 4),
    node("k2", "train", 4),
    node("k3", "train", 8),
    node("k4", "evaluate", 1),
  ]);
  const h = etaHistory(p, [
    entry([
      { key: "k1", stage: "train", cost: 4, seconds: 50 },
      { key: "old", stage: "train", cost: 4, seconds: 30 },
      { key: "tiny", stage: "train", cost: 2, seconds: 10 },
      { key: "x", stage: "evaluate", seconds: 5 }, // no cost recorded (an old ledger line)
      { key: "k2", stage: "train", cost: 4, seconds: 99, status: "failed" },
    ]),
  ]);
  assertEquals(h.get("k1"), 50);
  assertEquals(h.get("k2"), 40); // median of the two cost-4 trainings
  assertEquals(h.get("k3"), 8 * 7.5); // seconds per cost 12.5, 7.5, 5: median 7.5
  assertEquals(h.has("k4"), false);
});

Deno.test("the ledger's stage seconds get this run's per-node overhead; overdue nodes are not done", () => {
  const a = node("a", "evaluate", 1);
  const b = node("b", "evaluate", 1, ["a"]);
  const t = clock();
  const m = new ProgressModel(plan([a, b]), {
    history: new Map([["a", 10], ["b", 10]]),
    now: t.now,
  });
  assert.equal(m.eta(), 20);
  m.update(start(a));
  t.set(14);
  m.update(end(a, 10)); // the stage says 10 s; start-up and commit took 4 more
  assert.equal(m.eta(), 14);
  m.update(start(b));
  t.set(14 + 30); // 30 s into a node expected to take 14
  assert.equal(m.eta(), 7.5); // another quarter of its 30 s
  assert.ok(m.percent() < 100);
});
