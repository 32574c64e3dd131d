/**
 * Which Slurm job computes which node: `<store>/slurm/nodes/<key>.json`, written right after
 * `sbatch` returns and removed when the job has ended. A controller that crashed (or was told
 * to keep its jobs on Ctrl-C) leaves these behind; the next run finds a live job for a node it
 * needs and follows it instead of submitting a duplicate. Keys are content addresses, so a
 * job recorded under a key computes exactly what the new plan needs.
 *
 * Files of one controller run live in `<store>/slurm/<run-id>/`: per node the job file, the
 * batch script and the job's output (`<stage>.<key12>.<jobid>.out`, its event lines and
 * stderr), and the store check's files.
 *
 * @module
 */
import { join } from "node:path";
import { readJson, removeIfExists, writeAtomic } from "../../common/fsutil.ts";
import type { Store } from "../../store/store.ts";

/** One submitted node job. */
export interface SlurmRecord {
  readonly jobId: string;
  readonly key: string;
  readonly stage: string;
  readonly variants: readonly string[];
  readonly runId: string;
  readonly submitted: string;
  /** Host of the controller that submitted it. */
  readonly controller: string;
  readonly output: string;
  readonly script: string;
  readonly jobFile: string;
}

/** `<store>/slurm/<run-id>/`. */
export function runDir(store: Store, runId: string): string {
  return join(store.dir, "slurm", runId);
}

function recordPath(store: Store, key: string): string {
  return join(store.dir, "slurm", "nodes", `${key}.json`);
}

/** The record of `key`, if a job was submitted for it and not yet cleaned up. */
export async function readRecord(store: Store, key: string): Promise<SlurmRecord | undefined> {
  const raw = await readJson(recordPath(store, key)) as SlurmRecord | undefined;
  return raw && typeof raw.jobId === "string" && raw.key === key ? raw : undefined;
}

/** Records the job computing `record.key`. */
export async function writeRecord(store: Store, record: SlurmRecord): Promise<void> {
  await writeAtomic(recordPath(store, record.key), JSON.stringify(record, null, 2) + "\n");
}

/** Forgets the job of `key` (it ended), unless another job was recorded since. */
export async function removeRecord(store: Store, key: string, jobId: string): Promise<void> {
  const now = await readRecord(store, key);
  if (now?.jobId === jobId) await removeIfExists(recordPath(store, key));
}
