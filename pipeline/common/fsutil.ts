/**
 * Small filesystem helpers for the store: recursive listing, atomic text writes, and
 * "remove if present".
 *
 * @module
 */
import { dirname, join } from "node:path";

/** Relative paths of every file under `dir` (sorted, `/`-separated); directories separately. */
export async function listTree(dir: string): Promise<{ files: string[]; dirs: string[] }> {
  const files: string[] = [];
  const dirs: string[] = [];
  async function walk(rel: string) {
    for await (const e of Deno.readDir(join(dir, rel))) {
      const p = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory) {
        dirs.push(p);
        await walk(p);
      } else {
        files.push(p);
      }
    }
  }
  await walk("");
  return { files: files.sort(), dirs: dirs.sort() };
}

/** Writes `text` to `path` via a temp file + rename, so readers never see half a file. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  await Deno.writeTextFile(tmp, text);
  await Deno.rename(tmp, path);
}

/** Removes a file or directory tree; a missing path is fine. */
export async function removeIfExists(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/** Reads and parses a JSON file; undefined when missing or unparseable. */
export async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch {
    return undefined;
  }
}

/** Total size in bytes of a file tree (0 when missing). */
export async function treeSize(path: string): Promise<number> {
  try {
    const st = await Deno.stat(path);
    if (!st.isDirectory) return st.size;
  } catch {
    return 0;
  }
  let total = 0;
  for await (const e of Deno.readDir(path)) total += await treeSize(join(path, e.name));
  return total;
}
