/**
 * Garbage collection. Reachable = every node key planned, with the current code and no
 * overrides, from every experiment file in the experiments folder (plus keys the caller adds,
 * e.g. the plan of the run that just finished with `--set`s). Everything else goes: artifacts,
 * work dirs (resume state), failure records, logs of those keys, staging dirs and stale
 * locks, and what executor plug-ins keep in the store (their `gc` hook). Nodes whose lock is held by a live run are never touched. The ledger and the plan
 * index are never deleted.
 *
 * @module
 */
import { join } from "node:path";
import { readJson, removeIfExists, treeSize } from "../common/fsutil.ts";
import { isLocked } from "./lock.ts";
import type { Store } from "./store.ts";

/** An executor plug-in's gc of its own files: `drop(path, key, stage)` what `keep` no longer needs. */
export type StoreGc = (
  store: Store,
  keep: ReadonlySet<string>,
  drop: (path: string, key: string, stage: string) => Promise<void>,
  dryRun: boolean,
) => Promise<void>;

/** One removed (or, dry-run, removable) entry. */
export interface GcItem {
  /** `artifact`, `work`, `failed`, `staging`, `log`, `lock`, `job`, or a plug-in's kind. */
  readonly kind: string;
  readonly key: string;
  readonly stage: string;
  readonly bytes: number;
}

/** Removes what `keep` does not reach; returns what was (or would be) freed. */
export async function collectGarbage(
  store: Store,
  keep: ReadonlySet<string>,
  dryRun = false,
  executors: readonly { readonly kind: string; readonly gc?: StoreGc }[] = [],
): Promise<GcItem[]> {
  const items: GcItem[] = [];
  const busy = async (key: string) => await isLocked(store.lockPath(key));
  const drop = async (kind: GcItem["kind"], path: string, key: string, stage: string) => {
    items.push({ kind, key, stage, bytes: await treeSize(path) });
    if (!dryRun) await removeIfExists(path);
  };
  for (const key of await names(join(store.dir, "artifacts"))) {
    if (keep.has(key) || await busy(key)) continue;
    const m = await readJson(join(store.artifactDir(key), "manifest.json")) as
      | { stage?: string }
      | undefined;
    await drop("artifact", store.artifactDir(key), key, m?.stage ?? "?");
  }
  for (const key of await names(join(store.dir, "work"))) {
    if (!keep.has(key) && !(await busy(key))) await drop("work", store.workDir(key), key, "?");
  }
  for (const file of await names(join(store.dir, "failed"))) {
    const key = file.replace(/\.json$/, "");
    const rec = await readJson(store.failedPath(key)) as { stage?: string } | undefined;
    if (!keep.has(key)) await drop("failed", store.failedPath(key), key, rec?.stage ?? "?");
  }
  for (const name of await names(join(store.dir, "tmp"))) {
    const key = name.split(".")[0];
    if (!(await busy(key))) await drop("staging", join(store.dir, "tmp", name), key, "?");
  }
  for (const file of await names(join(store.dir, "locks"))) {
    const key = file.replace(/\.lock$/, "");
    if (!(await busy(key))) await drop("lock", store.lockPath(key), key, "?");
  }
  await dropLogs(store, keep, drop);
  await dropDir(join(store.dir, "jobs"), "job", busy, drop);
  for (const e of executors) {
    await e.gc?.(store, keep, (path, key, stage) => drop(e.kind, path, key, stage), dryRun);
  }
  return items;
}

type Drop = (kind: GcItem["kind"], path: string, key: string, stage: string) => Promise<void>;

/** Logs are named `<stage>.<key12>.log` under `logs/<runId>/`. */
async function dropLogs(store: Store, keep: ReadonlySet<string>, drop: Drop) {
  const prefixes = new Set([...keep].map((k) => k.slice(0, 12)));
  for (const run of await names(join(store.dir, "logs"))) {
    for (const file of await names(join(store.dir, "logs", run))) {
      const [stage, key12] = file.split(".");
      if (!prefixes.has(key12)) await drop("log", join(store.dir, "logs", run, file), key12, stage);
    }
  }
}

/** Job files (`jobs/<runId>/<key>.json`) left by killed workers. */
async function dropDir(
  dir: string,
  kind: GcItem["kind"],
  busy: (k: string) => Promise<boolean>,
  drop: Drop,
) {
  for (const run of await names(dir)) {
    for (const file of await names(join(dir, run))) {
      const key = file.replace(/\.json$/, "");
      if (!(await busy(key))) await drop(kind, join(dir, run, file), key, "?");
    }
  }
}

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) out.push(e.name);
  } catch {
    // missing folder: nothing to collect
  }
  return out.sort();
}
