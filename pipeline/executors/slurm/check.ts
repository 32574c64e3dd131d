/**
 * The shared-store check, run once per controller run before its first job can start: a tiny
 * job reads a challenge token the controller wrote into the store (controller → node), checks
 * that deno and the project's entry module exist on the node, and writes the token back as a
 * marker (node → controller). Node jobs are submitted with `--dependency=afterok:<check>` until
 * the marker has been read, so nothing computes on a node that cannot see the store; the wait
 * costs no extra queue time since they queue side by side. If the marker does not appear
 * within the timeout once the check runs, the run fails with an error naming the store.
 *
 * @module
 */
import { join } from "node:path";
import { readTextIfExists, sleep } from "./util.ts";
import { checkScript, resourceArgs, type SlurmConfig } from "./args.ts";
import { ENDED, type SlurmCli } from "./cli.ts";
import { GONE, type JobWatch } from "./watch.ts";
import { writeAtomic } from "../../common/fsutil.ts";

/** The store is not usable from the compute nodes (or the check could not run). */
export class StoreCheckError extends Error {
  override name = "StoreCheckError";
}

/** What the check needs. */
export interface StoreCheckOptions {
  readonly cli: SlurmCli;
  readonly watch: JobWatch;
  readonly config: SlurmConfig;
  /** Folder in the store for this run's Slurm files. */
  readonly dir: string;
  readonly store: string;
  readonly deno: string;
  readonly entry: string;
  readonly root: string;
  /** How long the marker may take to appear once the check job runs. */
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** How long an ended check's marker may take to show up (NFS attribute caches). */
  readonly endGraceMs: number;
}

/** A submitted check: its job id, and a verdict that resolves once the marker was read. */
export interface StoreCheck {
  readonly jobId: string;
  readonly verdict: Promise<void>;
  /** True once the verdict resolved (later jobs need no dependency on the check). */
  passed(): boolean;
}

/** Writes the challenge, submits the check job and starts watching for its marker. */
export async function startStoreCheck(opts: StoreCheckOptions): Promise<StoreCheck> {
  const token = crypto.randomUUID();
  const challenge = join(opts.dir, "store-check.challenge");
  const marker = join(opts.dir, "store-check.marker");
  const script = join(opts.dir, "store-check.sh");
  await writeAtomic(challenge, token);
  const waitSeconds = Math.max(10, Math.round(opts.timeoutMs / 1000));
  await writeAtomic(
    script,
    checkScript({ challenge, marker, deno: opts.deno, entry: opts.entry, waitSeconds }),
  );
  const jobId = await opts.cli.submit([
    ...resourceArgs(opts.config, true),
    "--job-name=kpg.store-check",
    `--output=${join(opts.dir, "store-check.%j.out")}`,
  ], script);
  opts.watch.add(jobId);
  let ok = false;
  const verdict = awaitMarker(opts, jobId, token, marker).then(async () => {
    ok = true;
    // Passed: nothing to look at later. (A failed check keeps its files for the user.)
    const out = join(opts.dir, `store-check.${jobId}.out`);
    for (const f of [challenge, marker, script, out]) await Deno.remove(f).catch(() => {});
  }).finally(() => opts.watch.remove(jobId));
  verdict.catch(() => {}); // observed by every node job; never an unhandled rejection
  return { jobId, verdict, passed: () => ok };
}

const WAITING = ["SUBMITTED", "PENDING", "CONFIGURING"];

async function awaitMarker(
  opts: StoreCheckOptions,
  jobId: string,
  token: string,
  marker: string,
): Promise<void> {
  let startedAt: number | undefined; // first seen running (or ended)
  let endedAt: number | undefined;
  while (true) {
    const text = await readTextIfExists(marker);
    if (text !== undefined) return judgeMarker(opts, jobId, token, text);
    const s = opts.watch.get(jobId);
    const ended = s !== undefined && (ENDED.has(s.state) || s.state === GONE);
    if (s !== undefined && !WAITING.includes(s.state)) startedAt ??= Date.now();
    if (ended) endedAt ??= Date.now();
    const now = Date.now();
    if (
      (endedAt && now - endedAt > opts.endGraceMs) ||
      (startedAt && now - startedAt > opts.timeoutMs)
    ) {
      if (!ended) await opts.cli.cancel([jobId]).catch(() => {});
      const where = s?.nodes ? ` on ${s.nodes}` : "";
      throw new StoreCheckError(
        `the store check (Slurm job ${jobId}${where}, ${ended ? s!.state : "running"}) wrote ` +
          `no marker that this machine could see: the store ${opts.store} must be on a ` +
          `filesystem shared by this machine and the compute nodes, at the same path ` +
          `(--store or KEYPOINTGAN_STORE); see docs/slurm.md`,
      );
    }
    await sleep(opts.intervalMs);
  }
}

function judgeMarker(opts: StoreCheckOptions, jobId: string, token: string, text: string): void {
  const field = (k: string) => new RegExp(`^${k}=(.*)$`, "m").exec(text)?.[1]?.trim() ?? "";
  const host = field("host") || "?";
  if (field("token") !== token) {
    throw new StoreCheckError(
      `the store check (Slurm job ${jobId} on ${host}) read a different challenge than this ` +
        `controller wrote: is another controller using ${opts.store} with the same run id?`,
    );
  }
  const problems = field("problems").split(/\s+/).filter(Boolean);
  const why: string[] = [];
  if (problems.includes("deno-missing")) {
    why.push(`deno is not at ${opts.deno} on node ${host} (install it at the same path)`);
  }
  if (problems.includes("entry-missing")) {
    why.push(
      `the project is not at ${opts.root} on node ${host} (the checkout must be shared at the same path)`,
    );
  }
  if (why.length > 0) throw new StoreCheckError(`the store check failed: ${why.join("; ")}`);
}
