/**
 * What `run` prints: the plan header, the `--dry-run` table, the display outputs and the final
 * summary (cli-table3), and the failure list naming each log.
 *
 * @module
 */
import { join } from "node:path";
import type { Plan } from "../pipeline/plan/plan.ts";
import type { Outcomes } from "../pipeline/run/runner.ts";
import { describeState } from "../pipeline/plan/state.ts";
import type { Project } from "../pipeline/project.ts";
import { duration, table, variantsCell } from "../pipeline/common/table.ts";
import type { Store } from "../pipeline/store/store.ts";
import { displayPath } from "../pipeline/experiment/experiment_load.ts";

/** `fx — 3 runs, 10 nodes: 7 cached, 3 to run · store .cache · in-process` */
export function planHeader(plan: Plan, store: Store, executor: string): string {
  const cached = plan.nodes.filter((n) => n.state.status === "cached").length;
  const exp = plan.experiment;
  const where = exp.files[0] ? ` (${exp.files[0]})` : "";
  return `${exp.name}${where} — ${exp.runs.length} run${exp.runs.length === 1 ? "" : "s"}, ` +
    `${plan.nodes.length} nodes: ${cached} cached, ${plan.nodes.length - cached} to run · ` +
    `store ${displayPath(store.dir)} · ${executor}`;
}

/** The `--dry-run` table: every node with its state and why. */
export function planTable(plan: Plan): string {
  const all = plan.experiment.runs.length;
  return table(
    ["stage", "variant", "key", "state"],
    plan.nodes.map((
      n,
    ) => [n.stage, variantsCell(n.variants, all), n.key.slice(0, 12), describeState(n.state)]),
  );
}

/** Texts of the `display` outputs of completed nodes (e.g. the report's tables) and their folders. */
export async function displays(
  project: Project,
  plan: Plan,
  store: Store,
  outcomes: Outcomes,
): Promise<{ text: string; dir: string }[]> {
  const out: { text: string; dir: string }[] = [];
  for (const node of plan.nodes) {
    const file = project.registry[node.stage].display;
    const o = outcomes.get(node.key);
    if (file === undefined || !o || (o.status !== "ran" && o.status !== "hit")) continue;
    const text = await Deno.readTextFile(join(store.artifactDir(node.key), file)).catch(() =>
      undefined
    );
    if (text !== undefined) out.push({ text: text.trimEnd(), dir: store.artifactDir(node.key) });
  }
  return out;
}

/** The final per-node table and the totals line. */
export function summary(plan: Plan, outcomes: Outcomes, seconds: number): string {
  const all = plan.experiment.runs.length;
  const rows = plan.nodes.filter((n) => outcomes.has(n.key)).map((n) => {
    const o = outcomes.get(n.key)!;
    const result = o.status === "hit" ? "cached" : o.status;
    return [
      n.stage,
      variantsCell(n.variants, all),
      result,
      o.status === "hit" && n.state.status === "cached" ? "" : duration(o.seconds),
    ];
  });
  const counts = new Map<string, number>();
  for (const o of outcomes.values()) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
  const parts = ["ran", "hit", "failed", "skipped", "aborted"].filter((s) => counts.get(s))
    .map((s) => `${counts.get(s)} ${s === "hit" ? "cached" : s}`);
  return `${table(["stage", "variant", "result", "time"], rows)}\n${parts.join(", ")} — total ${
    duration(seconds)
  }`;
}

/** One line per failed node: what failed, the error, where the log is. */
export function failures(plan: Plan, outcomes: Outcomes): string[] {
  return plan.nodes.flatMap((n) => {
    const o = outcomes.get(n.key);
    if (o?.status !== "failed") return [];
    return [
      `✖ ${n.stage} (${n.variants.join(", ")}): ${o.error}${o.log ? `\n    log: ${o.log}` : ""}`,
    ];
  });
}
