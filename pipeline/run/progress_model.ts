/**
 * Progress accounting behind the bars and lines, in measured seconds rather than abstract costs:
 *
 * - each node to run has an estimated duration: from the ledger of earlier runs (`history`, see
 *   `pipeline/eta_history.ts`), else from nodes of the same stage measured in this run (scaled
 *   by the stage's `cost`), else its `cost` read as seconds;
 * - a running node's estimate is replaced by its own projection once it has reported enough
 *   progress (elapsed + remaining steps × measured time per step); one past its estimate is
 *   given another quarter of its elapsed time;
 * - ledger times are the stages' own; the per-node overhead (worker start-up, store commit) is
 *   learnt from the nodes that finished in this run and added to them;
 * - the overall fraction is estimated seconds done / estimated seconds in all, so it moves with
 *   work done; the ETA replays the remaining DAG on `slots` parallel slots (list scheduling), so
 *   two workers halve it only where the graph lets them.
 *
 * @module
 */
import type { Plan } from "../plan/plan.ts";
import type { RunEvent } from "./runner.ts";

/** Where the estimates come from and how many nodes run at once. */
export interface ProgressModelOptions {
  /** Node key → expected seconds, measured in earlier runs. */
  readonly history?: ReadonlyMap<string, number>;
  /** Nodes computed at once. @default 1 */
  readonly slots?: number;
  /** Clock in ms (tests). @default performance.now */
  readonly now?: () => number;
}

interface Running {
  readonly start: number;
  done: number;
  total: number;
  /** When the node reported progress first, and how far it was (`base`) then. */
  first?: number;
  base: number;
}

/** A running node's own projection replaces its prior estimate after this share of its steps… */
const TRUST_FRACTION = 0.1;
/** …or after this many seconds of progress reports. */
const TRUST_SECONDS = 20;

/** Tracks a run's progress from its events. */
export class ProgressModel {
  readonly #plan: Plan;
  readonly #cost = new Map<string, number>();
  readonly #stage = new Map<string, string>();
  readonly #history: ReadonlyMap<string, number>;
  readonly #running = new Map<string, Running>();
  readonly #ended = new Map<string, number>();
  /** Per finished node: wall seconds − the seconds the ledger records (start-up, commit). */
  readonly #overheads: number[] = [];
  readonly #now: () => number;
  readonly #slots: number;
  readonly #t0: number;
  readonly #nodes: number;
  #etaCache?: { at: number; value: number };

  constructor(plan: Plan, opts: ProgressModelOptions = {}) {
    this.#plan = plan;
    for (const n of plan.nodes) {
      if (n.state.status !== "run") continue;
      this.#cost.set(n.key, n.cost);
      this.#stage.set(n.key, n.stage);
    }
    this.#history = opts.history ?? new Map();
    this.#now = opts.now ?? (() => performance.now());
    this.#slots = Math.max(1, opts.slots ?? 1);
    this.#t0 = this.#now();
    this.#nodes = plan.nodes.length;
  }

  /** Feeds one event. */
  update(e: RunEvent): void {
    this.#etaCache = undefined;
    const now = this.#now();
    if (e.type === "node-start") {
      this.#running.set(e.node.key, { start: now, done: 0, total: 1, base: 0 });
    } else if (e.type === "node-end") {
      const r = this.#running.get(e.node.key);
      this.#running.delete(e.node.key);
      const measured = r ? (now - r.start) / 1000 : 0;
      const ran = e.outcome.status === "ran";
      // Wall time (worker start-up, store commit included), which is what the ETA is about;
      // the ledger's `seconds` are the stage's own, so their difference is learnt here.
      this.#ended.set(e.node.key, ran ? measured || e.outcome.seconds : 0);
      if (ran && r) this.#overheads.push(Math.max(0, measured - e.outcome.seconds));
    } else if (e.event.type === "progress") {
      const r = this.#running.get(e.node.key);
      if (!r) return;
      [r.done, r.total] = [e.event.done, Math.max(1, e.event.total)];
      if (r.first === undefined) [r.first, r.base] = [now, e.event.done];
    }
  }

  /** Number of nodes computing now. */
  get running(): number {
    return this.#running.size;
  }

