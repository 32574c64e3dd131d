/**
 * The engine's few error types, thrown by meaning (see code-style-models §3.15):
 * - `ExperimentError`: the experiment (file, `--set`, registry) is invalid; carries every issue
 *   found, thrown before any work starts.
 * - `StageFailedError`: a stage threw while computing a node; the runner records it and goes on
 *   with the independent nodes.
 * A cache miss is a return value, never an exception.
 *
 * @module
 */

/** One step of a dotted path: an object key or an array index. */
export type PathSegment = string | number;

/** One problem found while validating an experiment: where, and what was expected. */
export interface Issue {
  /** File the problem is in (as given or relative to cwd), or `--set`, `--variant`, `registry`. */
  readonly source: string;
  /** Dotted path inside the source (empty for the whole file). */
  readonly path: readonly PathSegment[];
  /** What is wrong and what was expected; ends with a suggestion for misspelt names. */
  readonly message: string;
  /** 1-based line and column in `source`, when it is a file. */
  readonly line?: number;
  readonly column?: number;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Formats a path as `variants.keypointgan.params.train.steps`, `matrix["train.steps"][2]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** One line per issue: `file:line:col path: message`. */
export function formatIssue(issue: Issue): string {
  const at = issue.line === undefined
    ? issue.source
    : `${issue.source}:${issue.line}:${issue.column}`;
  const path = formatPath(issue.path);
  return `${at}${path === "" ? "" : ` ${path}`}: ${issue.message}`;
}

/** The experiment (or registry, or command line) is invalid; nothing has been run or written. */
export class ExperimentError extends Error {
  /** Every problem found, in file order. */
  readonly issues: readonly Issue[];
  constructor(issues: readonly Issue[]) {
    const n = issues.length;
    super(
      `Cannot run the experiment: ${n} problem${n === 1 ? "" : "s"} found\n` +
        issues.map((i) => `  ✖ ${formatIssue(i)}`).join("\n"),
    );
    this.name = "ExperimentError";
    this.issues = issues;
  }
}

/** A stage threw while computing a node. */
export class StageFailedError extends Error {
  readonly stage: string;
  readonly key: string;
  constructor(stage: string, key: string, cause: unknown) {
    super(`Stage "${stage}" failed (${key.slice(0, 12)}): ${errorMessage(cause)}`, { cause });
    this.name = "StageFailedError";
    this.stage = stage;
    this.key = key;
  }
}

/** The message of any thrown value. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Maps a path inside a source file to its 1-based position. */
export type Locator = (
  path: readonly PathSegment[],
) => { line: number; column: number } | undefined;

/** Collects issues from several checks; throws them all at once. */
export class IssueList {
  readonly items: Issue[] = [];
  /** Source → locator; issues without a position get one from it when thrown. */
  readonly locators: Map<string, Locator> = new Map();
  /** Adds an issue; an exact repeat (e.g. the same `--set` problem in every run) is dropped. */
  add(source: string, path: readonly PathSegment[], message: string): void {
    const same = (i: Issue) =>
      i.source === source && i.message === message && i.path.length === path.length &&
      i.path.every((p, k) => p === path[k]);
    if (this.items.some(same)) return;
    this.items.push({ source, path: [...path], message });
  }
  /** Throws an `ExperimentError` if anything was collected. */
  throwIfAny(): void {
    if (this.items.length === 0) return;
    throw new ExperimentError(this.items.map((i) => {
      const pos = i.line === undefined ? this.locators.get(i.source)?.(i.path) : undefined;
      return pos === undefined ? i : { ...i, ...pos };
    }));
  }
}
