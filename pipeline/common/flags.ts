/**
 * Flag parsing for every command: node:util `parseArgs` (strict), with its raw errors turned
 * into usage issues that name the flag and suggest the nearest valid one, as `--set` keys do
 * (`--stor X` → `unknown flag --stor; did you mean "--store"?`). The issue is an
 * `ExperimentError` (exit 2, "nothing was run").
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { IssueList } from "./errors.ts";
import { closest } from "./suggest.ts";

/** `parseArgs(config)` for `command`; usage errors throw `ExperimentError`. */
export function parseCommandArgs<const T extends ParseArgsConfig>(
  command: string,
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs<T>({ strict: true, ...config } as T);
  } catch (e) {
    const issue = flagIssue(e, config.options ?? {}, command);
    if (issue === undefined) throw e;
    const issues = new IssueList();
    issues.add(issue.source, [], issue.message);
    issues.throwIfAny();
    throw e; // unreachable
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The flag and what is wrong with it, for a `parseArgs` error; undefined for other errors. */
export function flagIssue(
  e: unknown,
  options: Options,
  command: string,
): { source: string; message: string } | undefined {
  const code = (e as { code?: unknown })?.code;
  if (!(e instanceof TypeError) || typeof code !== "string" || !code.startsWith("ERR_PARSE_ARGS")) {
    return undefined;
  }
  const help = "see --help";
  const flag = /'(-{1,2}[^' =<]+)/.exec(e.message)?.[1]?.trim();
  const names = Object.entries(options).flatMap(([name, o]) => [
    `--${name}`,
    ...(o.short ? [`-${o.short}`] : []),
  ]);
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && flag) {
    const near = flag.startsWith("--") ? closest(flag.slice(2), Object.keys(options)) : undefined;
    const long = Object.keys(options).map((n) => `--${n}`);
    const tail = near !== undefined
      ? `; did you mean "--${near}"?`
      : long.length
      ? `; valid: ${long.join(", ")}`
      : "";
    return { source: command, message: `unknown flag ${flag}${tail} (${help})` };
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && flag) {
    const name = flag.replace(/^-+/, "");
    const option = options[name] ??
      Object.values(options).find((o) => o.short === name);
    const message = option?.type === "boolean"
      ? `${flag} takes no value`
      : `${flag} needs a value (${flag} VALUE)`;
    return { source: command, message: `${message} (${help})` };
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    const arg = /'([^']*)'/.exec(e.message)?.[1] ?? "";
    return {
      source: command,
      message: `unexpected argument "${arg}": ${command} takes only flags (${
        names.join(", ")
      }; ${help})`,
    };
  }
  return { source: command, message: `${e.message} (${help})` };
}
