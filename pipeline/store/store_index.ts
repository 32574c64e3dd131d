/**
 * The plan index: the last key (and spec) computed for each (experiment, variant, stage), one
 * small file each (no read-modify-write races between runs). `--dry-run` diffs against it to
 * say WHY a node will run (param X changed a→b, code changed in file F, input changed).
 *
 * @module
 */
import { join } from "node:path";
import { readJson, writeAtomic } from "../common/fsutil.ts";
import type { NodeSpec } from "./manifest.ts";
import type { Store } from "./store.ts";

/** One index entry. */
export interface IndexEntry {
  readonly key: string;
  readonly spec: NodeSpec;
  readonly files: Readonly<Record<string, string>>;
  readonly packages: Readonly<Record<string, string>>;
  readonly runId: string;
}

/** Label under which experiment-level (fan-in) nodes are indexed. */
export const EXPERIMENT_LEVEL = "*";

function entryPath(store: Store, experiment: string, variant: string, stage: string): string {
  const enc = (s: string) => encodeURIComponent(s).replaceAll("*", "%2A");
  return join(store.dir, "index", enc(experiment), enc(variant), `${stage}.json`);
}

/** The entry last written for (experiment, variant, stage). */
export async function readIndex(store: Store, experiment: string, variant: string, stage: string) {
  return await readJson(entryPath(store, experiment, variant, stage)) as IndexEntry | undefined;
}

/** Records that (experiment, variant, stage) now resolves to `entry.key`. */
export async function writeIndex(
  store: Store,
  experiment: string,
  variant: string,
  stage: string,
  entry: IndexEntry,
): Promise<void> {
  await writeAtomic(entryPath(store, experiment, variant, stage), JSON.stringify(entry) + "\n");
}
