/**
 * Formatting and recording of `deno task bench` results: the cli-table3 table, the target
 * checks, and the run-ledger entry (`<store>/ledger.jsonl`, shared with `deno task runs`:
 * the entry has the ledger's run fields, `kind: "bench"`, and one pseudo-node per measurement
 * whose `summary` holds its numbers, so `deno task runs <a> <b>` compares two bench runs).
 *
 * @module
 */
import Table from "cli-table3";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { REPO_ROOT } from "./children.ts";

/** One table row: a section, what, the measured value, and a note/target verdict. */
export interface Row {
  section: string;
  what: string;
  value: string;
  note: string;
}

/** A target check. */
export interface Target {
  name: string;
  /** undefined = not measured in this run. */
  pass: boolean | undefined;
  detail: string;
}

/** The results table as text. */
export function renderTable(rows: Row[], targets: Target[]): string {
  const t = new Table({ head: ["", "measurement", "value", "note"], style: { head: [] } });
  let last = "";
  for (const r of rows) {
    t.push([r.section === last ? "" : r.section, r.what, r.value, r.note]);
    last = r.section;
  }
  for (const [i, g] of targets.entries()) {
    const verdict = g.pass === undefined ? "not measured" : g.pass ? "PASS" : "FAIL";
    t.push([i === 0 ? "targets" : "", g.name, verdict, g.detail]);
  }
  return t.toString();
}

/** Seconds with 3 significant digits. */
export function secs(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return "—";
  return s >= 100 ? `${s.toFixed(0)} s` : s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(3)} s`;
}

/** Collects table rows, ledger nodes and raw results while the bench runs. */
export class Recorder {
  readonly rows: Row[] = [];
  readonly nodes: LedgerNodeLike[] = [];
  readonly results: Record<string, unknown> = {};

  row(section: string, what: string, value: string, note = ""): void {
    this.rows.push({ section, what, value, note });
  }

  /** A child's outcome as a ledger node (summary for successes, error for failures). */
  record(
    stage: string,
    variants: string[],
    r: { ok: true; seconds: number } | { ok: false; seconds: number; error: string },
    summary?: Record<string, unknown>,
  ): void {
    const key = `${stage}:${variants.join(",")}`;
    this.nodes.push(
      r.ok
        ? { key, stage, variants, status: "ran", seconds: r.seconds, summary }
        : { key, stage, variants, status: "failed", seconds: r.seconds, error: r.error },
    );
  }

  /** A measurement not taken, with why. */
  skipped(section: string, what: string, why: string, stage: string, variants: string[]): void {
    this.row(section, what, "skipped", why);
    this.nodes.push({
      key: `${stage}:${variants.join(",")}`,
      stage,
      variants,
      status: "skipped",
      seconds: 0,
    });
  }
}

/** 4 significant digits (ledger summaries). */
export function round(x: number): number {
  return Number(x.toPrecision(4));
}

/** A measurement recorded in the ledger. */
export interface LedgerNodeLike {
  key: string;
  stage: string;
  variants: string[];
  status: "ran" | "failed" | "skipped";
  seconds: number;
  summary?: Record<string, unknown>;
  error?: string;
}

async function git(...args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command("git", {
      args,
      cwd: REPO_ROOT,
      stdout: "piped",
      stderr: "null",
    })
      .output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

/** Append the bench run to the ledger; returns the ledger path. */
export async function appendBenchLedger(
  started: Date,
  argv: string[],
  machine: Record<string, unknown>,
  nodes: LedgerNodeLike[],
  results: Record<string, unknown>,
): Promise<string> {
  const store = Deno.env.get("KEYPOINTGAN_STORE");
  const dir = store ? resolve(store) : join(REPO_ROOT, ".cache");
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, "ledger.jsonl");
  const commit = await git("rev-parse", "HEAD");
  const dirty = commit === null
    ? null
    : (await git("status", "--porcelain", "--untracked-files=no")) !== "";
  const finished = new Date();
  const counts: Record<string, number> = {};
  for (const n of nodes) counts[n.status] = (counts[n.status] ?? 0) + 1;
  const entry = {
    kind: "bench",
    id: `${finished.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15)}-bench`,
    started: started.toISOString(),
    finished: finished.toISOString(),
    seconds: (finished.getTime() - started.getTime()) / 1000,
    status: nodes.some((n) => n.status === "failed") ? "failed" : "ok",
    experiment: "bench",
    files: [],
    set: [],
    argv,
    git: { commit, dirty },
    host: hostname(),
    deno: Deno.version.deno,
    os: `${Deno.build.os}-${Deno.build.arch}`,
    executor: "bench",
    params: {},
    backends: [
      ...new Set(nodes.map((n) => n.summary?.backend).filter((b) => typeof b === "string")),
    ],
    counts,
    nodes,
    machine,
    results,
  };
  await Deno.writeTextFile(path, JSON.stringify(entry) + "\n", { append: true, create: true });
  return path;
}
