/**
 * `gc [--dry-run] [--store DIR]`: what is reachable (see gc.ts) is computed by planning every
 * experiment file in the experiments folder; an invalid experiment file aborts gc, because
 * reachability would then be unknown.
 *
 * @module
 */
import { parseCommandArgs } from "../pipeline/common/flags.ts";
import { GC_USAGE } from "./usage.ts";
import { load, openStore, plan } from "../pipeline/api.ts";
import { listExperiments } from "../pipeline/experiment/experiment_load.ts";
import { collectGarbage, type GcItem } from "../pipeline/store/gc.ts";
import type { Project } from "../pipeline/project.ts";
import type { Store } from "../pipeline/store/store.ts";
import { bytes, table } from "../pipeline/common/table.ts";

/** Keys planned from every experiment in the project's experiments folder. */
export async function reachableKeys(project: Project, store: Store): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const name of listExperiments(project)) {
    const p = await plan(project, await load(project, name), store);
    for (const n of p.nodes) keys.add(n.key);
  }
  return keys;
}

/** A table of what was freed per kind and stage, and the total. */
export function gcReport(items: readonly GcItem[], dryRun: boolean): string {
  if (items.length === 0) return "gc: nothing to remove";
  const groups = new Map<string, { n: number; bytes: number }>();
  for (const i of items) {
    const k = `${i.kind}\u0000${i.stage}`;
    const g = groups.get(k) ?? { n: 0, bytes: 0 };
    groups.set(k, { n: g.n + 1, bytes: g.bytes + i.bytes });
  }
  const rows = [...groups].map(([k, g]) => [...k.split("\u0000"), g.n, bytes(g.bytes)]);
  const total = items.reduce((a, i) => a + i.bytes, 0);
  return `${table(["kind", "stage", "count", "size"], rows)}\ngc: ${
    dryRun ? "would free" : "freed"
  } ${bytes(total)}`;
}

/** Runs `gc`; returns the exit code. */
export async function gcCommand(project: Project, args: string[]): Promise<number> {
  const { values } = parseCommandArgs("gc", {
    args,
    options: {
      "dry-run": { type: "boolean", default: false },
      store: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(GC_USAGE);
    return 0;
  }
  const store = openStore(project, values.store);
  const keep = await reachableKeys(project, store);
  const items = await collectGarbage(store, keep, values["dry-run"], project.executors);
  console.log(gcReport(items, values["dry-run"]));
  return 0;
}
