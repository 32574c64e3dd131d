/**
 * Flag parsing for the CLI commands (node:util parseArgs, strict): unknown flags and bad values
 * are usage errors (exit 2) reported before anything runs.
 *
 * @module
 */
import { parseCommandArgs } from "../pipeline/common/flags.ts";
import { IssueList } from "../pipeline/common/errors.ts";
import { orList } from "../pipeline/experiment/experiment_file.ts";

/** Flags of `run` and `report`. */
export interface RunFlags {
  readonly experiment?: string;
  readonly dryRun: boolean;
  readonly jobs?: number;
  readonly executor?: string;
  /** Slurm: what Ctrl-C does with submitted jobs (`ask`, `cancel`, `keep`). */
  readonly onInterrupt?: string;
  readonly only: string[];
  readonly force: string[];
  readonly from?: string;
  readonly set: string[];
  readonly variants: string[];
  readonly store?: string;
  readonly gc: boolean;
  readonly help: boolean;
}

/**
 * Repeatable, comma-separated flag values. Commas inside brackets stay: a matrix label such as
 * `keypointgan[prepare_data.dataset=humans,seed=0]` is one name.
 */
export const list = (v: string[] | undefined): string[] =>
  (v ?? []).flatMap((s) => s.split(/,(?![^[\]]*\])/)).map((s) => s.trim()).filter(Boolean);

/** Parses `run`/`report` arguments; throws `ExperimentError` (source `--jobs`, …) or TypeError. */
export function parseRunFlags(
  args: string[],
  command = "run",
  executors: readonly string[] = ["local"],
): RunFlags {
  const { values, positionals } = parseCommandArgs(command, {
    args,
    allowPositionals: true,
    strict: true,
    options: {
      "dry-run": { type: "boolean", default: false },
      jobs: { type: "string", short: "j" },
      executor: { type: "string" },
      "on-interrupt": { type: "string" },
      only: { type: "string", multiple: true },
      force: { type: "string", multiple: true },
      from: { type: "string" },
      set: { type: "string", multiple: true, short: "s" },
      variant: { type: "string", multiple: true },
      backend: { type: "string" },
      store: { type: "string" },
      gc: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const issues = new IssueList();
  if (positionals.length > 1) {
    issues.add("arguments", [], `expected at most one experiment, got: ${positionals.join(" ")}`);
  }
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1)) {
    issues.add("--jobs", [], `expected a positive integer, received "${values.jobs}"`);
  }
  if (values.executor !== undefined && !executors.includes(values.executor)) {
    issues.add("--executor", [], `expected ${orList(executors)}, received "${values.executor}"`);
  }
  const onInterrupt = values["on-interrupt"];
  if (onInterrupt !== undefined && !["ask", "cancel", "keep"].includes(onInterrupt)) {
    issues.add(
      "--on-interrupt",
      [],
      `expected "ask", "cancel" or "keep", received "${onInterrupt}"`,
    );
  }
  issues.throwIfAny();
  return {
    experiment: positionals[0],
    dryRun: values["dry-run"],
    jobs,
    executor: values.executor,
    onInterrupt,
    only: list(values.only),
    force: list(values.force),
    from: values.from,
    set: [
      ...(values.set ?? []),
      ...(values.backend === undefined ? [] : [`backend=${values.backend}`]),
    ],
    variants: list(values.variant),
    store: values.store,
    gc: values.gc,
    help: values.help,
  };
}
