/**
 * Child processes of `deno task bench`: every measurement runs in a fresh Deno (or Python)
 * process so that backends, thread pools, JIT state and peak memory do not leak between them.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";

/** The repository root (bench/ is one level below it). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const DENO_FLAGS = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run",
  "--allow-sys",
  "--allow-ffi",
];

/** A child's parsed JSON result, or why there is none. */
export type ChildResult<T> = { ok: true; value: T; seconds: number } | {
  ok: false;
  error: string;
  seconds: number;
};

/** Run `bench/<script>` in a new Deno process and parse the last JSON line it prints. */
export async function runDenoChild<T>(
  script: string,
  args: string[],
  opts: { env?: Record<string, string>; timeoutSeconds?: number } = {},
): Promise<ChildResult<T>> {
  const cmd = [
    "run",
    ...DENO_FLAGS,
    "--config",
    join(REPO_ROOT, "deno.json"),
    join(REPO_ROOT, "bench", script),
    ...args,
  ];
  return await runChild<T>(Deno.execPath(), cmd, opts, lastJsonLine);
}

/** Run any program; `parse` turns its stdout into a result (or throws). */
export async function runChild<T>(
  program: string,
  args: string[],
  opts: { env?: Record<string, string>; timeoutSeconds?: number },
  parse: (stdout: string) => T,
): Promise<ChildResult<T>> {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), (opts.timeoutSeconds ?? 900) * 1000);
  try {
    const out = await new Deno.Command(program, {
      args,
      cwd: REPO_ROOT,
      env: opts.env,
      stdout: "piped",
      stderr: "piped",
      signal: ac.signal,
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    if (!out.success) {
      const err = new TextDecoder().decode(out.stderr).trim().split("\n").filter((l) => l.trim());
      const why = ac.signal.aborted
        ? `timed out after ${opts.timeoutSeconds ?? 900} s`
        : `exit ${out.code}`;
      return {
        ok: false,
        error: `${why}: ${err.slice(-3).join(" | ").slice(0, 300)}`,
        seconds: seconds(),
      };
    }
    return { ok: true, value: parse(stdout), seconds: seconds() };
  } catch (e) {
    return { ok: false, error: (e as Error).message.split("\n")[0], seconds: seconds() };
  } finally {
    clearTimeout(timer);
  }
}

function lastJsonLine<T>(stdout: string): T {
  const line = stdout.trim().split("\n").reverse().find((l) => l.trim().startsWith("{"));
  if (!line) throw new Error("child printed no JSON result");
  return JSON.parse(line) as T;
}

/** The PyTorch reference script, looked up as ../shared/bench relative to the repo root. */
export function torchScript(): string | undefined {
  const path = resolve(REPO_ROOT, "..", "shared", "bench", "torch_bench.py");
  return existsSync(path) ? path : undefined;
}

/** What torch_bench.py reports. */
export interface TorchResult {
  version: string;
  threads: number;
  median: number;
}

/** Parse `torch 1.13.0a0 threads 2 channels_last True median 0.1785 s/step`. */
export function parseTorch(stdout: string): TorchResult {
  const m = stdout.match(/torch (\S+) threads (\d+) .*median ([\d.]+) s\/step/);
  if (!m) throw new Error(`unexpected torch_bench.py output: ${stdout.trim().slice(0, 200)}`);
  return { version: m[1], threads: Number(m[2]), median: Number(m[3]) };
}
