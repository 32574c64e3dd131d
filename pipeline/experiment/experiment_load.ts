/**
 * Finds experiment files by name or path, parses them and follows `extends` (detecting
 * unknown targets and cycles). Each file is validated on its own, so an error in an inherited
 * file names that file.
 *
 * @module
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import type { IssueList, PathSegment } from "../common/errors.ts";
import { checkExperimentFile, type ExperimentFile } from "./experiment_file.ts";
import { parseJsonc } from "./jsonc.ts";
import type { Project } from "../project.ts";
import { hint } from "../common/suggest.ts";

/** An experiment named in `experiments/`, a path to a `.jsonc`/`.json` file, or an object. */
export type ExperimentSource = string | { readonly name: string; readonly value: unknown };

/** Loads `source` and everything it extends, top file first. Issues are collected, not thrown. */
export async function loadChain(project: Project, source: ExperimentSource, issues: IssueList) {
  const chain: ExperimentFile[] = [];
  const seen: string[] = [];
  let next: ExperimentSource | undefined = source;
  let from: { source: string; path: PathSegment[] } = { source: "experiment", path: [] };
  while (next !== undefined) {
    const loaded = await loadOne(project, next, from, issues);
    if (loaded === undefined) break;
    if (seen.includes(loaded.id)) {
      const cycle = [...seen.slice(seen.indexOf(loaded.id)), loaded.id].map((p) =>
        experimentName(p)
      );
      issues.add(from.source, from.path, `extends cycle: ${cycle.join(" → ")}`);
      break;
    }
    seen.push(loaded.id);
    if (loaded.file === undefined) break;
    chain.push(loaded.file);
    next = loaded.file.extends;
    from = { source: loaded.file.source, path: ["extends"] };
  }
  return chain;
}

async function loadOne(
  project: Project,
  source: ExperimentSource,
  from: { source: string; path: PathSegment[] },
  issues: IssueList,
): Promise<{ id: string; file?: ExperimentFile } | undefined> {
  if (typeof source !== "string") {
    const label = `${source.name} (in memory)`;
    return { id: label, file: checkExperimentFile(project, source.value, label, issues) };
  }
  const path = findExperiment(
    project,
    source,
    from.source === "experiment" ? undefined : from.source,
  );
  if (path === undefined) {
    const names = listExperiments(project);
    issues.add(from.source, from.path, `unknown experiment "${source}"${hint(source, names)}`);
    return undefined;
  }
  const display = displayPath(path);
  const doc = parseJsonc(await Deno.readTextFile(path), display);
  if (Array.isArray(doc)) {
    doc.forEach((i) => issues.items.push(i));
    return { id: path };
  }
  issues.locators.set(display, doc.locate);
  return { id: path, file: checkExperimentFile(project, doc.value, display, issues) };
}

/** Resolves a name (`experiments/<name>.jsonc|json`) or a path (relative to cwd or `fromFile`). */
export function findExperiment(
  project: Project,
  ref: string,
  fromFile?: string,
): string | undefined {
  const isPath = ref.includes("/") || [".json", ".jsonc"].includes(extname(ref));
  if (isPath) {
    const base = fromFile === undefined ? Deno.cwd() : dirname(resolve(fromFile));
    const p = resolve(base, ref);
    return existsSync(p) ? p : undefined;
  }
  for (const ext of [".jsonc", ".json"]) {
    const p = join(project.experimentsDir, ref + ext);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Names of the experiments in the project's experiments folder. */
export function listExperiments(project: Project): string[] {
  if (!existsSync(project.experimentsDir)) return [];
  return readdirSync(project.experimentsDir)
    .filter((f) => f.endsWith(".jsonc") || f.endsWith(".json"))
    .map((f) => f.replace(/\.jsonc?$/, ""))
    .sort();
}

/** `experiments/ablation.jsonc` → `ablation`. */
export function experimentName(pathOrLabel: string): string {
  return basename(pathOrLabel).replace(/\.jsonc?$/, "").replace(/ \(in memory\)$/, "");
}

/** A path relative to cwd when it is below it, absolute otherwise. */
export function displayPath(path: string): string {
  const rel = relative(Deno.cwd(), path);
  return rel.startsWith("..") ? path : rel;
}
