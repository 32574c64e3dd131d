/**
 * `main.ts bench …`: the benchmark (bench/bench.ts, also `deno task bench`), run as its own
 * process with the task's permissions, so that its flags and exit code are the benchmark's.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

const BENCH = fileURLToPath(new URL("../bench/bench.ts", import.meta.url));
const PERMISSIONS = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run",
  "--allow-sys",
  "--allow-ffi",
];

/** Runs the benchmark with `args`; returns its exit code. */
export async function run(args: string[]): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, BENCH, ...args],
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  return (await child.status).code;
}
