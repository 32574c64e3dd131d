/**
 * `runs` lists the ledger; `runs <id>` shows one run; `runs <a> <b>` compares two (params that
 * differ per variant, and every stage summary side by side with deltas). Ids match by prefix;
 * `last` is the newest run.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { openStore } from "./api.ts";
import { type LedgerEntry, readLedger, show } from "./ledger.ts";
import type { Project } from "./project.ts";
import { duration, table, variantsCell } from "./table.ts";

/** Runs `runs`; returns the exit code. */
export async function runsCommand(project: Project, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { store: { type: "string" }, all: { type: "boolean", default: false } },
  });
  const store = openStore(project, values.store);
  const ledger = await readLedger(store.ledgerPath);
  if (ledger.length === 0) {
    console.log(`no runs recorded in ${store.ledgerPath}`);
    return 0;
  }
  const picked = positionals.map((id) => pick(ledger, id));
  if (picked.some((e) => e === undefined)) return 2;
  const [a, b] = picked as LedgerEntry[];
  if (a && b) console.log(compare(a, b));
  else if (a) console.log(details(a));
  else console.log(list(values.all ? ledger : ledger.slice(-20)));
  return 0;
}

function pick(ledger: LedgerEntry[], id: string): LedgerEntry | undefined {
  const found = id === "last" ? ledger.slice(-1) : ledger.filter((e) => e.id.startsWith(id));
  if (found.length !== 1) {
    console.error(`runs: ${found.length === 0 ? "no run" : "several runs"} match "${id}"`);
  }
  return found.length === 1 ? found[0] : undefined;
}

function commit(e: LedgerEntry): string {
  return e.git.commit === null ? "—" : `${e.git.commit.slice(0, 7)}${e.git.dirty ? "*" : ""}`;
}

function list(entries: LedgerEntry[]): string {
  const rows = entries.map((e) => [
    e.id,
    e.experiment,
    e.status,
    `${e.counts.ran ?? 0}/${e.counts.hit ?? 0}/${(e.counts.failed ?? 0) + (e.counts.skipped ?? 0)}`,
    duration(e.seconds),
    commit(e),
    e.backends.join(", "),
  ]);
  return table(
    ["run", "experiment", "status", "ran/cached/failed", "time", "commit", "backend"],
    rows,
  ) +
    "\n(* = uncommitted changes)";
}

function details(e: LedgerEntry): string {
  const head =
    `${e.id} · ${e.experiment} · ${e.status} · ${duration(e.seconds)} · commit ${commit(e)} · ` +
    `${e.host} · deno ${e.deno} · ${e.executor}${
      e.set.length ? ` · --set ${e.set.join(" ")}` : ""
    }`;
  const params = table(
    ["variant", "params (differing from defaults)"],
    Object.entries(e.params).map((
      [v, p],
    ) => [v, Object.entries(p).map(([k, x]) => `${k}=${show(x)}`).join(" ")]),
  );
  const nodes = table(
    ["stage", "variant", "result", "time", "summary"],
    e.nodes.map((
      n,
    ) => [
      n.stage,
      variantsCell(n.variants),
      n.status,
      duration(n.seconds),
      summaryText(n.summary),
    ]),
  );
  return `${head}\n${params}\n${nodes}`;
}

function summaryText(s: Readonly<Record<string, unknown>> | undefined): string {
  return s ? Object.entries(s).map(([k, v]) => `${k}=${show(v)}`).join(" ") : "";
}

function compare(a: LedgerEntry, b: LedgerEntry): string {
  const rows: string[][] = [
    ["experiment", a.experiment, b.experiment, ""],
    ["commit", commit(a), commit(b), ""],
    ["status", a.status, b.status, ""],
    ["time", duration(a.seconds), duration(b.seconds), ""],
  ];
  for (const v of union(Object.keys(a.params), Object.keys(b.params))) {
    for (const k of union(Object.keys(a.params[v] ?? {}), Object.keys(b.params[v] ?? {}))) {
      const [x, y] = [show(a.params[v]?.[k]), show(b.params[v]?.[k])];
      if (x !== y) rows.push([`${v} ${k}`, x, y, ""]);
    }
  }
  const summaries = (e: LedgerEntry) =>
    new Map(e.nodes.map((n) => [`${n.stage} · ${n.variants.join(",")}`, n.summary ?? {}]));
  const [sa, sb] = [summaries(a), summaries(b)];
  for (const node of union([...sa.keys()], [...sb.keys()])) {
    for (const k of union(Object.keys(sa.get(node) ?? {}), Object.keys(sb.get(node) ?? {}))) {
      const [x, y] = [sa.get(node)?.[k], sb.get(node)?.[k]];
      const delta = typeof x === "number" && typeof y === "number" ? signed(y - x) : "";
      rows.push([`${node} ${k}`, show(x), show(y), delta]);
    }
  }
  return table(["", a.id, b.id, "Δ"], rows);
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

function signed(x: number): string {
  const s = Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3)
    ? x.toExponential(3)
    : String(+x.toFixed(4));
  return x > 0 ? `+${s}` : s;
}
