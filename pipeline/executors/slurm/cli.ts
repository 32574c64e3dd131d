/**
 * The Slurm commands the executor uses, behind one small class: `sbatch --parsable` to submit,
 * one batched `squeue` per poll for the states of every tracked job, `scancel`, and `sacct`
 * (falling back to `scontrol show job` where accounting is off) for how an ended job ended.
 * Parsers are exported for the unit tests.
 *
 * @module
 */
import { delimiter, join } from "node:path";

/** One job as squeue reports it. */
export interface JobState {
  readonly id: string;
  /** PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, … */
  readonly state: string;
  /** Why it waits (`Priority`, `Resources`, `Dependency`) or why it ended. */
  readonly reason: string;
  /** Node(s) it runs on. */
  readonly nodes: string;
}

/** How an ended job ended, from sacct or scontrol. */
export interface FinalState {
  readonly state: string;
  /** `exit:signal`, e.g. `1:0`, `0:9`. */
  readonly exitCode?: string;
}

/** States after which a job never runs again (anything else is treated as still alive). */
export const ENDED = new Set([
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMEOUT",
  "OUT_OF_MEMORY",
  "NODE_FAIL",
  "PREEMPTED",
  "BOOT_FAIL",
  "DEADLINE",
]);

/** Commands the controller cannot work without. */
export const REQUIRED_TOOLS = ["sbatch", "squeue", "scancel"] as const;

/** A Slurm command that failed (non-zero exit, or not installed). */
export class SlurmCommandError extends Error {
  override name = "SlurmCommandError";
}

/** Parses `squeue --format=%i|%T|%r|%N` output. */
export function parseSqueue(text: string): Map<string, JobState> {
  const out = new Map<string, JobState>();
  for (const line of text.split("\n")) {
    const [id, state, reason = "", nodes = ""] = line.trim().split("|");
    if (id && state) out.set(id, { id, state, reason, nodes });
  }
  return out;
}

/** Parses `sacct -n -P -X --format=State,ExitCode` (`CANCELLED by 0|0:15`). */
export function parseSacct(text: string): FinalState | undefined {
  const line = text.split("\n").find((l) => l.trim() !== "");
  if (line === undefined) return undefined;
  const [state, exitCode] = line.trim().split("|");
  return { state: state.split(" ")[0], exitCode };
}

/** Parses `scontrol show job -o ID` (`… JobState=FAILED Reason=… ExitCode=1:0 …`). */
export function parseScontrol(text: string): FinalState | undefined {
  const state = /\bJobState=(\S+)/.exec(text)?.[1];
  if (state === undefined) return undefined;
  return { state, exitCode: /\bExitCode=(\S+)/.exec(text)?.[1] };
}

/** The tools of `names` that are not on `PATH`. */
export function missingTools(
  names: readonly string[] = REQUIRED_TOOLS,
  path = Deno.env.get("PATH") ?? "",
): string[] {
  const dirs = path.split(delimiter).filter(Boolean);
  const found = (name: string) =>
    dirs.some((d) => {
      try {
        const st = Deno.statSync(join(d, name));
        return st.isFile && ((st.mode ?? 0o111) & 0o111) !== 0;
      } catch {
        return false;
      }
    });
  return names.filter((n) => !found(n));
}

/** Runs Slurm commands (with extra environment, e.g. `SLURM_CONF` for a test cluster). */
export class SlurmCli {
  readonly #env: Readonly<Record<string, string>>;

  constructor(env: Readonly<Record<string, string>> = {}) {
    this.#env = env;
  }

  /** Submits `script` with `args`; returns the job id. */
  async submit(args: readonly string[], script: string): Promise<string> {
    const out = await this.#run("sbatch", ["--parsable", ...args, script]);
    const id = out.trim().split("\n").at(-1)?.split(";")[0] ?? "";
    if (!/^\d+$/.test(id)) throw new SlurmCommandError(`sbatch printed no job id: ${out.trim()}`);
    return id;
  }

  /** States of `ids` (ended jobs stay visible for the cluster's MinJobAge; older ones are absent). */
  async states(ids: readonly string[]): Promise<Map<string, JobState>> {
    if (ids.length === 0) return new Map();
    const args = ["--noheader", "--states=all", "--format=%i|%T|%r|%N", `--jobs=${ids.join(",")}`];
    try {
      return parseSqueue(await this.#run("squeue", args));
    } catch (e) {
      // squeue fails (rather than printing nothing) when every id asked for is unknown.
      if (String(e).includes("Invalid job id")) return new Map();
      throw e;
    }
  }

  /** Cancels `ids` (Slurm sends SIGTERM, then SIGKILL after its KillWait). */
  async cancel(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.#run("scancel", [...ids]);
  }

  /** How `id` ended: sacct where accounting is on, else scontrol (while slurmctld remembers it). */
  async final(id: string): Promise<FinalState | undefined> {
    const fromSacct = await this.#run("sacct", [
      "-n",
      "-P",
      "-X",
      "-j",
      id,
      "--format=State,ExitCode",
    ]).then(parseSacct, () => undefined);
    if (fromSacct !== undefined) return fromSacct;
    return await this.#run("scontrol", ["show", "job", "-o", id]).then(
      parseScontrol,
      () => undefined,
    );
  }

  async #run(cmd: string, args: readonly string[]): Promise<string> {
    let out;
    try {
      out = await new Deno.Command(cmd, {
        args: [...args],
        env: { ...this.#env },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new SlurmCommandError(`${cmd} is not on PATH (the Slurm executor needs it)`);
      }
      throw e;
    }
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    if (!out.success) {
      const why = text(out.stderr).trim() || text(out.stdout).trim() || `exit code ${out.code}`;
      throw new SlurmCommandError(`${cmd} ${args.join(" ")} failed: ${why}`);
    }
    return text(out.stdout);
  }
}
