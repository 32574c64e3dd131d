/**
 * Which real-data folders a `prepare_data` request reads, and one clear error before any work
 * when some are missing: every missing folder, the data root as the user gave it and as resolved,
 * and how to point the pipeline at the data (issue 9: the data root is a param whose default,
 * `../shared/data`, is used when present).
 *
 * @module
 */
import { join } from "node:path";

/** Folders (relative to the data root) a dataset / prior source combination reads. */
export function realDataFolders(dataset: string, priorSource: string): string[] {
  const need: string[] = [];
  if (dataset === "faces_real") need.push("faces-video", "faces-300w/helen-train");
  if (dataset === "faces_real" || dataset === "faces_300w") {
    need.push("faces-300w/helen-train", "faces-300w/helen-test");
  }
  if (priorSource === "300w") need.push("faces-300w/helen-train");
  if (priorSource === "h36m-mocap") need.push("h36m-prior");
  return [...new Set(need)];
}

/** The real-data root is missing, or lacks folders the request reads. */
export class MissingRealDataError extends Error {
  override name = "MissingRealDataError";
}

/**
 * Throws a {@link MissingRealDataError} naming every missing folder when `root` (absolute;
 * `given` = the param as written) lacks what `dataset`/`priorSource` read. No-op for synthetic
 * requests.
 */
export async function requireRealData(
  root: string,
  given: string,
  dataset: string,
  priorSource: string,
): Promise<void> {
  const need = realDataFolders(dataset, priorSource);
  if (need.length === 0) return;
  const isDir = (p: string) => Deno.stat(p).then((s) => s.isDirectory, () => false);
  const missing: string[] = [];
  for (const rel of need) if (!(await isDir(join(root, rel)))) missing.push(rel);
  if (missing.length === 0) return;
  const what = priorSource === "synthetic"
    ? `dataset "${dataset}"`
    : `dataset "${dataset}" with priorSource "${priorSource}"`;
  const where = (await isDir(root))
    ? `the data root ${root} lacks ${missing.map((m) => `${m}/`).join(", ")}`
    : `the data root ${root} does not exist`;
  throw new MissingRealDataError(
    `prepare_data.dataRoot "${given}": ${where}; ${what} reads ${
      need.map((m) => `${m}/`).join(", ")
    }. Get the real data described in the project's data README (../shared/data/README.md; ` +
      `research use only) and point to it with --set prepare_data.dataRoot=DIR.`,
  );
}
