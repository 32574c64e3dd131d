/**
 * `runs` lists the ledger; `runs <id>` shows one run; `runs <a> <b>` compares two (what changed:
 * params and metrics, rounded, fitting the terminal; `--all` everything, `--json` for machines;
 * see `runs_diff.ts`). Ids match by prefix; `last` is the newest run.
 *
 * @module
 */
import { parseCommandArgs } from "../pipeline/common/flags.ts";
import { openStore } from "../pipeline/api.ts";
import { type LedgerEntry, readLedger, show } from "../pipeline/run/ledger.ts";
import type { Project } from "../pipeline/project.ts";
import { duration, table, variantsCell } from "../pipeline/common/table.ts";
import { commitOf, diffRuns, fmtNumber, renderDiff } from "../pipeline/run/runs_diff.ts";

/** Runs `runs`; returns the exit code. */
export async function runsCommand(project: Project, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("runs", {
    args,
    allowPositionals: true,
    strict: true,
    options: {
      store: { type: "string" },
      all: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(RUNS_USAGE);
    return 0;
  }
  if (positionals.length > 2) {
    console.error(`✖ runs: expected at most two run ids, got ${positionals.length} (see --help)`);
    return 2;
  }
  const store = openStore(project, values.store);
  const ledger = await readLedger(store.ledgerPath);
  if (ledger.length === 0) {
    console.log(`no runs recorded in ${store.ledgerPath}`);
    return 0;
  }
  const picked = positionals.map((id) => pick(ledger, id));
  if (picked.some((e) => e === undefined)) return 2;
  const [a, b] = picked as LedgerEntry[];
  const width = terminalWidth();
  if (a && b) {
    const diff = diffRuns(a, b, { all: values.all });
    console.log(
      values.json ? JSON.stringify(diff, null, 2) : renderDiff(diff, { width, all: values.all }),
    );
  } else if (a) {
    console.log(values.json ? JSON.stringify(a, null, 2) : details(a, values.all, width));
  } else if (values.json) {
    console.log(JSON.stringify(values.all ? ledger : ledger.slice(-20), null, 2));
  } else console.log(list(values.all ? ledger : ledger.slice(-20)));
  return 0;
}

function pick(ledger: LedgerEntry[], id: string): LedgerEntry | undefined {
  const found = id === "last" ? ledger.slice(-1) : ledger.filter((e) => e.id.startsWith(id));
  if (found.length !== 1) {
    console.error(`runs: ${found.length === 0 ? "no run" : "several runs"} match "${id}"`);
  }
  return found.length === 1 ? found[0] : undefined;
}

function list(entries: LedgerEntry[]): string {
  const rows = entries.map((e) => [
    e.id,
    e.experiment,
    e.status,
    `${e.counts.ran ?? 0}/${e.counts.hit ?? 0}/${(e.counts.failed ?? 0) + (e.counts.skipped ?? 0)}`,
    duration(e.seconds),
    commitOf(e),
    e.backends.join(", "),
  ]);
  return table(
    ["run", "experiment", "status", "ran/cached/failed", "time", "commit", "backend"],
    rows,
  ) +
    "\n(* = uncommitted changes)";
}

function details(e: LedgerEntry, full: boolean, width: number): string {
  const head =
    `${e.id} · ${e.experiment} · ${e.status} · ${duration(e.seconds)} · commit ${commitOf(e)} · ` +
    `${e.host} · deno ${e.deno} · ${e.executor}${
      e.set.length ? ` · --set ${e.set.join(" ")}` : ""
    }`;
  const paramRows = Object.entries(e.params).map((
    [v, p],
  ) => [v, Object.entries(p).map(([k, x]) => `${k}=${show(x)}`).join(" ")]);
  const nodeRows = e.nodes.map((n) => [
    n.stage,
    variantsCell(n.variants),
    n.status,
    duration(n.seconds),
    summaryText(n.summary, full),
  ]);
  if (full) {
    return `${head}\n${table(["variant", "params (differing from defaults)"], paramRows)}\n${
      table(["stage", "variant", "result", "time", "summary"], nodeRows)
    }`;
  }
  // Fit the terminal: the label columns keep their width (up to a cap), the long text wraps.
  const col = (rows: string[][], i: number, cap: number) =>
    Math.min(cap, Math.max(...rows.map((r) => r[i].length), 6) + 2);
  const v = col(paramRows.length ? paramRows : [["variant", ""]], 0, 44);
  const params = table(["variant", "params (differing from defaults)"], paramRows, {
    colWidths: [v, Math.max(20, width - v - 3)],
  });
  const widths = [0, 1, 2, 3].map((i) =>
    col(nodeRows.length ? nodeRows : [["", "", "", ""]], i, 30)
  );
  const rest = width - widths.reduce((s, w) => s + w, 0) - 6;
  const nodes = table(["stage", "variant", "result", "time", "summary"], nodeRows, {
    colWidths: [...widths, Math.max(20, rest)],
  });
  return `${head}\n${params}\n${nodes}`;
}

function summaryText(s: Readonly<Record<string, unknown>> | undefined, full = false): string {
  const value = (v: unknown) => typeof v === "number" && !full ? fmtNumber(v) : show(v);
  return s ? Object.entries(s).map(([k, v]) => `${k}=${value(v)}`).join(" ") : "";
}

/** The terminal's width on a TTY (at least 80), else 120. */
function terminalWidth(): number {
  try {
    if (Deno.stdout.isTerminal()) return Math.max(80, Deno.consoleSize().columns);
  } catch {
    // not a terminal
  }
  return 120;
}

/** `runs --help`. */
export const RUNS_USAGE = `Usage: deno task runs [id [id]] [--all] [--json] [--store DIR]

  runs                 the last 20 runs of the ledger (--all: every run)
  runs ID              one run: its params (differing from defaults) and every node
  runs A B             what changed from A to B: params and metrics that differ, rounded to 4
                       significant digits, fitting the terminal (120 columns when piped)
  --all                everything: unchanged params and metrics, nodes of one run only, full
                       precision, no width limit
  --json               the same data as JSON, for machines
  --store DIR          artifact store whose ledger to read (default: $KEYPOINTGAN_STORE, else .cache)

Ids match by prefix; "last" is the newest run.`;
