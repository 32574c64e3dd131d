/**
 * Progress of a long cell: one status line per run, kept current in the notebook through
 * display updates (`display_id`), or printed to stderr at node boundaries and every 10 % outside
 * Jupyter. Fed by the engine's run observer (the same events the CLI's bars consume).
 *
 * @module
 */
import type { RunEvent } from "../pipeline/mod.ts";
import { jupyterDisplay, type MimeBundle, settleDisplays } from "./display.ts";

interface Active {
  readonly label: string;
  done: number;
  total: number;
  info: string;
}

/** Minimum time between two display updates (a busy stage reports often). */
const UPDATE_MS = 250;
/** Minimum time between two printed progress lines of one node (outside Jupyter). */
const PRINT_MS = 5000;

/** Turns run events into a live status line; `finish()` shows the final counts. */
export class ProgressLine {
  readonly #display = jupyterDisplay();
  readonly #id = `kpg-progress-${crypto.randomUUID()}`;
  readonly #active = new Map<string, Active>();
  readonly #started = performance.now();
  #shown = false;
  #lastUpdate = 0;
  #lastTenth = new Map<string, { tenth: number; at: number }>();
  #ran = 0;
  #cached = 0;
  #failed = 0;
  #pending: Promise<void> = Promise.resolve();

  /** `total`: nodes the run needs (computed or cached). */
  constructor(readonly total: number, readonly title: string) {}

  /** The engine's observer. */
  readonly observe = (e: RunEvent): void => {
    const vs = e.node.variants;
    const label = `${e.node.stage} ${vs[0] ?? ""}${vs.length > 1 ? ` +${vs.length - 1}` : ""}`
      .trim();
    if (e.type === "node-start") {
      this.#active.set(e.node.key, { label, done: 0, total: 0, info: "" });
      this.#lastTenth.set(e.node.key, { tenth: 0, at: performance.now() });
      this.#print(`▶ ${label}`);
    } else if (e.type === "node-event" && e.event.type === "progress") {
      const a = this.#active.get(e.node.key);
      if (a) {
        Object.assign(a, { done: e.event.done, total: e.event.total, info: e.event.info ?? "" });
      }
      this.#printTenth(e.node.key, label, e.event.done, e.event.total);
    } else if (e.type === "node-event" && e.event.type === "warn") {
      // Warnings reach the notebook; plain log lines stay in the node's log file.
      this.#warn(`⚠ ${label}: ${e.event.message}`);
    } else if (e.type === "node-end") {
      this.#active.delete(e.node.key);
      const s = e.outcome.status;
      if (s === "ran") this.#ran++;
      else if (s === "hit") this.#cached++;
      else this.#failed++;
      if (s !== "hit") {
        this.#print(`${s === "ran" ? "✔" : "✖"} ${label} ${s} in ${e.outcome.seconds.toFixed(1)}s`);
      }
    }
    this.#update(e.type !== "node-event");
  };

  /** Shows the final line; resolves when the kernel has had time to publish it. */
  async finish(ok: boolean): Promise<void> {
    this.#update(true, ok ? "done" : "failed");
    await this.#pending;
    await settleDisplays();
  }

  /** The status line: counts, elapsed time, and each computing node's progress. */
  line(state = "running"): string {
    const secs = ((performance.now() - this.#started) / 1000).toFixed(1);
    const nodes = [...this.#active.values()].map((a) => {
      const pct = a.total > 0
        ? ` ${Math.floor((100 * a.done) / a.total)}% (${a.done}/${a.total})`
        : "";
      return `${a.label}${pct}${a.info ? ` ${a.info}` : ""}`;
    });
    const counts = `${this.#ran + this.#cached + this.#failed}/${this.total} nodes` +
      ` (${this.#ran} ran, ${this.#cached} cached${
        this.#failed ? `, ${this.#failed} failed` : ""
      })`;
    return [`${this.title}: ${state} · ${counts} · ${secs}s`, ...nodes.map((n) => `  ${n}`)].join(
      "\n",
    );
  }

  #update(force: boolean, state?: string): void {
    const show = this.#display;
    if (show === undefined) return;
    const now = performance.now();
    if (!force && now - this.#lastUpdate < UPDATE_MS) return;
    this.#lastUpdate = now;
    const bundle: MimeBundle = { "text/plain": this.line(state) };
    const update = this.#shown;
    this.#shown = true;
    // Updates are chained so they reach the kernel in order.
    this.#pending = this.#pending.then(() => show(bundle, { display_id: this.#id, update }))
      .catch(() => {});
  }

  /** A warning: its own display in the notebook (console output may land in another cell). */
  #warn(text: string): void {
    const show = this.#display;
    if (show === undefined) return void console.warn(text);
    this.#pending = this.#pending.then(() => show({ "text/plain": text }, {})).catch(() => {});
  }

  /** Outside Jupyter: a line per node start/end. */
  #print(text: string): void {
    if (this.#display === undefined) console.error(text);
  }

  /** Outside Jupyter: a line at a new 10 % of a node, at most every 5 s (like the CLI's logs). */
  #printTenth(key: string, label: string, done: number, total: number): void {
    if (this.#display !== undefined || total <= 0) return;
    const tenth = Math.floor((10 * done) / total), now = performance.now();
    const last = this.#lastTenth.get(key) ?? { tenth: 0, at: now };
    if (tenth === last.tenth || now - last.at < PRINT_MS) return;
    this.#lastTenth.set(key, { tenth, at: now });
    console.error(`  ${label} ${tenth * 10}% (${done}/${total})`);
  }
}
