/**
 * The run ledger (`<store>/ledger.jsonl`): one JSON line per run, appended when the run ends
 * (also after a failure or Ctrl-C). It is never pruned by gc. `deno task runs` reads it.
 *
 * @module
 */
import { hostname } from "node:os";
import { canonicalJson } from "../common/hash.ts";
import type { Outcomes } from "./runner.ts";
import type { Plan } from "../plan/plan.ts";
import type { Project } from "../project.ts";
import { readRunParamsDiff } from "./params_diff.ts";

/** One node's record in a run. */
export interface LedgerNode {
  readonly key: string;
  readonly stage: string;
  readonly variants: readonly string[];
  readonly status: string;
  readonly seconds: number;
  /** The stage's `cost(params)`: lets a later run scale this node's seconds (its ETA). */
  readonly cost?: number;
  readonly summary?: Readonly<Record<string, unknown>>;
  readonly error?: string;
  readonly log?: string;
}

/** One run. */
export interface LedgerEntry {
  readonly id: string;
  readonly started: string;
  readonly finished: string;
  readonly seconds: number;
  readonly status: "ok" | "failed" | "interrupted";
  readonly experiment: string;
  readonly files: readonly string[];
  readonly set: readonly string[];
  readonly argv: readonly string[];
  readonly git: { readonly commit: string | null; readonly dirty: boolean | null };
  readonly host: string;
  readonly deno: string;
  readonly os: string;
  readonly executor: string;
  /** Per variant run (`*` = experiment level): `stage.param` / global → value, where not default. */
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly backends: readonly string[];
  readonly counts: Readonly<Record<string, number>>;
  readonly nodes: readonly LedgerNode[];
}

/** A sortable, readable run id: `YYYYMMDD-HHMMSS-xxxx` (UTC time, 4 random hex digits). */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${crypto.randomUUID().slice(0, 4)}`;
}

/** Builds the ledger entry of a finished run. */
export async function ledgerEntry(
  project: Project,
  plan: Plan,
  outcomes: Outcomes,
  meta: {
    id: string;
    started: Date;
    interrupted: boolean;
    executor: string;
    argv: readonly string[];
  },
): Promise<LedgerEntry> {
  const nodes: LedgerNode[] = plan.nodes.filter((n) => outcomes.has(n.key)).map((n) => {
    const o = outcomes.get(n.key)!;
    return { key: n.key, stage: n.stage, variants: n.variants, cost: n.cost, ...o };
  });
  const counts: Record<string, number> = {};
  for (const n of nodes) counts[n.status] = (counts[n.status] ?? 0) + 1;
  const backends = [
    ...new Set(nodes.map((n) => n.summary?.backend).filter((b) => typeof b === "string")),
  ];
  const finished = new Date();
  return {
    id: meta.id,
    started: meta.started.toISOString(),
    finished: finished.toISOString(),
    seconds: (finished.getTime() - meta.started.getTime()) / 1000,
    status: meta.interrupted ? "interrupted" : counts.failed || counts.skipped ? "failed" : "ok",
    experiment: plan.experiment.name,
    files: plan.experiment.files,
    set: plan.experiment.set,
    argv: meta.argv,
    git: await gitState(project.root),
    host: hostname(),
    deno: Deno.version.deno,
    os: `${Deno.build.os}-${Deno.build.arch}`,
    executor: meta.executor,
    params: readRunParamsDiff(project, plan),
    backends: backends as string[],
    counts,
    nodes,
  };
}

/** Appends one line (a single write, so concurrent runs do not interleave lines). */
export async function appendLedger(path: string, entry: LedgerEntry): Promise<void> {
  await Deno.writeTextFile(path, JSON.stringify(entry) + "\n", { append: true, create: true });
}

/** Every run in the ledger, oldest first; unreadable lines are skipped. */
export async function readLedger(path: string): Promise<LedgerEntry[]> {
  const text = await Deno.readTextFile(path).catch(() => "");
  return text.split("\n").filter((l) => l.trim()).flatMap((l) => {
    try {
      return [JSON.parse(l) as LedgerEntry];
    } catch {
      return [];
    }
  });
}

async function gitState(cwd: string): Promise<LedgerEntry["git"]> {
  const git = async (...args: string[]) => {
    try {
      const out = await new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "null" })
        .output();
      return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
    } catch {
      return null;
    }
  };
  const commit = await git("rev-parse", "HEAD");
  const status = commit === null
    ? null
    : await git("status", "--porcelain", "--untracked-files=no");
  return { commit, dirty: status === null ? null : status !== "" };
}

/** Canonical string of a value, for comparisons in `runs`. */
export function show(v: unknown): string {
  return v === undefined ? "—" : typeof v === "string" ? v : canonicalJson(v);
}