  /** Seconds a running node has taken so far. */
  #elapsed(r: Running, now: number): number {
    return (now - r.start) / 1000;
  }

  /** The running node's own projection of its total seconds, once it is trustworthy. */
  #projection(r: Running, now: number): number | undefined {
    if (r.first === undefined || r.done <= r.base) return undefined;
    const since = (now - r.first) / 1000;
    const share = (r.done - r.base) / r.total;
    if (share < TRUST_FRACTION && since < TRUST_SECONDS) return undefined;
    const perStep = since / (r.done - r.base);
    return this.#elapsed(r, now) + perStep * Math.max(0, r.total - r.done);
  }

  /** Seconds measured in this run (finished nodes, trusted projections), per stage. */
  #measuredByStage(now: number): Map<string, { seconds: number; cost: number }[]> {
    const out = new Map<string, { seconds: number; cost: number }[]>();
    const add = (key: string, seconds: number) => {
      const stage = this.#stage.get(key);
      if (stage === undefined) return;
      const list = out.get(stage) ?? [];
      list.push({ seconds, cost: this.#cost.get(key) ?? 0 });
      out.set(stage, list);
    };
    for (const [key, seconds] of this.#ended) if (seconds > 0) add(key, seconds);
    for (const [key, r] of this.#running) {
      const p = this.#projection(r, now);
      if (p !== undefined) add(key, p);
    }
    return out;
  }

  /** Expected total seconds of a node that has not ended (running or waiting). */
  #estimate(
    key: string,
    measured: Map<string, { seconds: number; cost: number }[]>,
    now: number,
  ): number {
    const r = this.#running.get(key);
    const projected = r ? this.#projection(r, now) : undefined;
    if (projected !== undefined) return projected;
    const history = this.#history.get(key);
    const overhead = this.#overheads.length ? median(this.#overheads) : 0;
    const prior = history !== undefined ? history + overhead : this.#fromStage(key, measured);
    if (!r) return prior;
    // Past its estimate: it is not done, so guess another quarter of what it has taken.
    const elapsed = this.#elapsed(r, now);
    return elapsed < prior ? prior : elapsed * 1.25;
  }

  #fromStage(key: string, measured: Map<string, { seconds: number; cost: number }[]>): number {
    const cost = this.#cost.get(key) ?? 0;
    const same = measured.get(this.#stage.get(key) ?? "") ?? [];
    if (same.length === 0) return cost;
    const scaled = same.filter((m) => m.cost > 0 && cost > 0).map((m) => m.seconds / m.cost);
    return scaled.length ? median(scaled) * cost : median(same.map((m) => m.seconds));
  }

  /** Per node to run: estimated total seconds and seconds of it done. */
  #work(now: number): Map<string, { total: number; done: number }> {
    const measured = this.#measuredByStage(now);
    const out = new Map<string, { total: number; done: number }>();
    for (const key of this.#cost.keys()) {
      const ended = this.#ended.get(key);
      if (ended !== undefined) {
        out.set(key, { total: ended, done: ended });
        continue;
      }
      const total = this.#estimate(key, measured, now);
      const r = this.#running.get(key);
      let done = 0;
      if (r && this.#projection(r, now) !== undefined) done = this.#elapsed(r, now);
      else if (r && r.first !== undefined) done = (total * r.done) / r.total;
      else if (r) done = Math.min(0.5 * total, this.#elapsed(r, now));
      done = Math.min(0.99 * total, done); // a running node is never "finished"
      out.set(key, { total, done });
    }
    return out;
  }

  /** Fraction of the estimated seconds of work to run that is done, in [0, 1]. */
  fraction(): number {
    let [total, done] = [0, 0];
    for (const w of this.#work(this.#now()).values()) {
      [total, done] = [total + w.total, done + w.done];
    }
    return total <= 0 ? (this.#cost.size === this.#ended.size ? 1 : 0) : Math.min(1, done / total);
  }

  percent(): number {
    return Math.floor(100 * this.fraction());
  }

  /**
   * Seconds left: the remaining work replayed on `slots` slots in dependency order (running
   * nodes first, each for its remaining estimate). Recomputed at most once a second.
   */
  eta(): number {
    const now = this.#now();
    if (this.#etaCache && now - this.#etaCache.at < 1000) {
      return Math.max(0, this.#etaCache.value - (now - this.#etaCache.at) / 1000);
    }
    const work = this.#work(now);
    const value = this.#schedule(work);
    this.#etaCache = { at: now, value };
    return value;
  }

  #schedule(work: Map<string, { total: number; done: number }>): number {
    const left = new Map<string, number>();
    for (const [key, w] of work) {
      if (this.#ended.has(key)) continue;
      const r = this.#running.get(key);
      const remaining = r ? Math.max(w.total - this.#elapsed(r, this.#now()), 0) : w.total;
      left.set(key, remaining);
    }
    // Slots busy with running nodes until they end.
    const busy: { key: string; end: number }[] = [...this.#running.keys()]
      .filter((k) => left.has(k)).map((k) => ({ key: k, end: left.get(k)! }));
    const pending = this.#plan.nodes.filter((n) => left.has(n.key) && !this.#running.has(n.key));
    const finished = new Set<string>();
    const isDone = (k: string) => !left.has(k) || finished.has(k);
    let t = 0;
    const slots = Math.max(this.#slots, busy.length);
    while (busy.length || pending.length) {
      // Start every ready pending node while a slot is free.
      for (let i = 0; i < pending.length && busy.length < slots;) {
        const n = pending[i];
        if (n.deps.every(isDone)) {
          busy.push({ key: n.key, end: t + left.get(n.key)! });
          pending.splice(i, 1);
        } else i++;
      }
      if (!busy.length) break; // deps outside the plan's run set never end: stop
      busy.sort((a, b) => a.end - b.end);
      const next = busy.shift()!;
      t = next.end;
      finished.add(next.key);
    }
    return t;
  }

  /**
   * `12.5/s` for a running node (units of its `progress`), measured from its first progress
   * report: the time before it (worker start-up, a Slurm job's queue wait) is not work.
   */
  rate(key: string): string {
    const r = this.#running.get(key);
    if (!r || r.first === undefined || r.done <= r.base) return "";
    const perSecond = (r.done - r.base) / ((this.#now() - r.first) / 1000);
    return perSecond >= 1 ? `${perSecond.toFixed(1)}/s` : `${(1 / perSecond).toFixed(1)}s/it`;
  }

  /** `3/10 nodes` */
  nodesText(): string {
    return `${this.#ended.size}/${this.#nodes} nodes`;
  }

  /** Seconds since the model was created. */
  elapsed(): number {
    return (this.#now() - this.#t0) / 1000;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
