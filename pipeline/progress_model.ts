/**
 * Progress accounting behind the bars and lines: overall fraction weighted by each node's
 * `cost`, per-node rates, ETA from elapsed time.
 *
 * @module
 */
import type { Plan } from "./plan.ts";
import type { RunEvent } from "./runner.ts";

/** Tracks a run's progress from its events. */
export class ProgressModel {
  readonly #cost = new Map<string, number>();
  /** `first`: when the node reported progress first, and how far it was (`base`) then. */
  readonly #running = new Map<
    string,
    { done: number; total: number; first?: number; base: number }
  >();
  readonly #t0 = performance.now();
  #total = 0;
  #finished = 0;
  #ended = 0;
  readonly #nodes: number;

  constructor(plan: Plan) {
    for (const n of plan.nodes) {
      if (n.state.status !== "run") continue;
      this.#cost.set(n.key, n.cost);
      this.#total += n.cost;
    }
    this.#nodes = plan.nodes.length;
  }

  /** Feeds one event. */
  update(e: RunEvent): void {
    if (e.type === "node-start") {
      this.#running.set(e.node.key, { done: 0, total: 1, base: 0 });
    } else if (e.type === "node-end") {
      this.#running.delete(e.node.key);
      this.#finished += this.#cost.get(e.node.key) ?? 0;
      this.#ended++;
    } else if (e.event.type === "progress") {
      const r = this.#running.get(e.node.key);
      if (r) [r.done, r.total] = [e.event.done, Math.max(1, e.event.total)];
      if (r && r.first === undefined) [r.first, r.base] = [performance.now(), e.event.done];
    }
  }

  /** Number of nodes computing now. */
  get running(): number {
    return this.#running.size;
  }

  /** Cost-weighted fraction of the work to run that is done, in [0, 1]. */
  fraction(): number {
    if (this.#total === 0) return 1;
    let done = this.#finished;
    for (const [key, r] of this.#running) {
      done += (this.#cost.get(key) ?? 0) * Math.min(1, r.done / r.total);
    }
    return Math.min(1, done / this.#total);
  }

  percent(): number {
    return Math.floor(100 * this.fraction());
  }

  /** Seconds left, extrapolated from the elapsed time. */
  eta(): number {
    const f = this.fraction();
    const elapsed = (performance.now() - this.#t0) / 1000;
    return f <= 0 ? Infinity : (elapsed * (1 - f)) / f;
  }

  /**
   * `12.5/s` for a running node (units of its `progress`), measured from its first progress
   * report: the time before it (worker start-up, a Slurm job's queue wait) is not work.
   */
  rate(key: string): string {
    const r = this.#running.get(key);
    if (!r || r.first === undefined || r.done <= r.base) return "";
    const perSecond = (r.done - r.base) / ((performance.now() - r.first) / 1000);
    return perSecond >= 1 ? `${perSecond.toFixed(1)}/s` : `${(1 / perSecond).toFixed(1)}s/it`;
  }

  /** `3/10 nodes` */
  nodesText(): string {
    return `${this.#ended}/${this.#nodes} nodes`;
  }
}
