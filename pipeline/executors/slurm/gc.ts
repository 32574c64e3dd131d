/**
 * gc of the Slurm executor's files (the plug-in's `gc` hook, which store/gc.ts calls): a job record is dropped once its node's
 * artifact exists or no experiment reaches its key; a run's job files, scripts and outputs go
 * with their key (like node logs), its store-check files once no record of that run is left,
 * and empty run folders last.
 *
 * @module
 */
import { join } from "node:path";
import { readJson } from "../../common/fsutil.ts";
import type { SlurmRecord } from "./records.ts";
import type { Store } from "../../store/store.ts";

/** Removes (or, dry-run, lists) one path; see gc.ts. */
export type SlurmDrop = (path: string, key: string, stage: string) => Promise<void>;

/** Collects what `keep` no longer needs under `<store>/slurm/`. */
export async function collectSlurm(
  store: Store,
  keep: ReadonlySet<string>,
  drop: SlurmDrop,
  dryRun: boolean,
): Promise<void> {
  const root = join(store.dir, "slurm");
  const liveRuns = new Set<string>();
  for (const file of await names(join(root, "nodes"))) {
    const path = join(root, "nodes", file);
    const rec = await readJson(path) as SlurmRecord | undefined;
    const key = file.replace(/\.json$/, "");
    const built = await exists(join(store.artifactDir(key), "manifest.json"));
    if (rec === undefined || built || !keep.has(key)) await drop(path, key, rec?.stage ?? "?");
    else liveRuns.add(rec.runId); // may still be queued or running: keep what it needs
  }
  const prefixes = new Set([...keep].map((k) => k.slice(0, 12)));
  for (const run of await names(root)) {
    if (run === "nodes") continue;
    const files = await names(join(root, run));
    let left = files.length;
    for (const file of files) {
      const [stage, key12] = file.split(".");
      const gone = stage === "store-check" ? !liveRuns.has(run) : !prefixes.has(key12);
      if (gone) {
        await drop(join(root, run, file), key12 ?? "", stage);
        left--;
      }
    }
    if (left === 0 && !dryRun) await Deno.remove(join(root, run)).catch(() => {});
  }
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) out.push(e.name);
  } catch {
    // no such folder: nothing to collect
  }
  return out.sort();
}
