/**
 * The plan as a notebook table: every node with its stage, the runs it serves, its key, and
 * whether it is cached or will run — and why (the engine's `describeState`, the same words as
 * `--dry-run`).
 *
 * @module
 */
import { describeState, type Plan, type PlanNode, type Store } from "../pipeline/mod.ts";
import { esc } from "../reports/html.ts";
import { JUPYTER_DISPLAY, labHtml, type MimeBundle } from "./display.ts";

const STYLE = `<style>
.kpg-lab table.plan td, .kpg-lab table.plan th { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
.kpg-lab table.plan tr.cached td.state { color: #16661a; }
.kpg-lab table.plan tr.run td.state { color: #8a5a00; font-weight: 600; }
</style>`;

/** A plan, displayable; `nodes` keeps the engine's objects for code that wants them. */
export class PlanView {
  constructor(readonly plan: Plan, readonly store: Store) {}

  get nodes(): readonly PlanNode[] {
    return this.plan.nodes;
  }
  /** Nodes found in the store. */
  get cached(): number {
    return this.plan.nodes.filter((n) => n.state.status === "cached").length;
  }
  /** Nodes that would compute. */
  get toRun(): number {
    return this.plan.nodes.length - this.cached;
  }

  /** `smoke — 15 runs, 38 nodes: 7 cached, 31 to run`. */
  headline(): string {
    const e = this.plan.experiment;
    return `${e.name} — ${e.runs.length} run${e.runs.length === 1 ? "" : "s"}, ` +
      `${this.plan.nodes.length} nodes: ${this.cached} cached, ${this.toRun} to run`;
  }

  /** The runs a node serves: all of them for fan-in nodes, else the labels. */
  #variants(n: PlanNode): string[] {
    const all = this.plan.experiment.runs.length;
    return n.level === "experiment" && all > 1 ? [`(all ${all} runs)`] : n.variants;
  }

  toString(): string {
    const rows = this.plan.nodes.map((n) =>
      `${n.stage.padEnd(20)} ${n.key.slice(0, 12)}  ${describeState(n.state).padEnd(10)}  ${
        this.#variants(n).join(", ")
      }`
    );
    return [this.headline(), ...rows].join("\n");
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const rows = this.plan.nodes.map((n) => {
      const cls = n.state.status === "cached" ? "cached" : "run";
      const vs = this.#variants(n);
      const variants = vs.length <= 2
        ? vs.map(esc).join("<br>")
        : `<details><summary>${esc(vs[0])} +${vs.length - 1}</summary>${
          vs.slice(1).map(esc).join("<br>")
        }</details>`;
      const state = n.state.status === "cached" ? "cached" : "to run";
      const why = n.state.status === "cached" ? "" : describeState(n.state);
      return `<tr class="${cls}"><td>${esc(n.stage)}</td><td>${variants}</td>` +
        `<td><code title="${esc(n.key)}">${esc(n.key.slice(0, 12))}</code></td>` +
        `<td class="state">${state}</td><td>${esc(why)}</td></tr>`;
    }).join("\n");
    return {
      "text/html": labHtml(
        `${STYLE}<p><strong>${esc(this.headline())}</strong> <span class="muted">· store ${
          esc(this.store.dir)
        }</span></p><table class="plan"><thead><tr><th>stage</th><th>runs</th><th>key</th>` +
          `<th>state</th><th>why</th></tr></thead><tbody>${rows}</tbody></table>`,
      ),
      "text/plain": this.toString(),
    };
  }
}
