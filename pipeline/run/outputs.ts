/**
 * Checks on what a stage produced: exactly its declared outputs (a trailing `/` declares a
 * directory, anything inside it is allowed), and a ledger summary of scalars.
 *
 * @module
 */
import { join } from "node:path";
import { listTree, removeIfExists } from "../common/fsutil.ts";
import type { StageDef, StageSummary } from "../stage.ts";
import type { Store } from "../store/store.ts";

/** Throws if `dir` misses a declared output or holds anything undeclared. */
export async function checkOutputs(stage: StageDef, dir: string): Promise<void> {
  const { files, dirs } = await listTree(dir);
  const declaredDirs = stage.outputs.filter((o) => o.endsWith("/")).map((o) => o.slice(0, -1));
  const declaredFiles = stage.outputs.filter((o) => !o.endsWith("/"));
  const missing = [
    ...declaredFiles.filter((f) => !files.includes(f)),
    ...declaredDirs.filter((d) => !dirs.includes(d)).map((d) => `${d}/`),
  ];
  if (missing.length) {
    throw new Error(
      `stage "${stage.name}" did not write declared output(s): ${missing.join(", ")}`,
    );
  }
  const inDeclaredDir = (f: string) => declaredDirs.some((d) => f.startsWith(`${d}/`));
  const extra = files.filter((f) => !declaredFiles.includes(f) && !inDeclaredDir(f));
  if (extra.length) {
    throw new Error(
      `stage "${stage.name}" wrote undeclared file(s): ${extra.join(", ")} (add them to outputs)`,
    );
  }
}

/** Throws unless the summary is a flat record of JSON scalars (finite numbers). */
export function checkSummary(summary: unknown): asserts summary is StageSummary {
  if (typeof summary !== "object" || summary === null || Array.isArray(summary)) {
    throw new Error("a stage's run() must return a record of scalars (or nothing)");
  }
  for (const [k, v] of Object.entries(summary)) {
    const ok = v === null || ["string", "boolean"].includes(typeof v) ||
      (typeof v === "number" && Number.isFinite(v));
    if (!ok) throw new Error(`summary.${k} must be a string, boolean, finite number or null`);
  }
}

/** Removes staging directories of `key` left by crashed attempts (call with the lock held). */
export async function cleanStaging(store: Store, key: string): Promise<void> {
  const tmp = join(store.dir, "tmp");
  try {
    for await (const e of Deno.readDir(tmp)) {
      if (e.name.startsWith(`${key}.`)) await removeIfExists(join(tmp, e.name));
    }
  } catch {
    // no tmp dir yet
  }
}
