/**
 * Submitting one node: write its job file and batch script into `<store>/slurm/<run-id>/`,
 * `sbatch` the script (waiting on the store check while it has not passed), and record the
 * job under the node's key so that a later run can re-attach to it.
 *
 * @module
 */
import { hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeAtomic } from "../../common/fsutil.ts";
import type { NodeJob } from "../../run/node_job.ts";
import { jobName, nodeScript, resourceArgs, shQuote, type SlurmConfig } from "./args.ts";
import type { SlurmCli } from "./cli.ts";
import { runDir, type SlurmRecord, writeRecord } from "./records.ts";
import type { Store } from "../../store/store.ts";
import { inheritedPermissionFlags } from "../subprocess/executor.ts";

/** What every submission of a run shares. */
export interface SubmitContext {
  readonly cli: SlurmCli;
  readonly store: Store;
  readonly root: string;
  readonly config: SlurmConfig;
  /** Module whose CLI has `exec-node` (a path or a `file:` URL). */
  readonly entry: string;
}

/** The entry module as a path (what the job's deno runs). */
export function entryPath(entry: string): string {
  return entry.startsWith("file:") ? fileURLToPath(entry) : entry;
}

/** Submits `job`; `after` = a job id it must wait for (`afterok`). Returns the record. */
export async function submitNode(
  ctx: SubmitContext,
  job: NodeJob,
  after: string | undefined,
): Promise<SlurmRecord> {
  const base = join(runDir(ctx.store, job.runId), `${job.stage}.${job.key.slice(0, 12)}`);
  const [jobFile, script] = [`${base}.job.json`, `${base}.sh`];
  const args = [
    ...resourceArgs(ctx.config),
    `--job-name=${jobName(job.stage, job.variants)}`,
    `--output=${base}.%j.out`,
    `--chdir=${ctx.root}`,
  ];
  await writeAtomic(jobFile, JSON.stringify(job));
  await writeAtomic(script, scriptOf(ctx, job, jobFile, args));
  const wait = after ? [`--dependency=afterok:${after}`, "--kill-on-invalid-dep=yes"] : [];
  const jobId = await ctx.cli.submit([...args, ...wait], script);
  const record: SlurmRecord = {
    jobId,
    key: job.key,
    stage: job.stage,
    variants: job.variants,
    runId: job.runId,
    submitted: new Date().toISOString(),
    controller: hostname(),
    output: `${base}.${jobId}.out`,
    script,
    jobFile,
  };
  await writeRecord(ctx.store, record);
  return record;
}

function scriptOf(
  ctx: SubmitContext,
  job: NodeJob,
  jobFile: string,
  args: readonly string[],
): string {
  return nodeScript({
    deno: Deno.execPath(),
    permissions: inheritedPermissionFlags(),
    entry: entryPath(ctx.entry),
    root: ctx.root,
    jobFile,
    store: ctx.store.dir,
    header: [
      `KeypointGAN node ${job.stage} (${job.variants.join(", ")}), key ${job.key}`,
      `run ${job.runId} of experiment ${job.experiment}, submitted from ${hostname()} as:`,
      `  sbatch ${args.map(shellWord).join(" ")} <this script>`,
      "Submitting it again is safe: the node's lock and the cache make a duplicate a no-op.",
    ],
  });
}

/** `arg` as typed into a shell: quoted only when it needs to be. */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : shQuote(arg);
}
