/**
 * What a Slurm job of the pipeline looks like: the experiment's `executor` settings turned into
 * sbatch options, the checks on `sbatchArgs` (options the executor owns are refused, so a user
 * cannot redirect a job's output away from the file the controller tails), and the batch
 * scripts (one node = `deno run … exec-node --job FILE`; the store check).
 *
 * @module
 */

/** The `executor: { kind: "slurm", … }` settings (validated by experiment_file.ts). */
export interface SlurmConfig {
  readonly partition?: string;
  /** GPUs per job (`--gres=gpu:N`); 0 or unset asks for none. */
  readonly gpus?: number;
  /** Wall-time limit per job, sbatch `--time` syntax. */
  readonly time?: string;
  /** Memory per job, sbatch `--mem` syntax. */
  readonly mem?: string;
  /** More sbatch options, passed as they are (`["--account=lab", "--qos=high"]`). */
  readonly sbatchArgs?: readonly string[];
}

/** Options the executor sets itself, with the setting to use instead (if any). */
const OWNED: Readonly<Record<string, string>> = {
  "--output": "",
  "-o": "",
  "--error": "",
  "-e": "",
  "--job-name": "",
  "-J": "",
  "--dependency": "",
  "-d": "",
  "--chdir": "",
  "-D": "",
  "--wrap": "",
  "--array": "",
  "-a": "",
  "--parsable": "",
  "--wait": "",
  "-W": "",
  "--kill-on-invalid-dep": "",
  "--open-mode": "",
  "--partition": "partition",
  "-p": "partition",
  "--time": "time",
  "-t": "time",
  "--mem": "mem",
};
const GPU_OPTIONS = ["--gres", "--gpus", "-G", "--gpus-per-node", "--gpus-per-task"];

/** The option name of an argument (`--qos=high` → `--qos`, `-pgpu` → `-p`), or undefined. */
function optionName(arg: string): string | undefined {
  if (arg.startsWith("--")) return arg.split("=")[0];
  if (arg.startsWith("-") && arg.length >= 2) return arg.slice(0, 2);
  return undefined;
}

/** Why `sbatchArgs` cannot be used (with the setting to use instead), or undefined. */
export function sbatchArgsProblem(config: SlurmConfig): string | undefined {
  const args = config.sbatchArgs ?? [];
  if (args.length > 0 && optionName(args[0]) === undefined) {
    return `expected sbatch options starting with "-", received "${args[0]}"`;
  }
  for (const arg of args) {
    const name = optionName(arg);
    if (name === undefined) continue; // the value of the option before it
    if (name in OWNED) {
      const instead = OWNED[name];
      return instead
        ? `"${name}" has its own setting: use executor.${instead}`
        : `"${name}" is set by the Slurm executor (the controller relies on it)`;
    }
    if ((config.gpus ?? 0) > 0 && GPU_OPTIONS.includes(name)) {
      return `"${name}" conflicts with executor.gpus (set one of them)`;
    }
  }
  return undefined;
}

/** Resource options every job of the run gets (the store check leaves out GPUs and memory). */
export function resourceArgs(config: SlurmConfig, forCheck = false): string[] {
  const out: string[] = [];
  if (config.partition) out.push(`--partition=${config.partition}`);
  if (!forCheck && (config.gpus ?? 0) > 0) out.push(`--gres=gpu:${config.gpus}`);
  if (!forCheck && config.time) out.push(`--time=${config.time}`);
  if (!forCheck && config.mem) out.push(`--mem=${config.mem}`);
  out.push(...(config.sbatchArgs ?? []));
  // After the user's options, so the store check stays short whatever they ask for.
  if (forCheck) out.push("--time=00:02:00", "--ntasks=1");
  return out;
}

/** `slurm · partition gpu · 1 GPU · 04:00:00 · 16G` for the plan header and the ledger. */
export function describeSlurm(config: SlurmConfig): string {
  const parts = ["slurm"];
  if (config.partition) parts.push(`partition ${config.partition}`);
  if ((config.gpus ?? 0) > 0) parts.push(`${config.gpus} GPU${config.gpus === 1 ? "" : "s"}/job`);
  if (config.time) parts.push(config.time);
  if (config.mem) parts.push(config.mem);
  if (config.sbatchArgs?.length) parts.push(config.sbatchArgs.join(" "));
  return parts.join(" · ");
}

/** Single-quotes `s` for sh. */
export function shQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** A Slurm job name: `kpg.<stage>.<variant>` (or `<n>runs` for shared/fan-in nodes). */
export function jobName(stage: string, variants: readonly string[]): string {
  const who = variants.length === 1 ? variants[0] : `${variants.length}runs`;
  return `kpg.${stage}.${who}`.replace(/\s+/g, "_").slice(0, 120);
}

/** What a node's batch script runs. */
export interface NodeScript {
  readonly deno: string;
  readonly permissions: readonly string[];
  readonly entry: string;
  readonly root: string;
  readonly jobFile: string;
  readonly store: string;
  /** First comment lines (which node, which run, how it was submitted). */
  readonly header: readonly string[];
}

/**
 * The batch script of one node. Threads: `KEYPOINTGAN_THREADS` if the controller's environment
 * sets it (results of BLAS-backed stages can depend on the thread count), else the job's
 * allocation (`--cpus-per-task`, else the CPUs it may use); `exec` makes deno the job's main
 * process, so Slurm's SIGTERM
 * (scancel, time limit) reaches exec-node, which checkpoints the stage and reports `aborted`.
 */
export function nodeScript(s: NodeScript): string {
  const cmd = [s.deno, "run", ...s.permissions, s.entry, "exec-node", "--job", s.jobFile];
  return [
    "#!/bin/sh",
    ...s.header.map((h) => `# ${h}`),
    'threads="${KEYPOINTGAN_THREADS:-${SLURM_CPUS_PER_TASK:-$(nproc)}}"',
    'export OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" KEYPOINTGAN_THREADS="$threads"',
    `cd ${shQuote(s.root)} || exit 97`,
    `exec ${cmd.map(shQuote).join(" ")} --store ${shQuote(s.store)}`,
    "",
  ].join("\n");
}

/** Files of the store check (see slurm_check.ts). */
export interface CheckScript {
  readonly challenge: string;
  readonly marker: string;
  readonly deno: string;
  readonly entry: string;
  /** Seconds to wait for the challenge file to become visible on the node. */
  readonly waitSeconds: number;
}

/**
 * The store check job: read the controller's challenge (controller → node), check deno and the
 * entry module exist on the node, and write a marker with the token back (node → controller).
 * Exits non-zero when anything is missing, so jobs depending on it (afterok) never start.
 */
export function checkScript(s: CheckScript): string {
  const q = shQuote;
  return [
    "#!/bin/sh",
    "# KeypointGAN: checks that this node sees the artifact store, deno and the project.",
    `c=${q(s.challenge)}; m=${q(s.marker)}; i=0`,
    `while [ ! -f "$c" ]; do i=$((i+1)); [ "$i" -gt ${s.waitSeconds} ] && exit 3; sleep 1; done`,
    'problems=""',
    `[ -x ${q(s.deno)} ] || problems="$problems deno-missing"`,
    `[ -f ${q(s.entry)} ] || problems="$problems entry-missing"`,
    `printf 'token=%s\\nhost=%s\\njob=%s\\nproblems=%s\\n' "$(cat "$c")" "$(hostname)" ` +
    `"$SLURM_JOB_ID" "$problems" > "$m.tmp" && mv "$m.tmp" "$m" || exit 4`,
    '[ -z "$problems" ]',
    "",
  ].join("\n");
}
