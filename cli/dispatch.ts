/**
 * The command line: `main(args, config)` dispatches to run, report, runs, gc, exec-node and
 * the extra commands other rooms plug in (name → lazy module exporting `run(args)`).
 * Experiment and usage errors print every issue and exit 2 before anything runs.
 *
 * @module
 */
import { type Preflight, runCommand } from "./run.ts";
import { parseRunFlags } from "./run_flags.ts";
import { runsCommand } from "./runs.ts";
import { gcCommand } from "./gc.ts";
import { execNodeCommand } from "./exec_node.ts";
import { ExperimentError, formatIssue } from "../pipeline/common/errors.ts";
import { openProject, type ProjectConfig } from "../pipeline/project.ts";
import type { ExecutorPlugin } from "../pipeline/run/executor.ts";
import { RUN_USAGE, USAGE } from "./usage.ts";
import { flagIssue } from "../pipeline/common/flags.ts";

/** A command another room adds (e.g. `summary`, `predict`, `notebook`). */
export interface ExtraCommand {
  /** One line for `--help`. */
  readonly description: string;
  /** Lazily imported so `run` never loads what it does not use. */
  load(): Promise<{ run(args: string[]): Promise<number | void> }>;
}

/** What main.ts passes in. */
export interface CliConfig extends ProjectConfig {
  readonly commands?: Readonly<Record<string, ExtraCommand>>;
  /** Module workers run (`exec-node`). @default Deno.mainModule */
  readonly entry?: string;
  /** `run`/`report`: checks the machine before anything computes (run.ts). */
  readonly preflight?: Preflight;
  /** Executor plug-ins besides `local` (`--executor KIND`, the experiment's `executor.kind`). */
  readonly executors?: readonly ExecutorPlugin[];
}

/** Runs the CLI; returns the process exit code. */
export async function main(args: string[], config: CliConfig): Promise<number> {
  const [command = "help", ...rest] = args;
  try {
    const project = () => openProject(config);
    switch (command) {
      case "run":
      case "report": {
        const kinds = ["local", ...(config.executors ?? []).map((e) => e.kind)];
        const flags = parseRunFlags(rest, command, kinds);
        if (flags.help) return console.log(RUN_USAGE), 0;
        return await runCommand(project(), flags, {
          report: command === "report",
          entry: config.entry,
          argv: args,
          preflight: config.preflight,
          executors: config.executors ?? [],
        });
      }
      case "runs":
        return await runsCommand(project(), rest);
      case "gc":
        return await gcCommand(project(), rest);
      case "exec-node":
        return await execNodeCommand(project(), rest);
      case "help":
      case "--help":
      case "-h":
        return help(config);
    }
    const extra = config.commands?.[command];
    if (extra === undefined) {
      console.error(`unknown command "${command}"\n`);
      help(config);
      return 2;
    }
    return (await (await extra.load()).run(rest)) ?? 0;
  } catch (e) {
    return report(e, command);
  }
}

function help(config: CliConfig): number {
  const extras = Object.entries(config.commands ?? {}).map(([n, c]) =>
    `  ${n.padEnd(22)}${c.description}`
  );
  console.log(USAGE + (extras.length ? `\nMore commands:\n${extras.join("\n")}\n` : ""));
  return 0;
}

function report(e: unknown, command: string): number {
  if (e instanceof ExperimentError) {
    const n = e.issues.length;
    console.error(`✖ ${n} problem${n === 1 ? "" : "s"} found; nothing was run:`);
    for (const issue of e.issues) console.error(`  ${formatIssue(issue)}`);
    return 2;
  }
  if (e instanceof TypeError && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS")) {
    // A command that parses its own flags: name the flag, not Node's raw text.
    const issue = flagIssue(e, {}, command);
    console.error(`✖ ${issue?.source ?? command}: ${issue?.message ?? e.message}`);
    return 2;
  }
  // The file system or the OS said no (a full disk, a permission, a missing path): its message
  // is the whole story. Anything else is a bug, and its stack is wanted.
  if (Object.values(Deno.errors).some((C) => e instanceof C)) {
    console.error(`✖ ${(e as Error).message}`);
    return 1;
  }
  throw e;
}
