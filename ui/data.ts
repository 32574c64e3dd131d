/**
 * What the run browser reads, read-only: the store's ledger (re-read on every request, so a run
 * that ends while the browser is open shows up), artifact files (only inside the artifact's own
 * folder, only of artifacts with a manifest), node logs (only inside the store), the training
 * curves of train artifacts (`metrics.jsonl`) and the paper tables of report artifacts
 * (`tables.json`).
 *
 * @module
 */
import { isAbsolute, join, normalize, relative, resolve, sep } from "node:path";
import { type LedgerEntry, readLedger, Store } from "../pipeline/mod.ts";
import type { LossPoint } from "../reports/charts_runs.ts";
import type { PaperTable } from "../reports/types.ts";

/** A ledger node. */
export type RunNode = LedgerEntry["nodes"][number];

/** Filters of the runs table. */
export interface RunFilter {
  readonly experiment?: string;
  readonly status?: string;
  /** A prefix of the commit. */
  readonly commit?: string;
}

/** At most this many points per loss and run (the curves are bucket means beyond it). */
const MAX_POINTS = 200;

/** The store, seen read-only. */
export class UiData {
  readonly store: Store;
  constructor(storeDir: string) {
    this.store = new Store(resolve(storeDir));
  }

  /** Every run, newest first. */
  async runs(filter: RunFilter = {}): Promise<LedgerEntry[]> {
    const all = (await readLedger(this.store.ledgerPath)).reverse();
    return all.filter((e) =>
      (!filter.experiment || e.experiment === filter.experiment) &&
      (!filter.status || e.status === filter.status) &&
      (!filter.commit || (e.git.commit ?? "").startsWith(filter.commit))
    );
  }

  /** The run with this id (or unique prefix; `last`). */
  async run(id: string): Promise<LedgerEntry | undefined> {
    const all = await this.runs();
    if (id === "last") return all[0];
    const found = all.filter((e) => e.id.startsWith(id));
    return found.length === 1 ? found[0] : undefined;
  }

  /**
   * Bytes of `path` inside artifact `key`, or undefined (no such artifact, no manifest, or a
   * path that leaves the artifact's folder).
   */
  async artifactFile(key: string, path: string): Promise<Uint8Array | undefined> {
    if (!/^[0-9a-f]{8,64}$/.test(key)) return undefined;
    const dir = this.store.artifactDir(key);
    const file = inside(dir, path);
    if (file === undefined) return undefined;
    try {
      if (!(await Deno.stat(join(dir, "manifest.json"))).isFile) return undefined;
      if (!(await Deno.stat(file)).isFile) return undefined;
      return await Deno.readFile(file);
    } catch {
      return undefined;
    }
  }

  /** A node's log, when the ledger names one inside the store. */
  async log(node: RunNode): Promise<string | undefined> {
    if (!node.log) return undefined;
    const file = inside(this.store.dir, relative(this.store.dir, resolve(node.log)));
    if (file === undefined) return undefined;
    return await Deno.readTextFile(file).catch(() => undefined);
  }

  /** Loss curves of the run's train nodes (`variant`: `series(node)`, `run`: the run id). */
  async curves(run: LedgerEntry, series: (n: RunNode) => string): Promise<LossPoint[]> {
    const out: LossPoint[] = [];
    for (const n of run.nodes.filter((n) => n.stage === "train")) {
      const bytes = await this.artifactFile(n.key, "metrics.jsonl");
      if (!bytes) continue;
      out.push(...lossPoints(new TextDecoder().decode(bytes), series(n), run.id));
    }
    return out;
  }

  /** The paper tables of the run's report node, when it has one in the store. */
  async tables(run: LedgerEntry): Promise<PaperTable[]> {
    const report = run.nodes.findLast((n) => n.stage === "report");
    if (!report) return [];
    const bytes = await this.artifactFile(report.key, "tables.json");
    if (!bytes) return [];
    try {
      const json = JSON.parse(new TextDecoder().decode(bytes));
      return Array.isArray(json.tables) ? json.tables : [];
    } catch {
      return [];
    }
  }
}

/** `dir/path` when it stays inside `dir`, else undefined. */
export function inside(dir: string, path: string): string | undefined {
  const file = resolve(dir, normalize(path));
  const rel = relative(dir, file);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return file;
}

/** `metrics.jsonl` → points, every loss, at most {@link MAX_POINTS} per loss (bucket means). */
export function lossPoints(jsonl: string, variant: string, run: string): LossPoint[] {
  const rows = jsonl.split("\n").filter((l) => l.trim()).flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  }).filter((r) => typeof r.step === "number");
  const losses = [
    ...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => k !== "step" && k !== "t"))),
  ];
  const size = Math.max(1, Math.ceil(rows.length / MAX_POINTS));
  const out: LossPoint[] = [];
  for (const loss of losses) {
    for (let i = 0; i < rows.length; i += size) {
      const bucket = rows.slice(i, i + size).filter((r) => typeof r[loss] === "number");
      if (!bucket.length) continue;
      const value = bucket.reduce((s, r) => s + (r[loss] as number), 0) / bucket.length;
      if (!Number.isFinite(value)) continue;
      out.push({ loss, variant, run, step: bucket[bucket.length - 1].step as number, value });
    }
  }
  return out;
}
