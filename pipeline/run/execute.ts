/**
 * Computes one node, wherever it runs (in-process, a worker, a Slurm job): take the node's
 * lock, reuse the artifact if someone made it meanwhile, otherwise run the stage into a
 * staging directory, check it wrote exactly its declared outputs, and commit it atomically.
 * A throw records `failed/<key>.json` (error, stack tail, log tail) and keeps the work dir.
 *
 * @module
 */
import { hostname } from "node:os";
import { errorMessage } from "../common/errors.ts";
import { removeIfExists } from "../common/fsutil.ts";
import type { JobInput, NodeEvent, NodeJob, NodeOutcome } from "./node_job.ts";
import { acquireLock, type LockOptions } from "../store/lock.ts";
import { NodeLog } from "./node_log.ts";
import type { ArtifactRef, MissingInput, StageDef, StageRegistry, StageSummary } from "../stage.ts";
import type { Store } from "../store/store.ts";
import { checkOutputs, checkSummary, cleanStaging } from "./outputs.ts";

/** What `executeNode` needs besides the job. */
export interface ExecuteOptions {
  readonly registry: StageRegistry;
  readonly store: Store;
  readonly signal: AbortSignal;
  onEvent(event: NodeEvent): void;
  readonly lock?: LockOptions;
  /** Stage log lines that go to the node's log file only (see `ProjectConfig.detailLine`). */
  readonly detailLine?: (line: string) => boolean;
}

/** Runs `job` to completion and reports how it ended (never throws for a stage failure). */
export async function executeNode(job: NodeJob, opts: ExecuteOptions): Promise<NodeOutcome> {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  const onWait = (h: { runId: string; pid: number; host: string }) =>
    opts.onEvent({
      type: "log",
      message: `waiting: run ${h.runId} (pid ${h.pid} on ${h.host}) is computing this node`,
    });
  let lock;
  try {
    lock = await acquireLock(opts.store.lockPath(job.key), job.runId, {
      ...opts.lock,
      signal: opts.signal,
      onWait,
    });
  } catch (e) {
    if (opts.signal.aborted) return { status: "aborted", seconds: seconds() };
    throw e;
  }
  try {
    if (!job.force) {
      const v = await opts.store.verify(job.key);
      if (v.status === "ok" && !v.manifest.missing?.length) {
        return { status: "hit", seconds: seconds(), summary: v.manifest.summary };
      }
      if (v.status === "corrupt") await opts.store.discard(job.key);
    }
    await cleanStaging(opts.store, job.key);
    return await compute(job, opts, seconds);
  } finally {
    await lock.release();
  }
}

async function compute(
  job: NodeJob,
  opts: ExecuteOptions,
  seconds: () => number,
): Promise<NodeOutcome> {
  const stage = opts.registry[job.stage];
  const log = await NodeLog.open(opts.store.logPath(job.runId, job.stage, job.key), opts.onEvent);
  const staging = await opts.store.stagingDir(job.key);
  const workDir = opts.store.workDir(job.key);
  const started = new Date();
  try {
    if (stage === undefined) throw new Error(`stage "${job.stage}" is not in the registry`);
    await Deno.mkdir(workDir, { recursive: true });
    const { inputs, missing } = await resolveInputs(opts.store, stage, job.inputs);
    const summary = await stage.run({
      params: job.spec.params as never,
      inputs,
      missing,
      outDir: staging,
      workDir,
      key: job.key,
      runId: job.runId,
      experiment: job.experiment,
      variants: job.variants,
      log: (m) => opts.detailLine?.(m) ? log.detail(m) : log.line(m),
      progress: (done, total, info) => log.progress(done, total, info),
      signal: opts.signal,
    }) ?? {};
    checkSummary(summary);
    await checkOutputs(stage, staging);
    const missed = Object.values(missing).flat().map((m) => m.key);
    await opts.store.commit(
      job.key,
      staging,
      manifestOf(job, stage, summary, started, seconds(), missed),
    );
    await removeIfExists(workDir);
    await removeIfExists(opts.store.failedPath(job.key));
    return { status: "ran", seconds: seconds(), summary, log: log.path };
  } catch (e) {
    // Best effort from here on: on a full disk the log and the failure record may not be
    // writable either, and the node's outcome must still say what happened.
    await removeIfExists(staging).catch(() => {});
    if (opts.signal.aborted) return { status: "aborted", seconds: seconds(), log: log.path };
    // The terminal gets the message once (the node's end line); the stack is for the log file.
    try {
      log.detail(`✖ ${e instanceof Error && e.stack ? e.stack : errorMessage(e)}`);
    } catch { /* the log is unwritable (disk full) */ }
    const hint = diskFullHint(e, opts.store.dir);
    const error = errorMessage(e) + hint;
    await opts.store.recordFailure(job.key, {
      key: job.key,
      stage: job.stage,
      experiment: job.experiment,
      variants: job.variants,
      runId: job.runId,
      at: new Date().toISOString(),
      error,
      stack: (e instanceof Error ? e.stack ?? "" : "").split("\n").slice(0, 15).join("\n"),
      log: log.path,
      logTail: log.tail(20),
    }).catch(() => {});
    return {
      status: "failed",
      seconds: seconds(),
      error: errorMessage(e).split("\n")[0] + hint,
      log: log.path,
    };
  } finally {
    log.close();
  }
}

/** What to do about ENOSPC (the partial output is already gone). */
export function diskFullHint(e: unknown, storeDir: string): string {
  const code = (e as { code?: string } | undefined)?.code;
  const full = code === "ENOSPC" || /os error 28\b|no space left on device/i.test(errorMessage(e));
  return full
    ? ` — the disk holding ${storeDir} is full: free space and run again (the partial ` +
      "output was removed; checkpoints are kept)"
    : "";
}

async function resolveInputs(
  store: Store,
  stage: StageDef,
  inputs: Readonly<Record<string, JobInput>>,
) {
  const out: Record<string, ArtifactRef | ArtifactRef[] | undefined> = {};
  const missing: Record<string, MissingInput[]> = {};
  const ref = async (
    key: string,
    variants: readonly string[],
    variant?: string,
  ): Promise<ArtifactRef> => {
    const v = await store.verify(key);
    if (v.status !== "ok") throw new Error(`input artifact ${key.slice(0, 12)} is ${v.status}`);
    const m = v.manifest;
    return {
      key,
      stage: m.stage,
      dir: v.dir,
      params: m.spec.params,
      variants,
      runId: m.runId,
      variant,
    };
  };
  for (const [name, input] of Object.entries(inputs)) {
    if (input === null) out[name] = undefined;
    else if (Array.isArray(input) && stage.inputs[name]?.partial) {
      const refs: ArtifactRef[] = [];
      missing[name] = [];
      for (const i of input) {
        if ((await store.verify(i.key)).status === "ok") {
          refs.push(await ref(i.key, i.variants, i.variant));
        } else {
          const failure = await store.readFailure(i.key);
          const reason = failure ? failure.error.split("\n")[0] : "not computed";
          missing[name].push({ key: i.key, variant: i.variant, reason });
        }
      }
      out[name] = refs;
    } else if (Array.isArray(input)) {
      out[name] = await Promise.all(input.map((i) => ref(i.key, i.variants, i.variant)));
    } else {
      const single = input as { key: string; variants: readonly string[] };
      out[name] = await ref(single.key, single.variants);
    }
  }
  return { inputs: out, missing };
}

function manifestOf(
  job: NodeJob,
  stage: StageDef,
  summary: StageSummary,
  started: Date,
  seconds: number,
  missing: readonly string[],
) {
  return {
    format: job.spec.format as 1,
    key: job.key,
    stage: stage.name,
    complete: true as const,
    spec: job.spec as never,
    code: { files: { ...job.code.files }, packages: { ...job.code.packages } },
    summary,
    experiment: job.experiment,
    variants: [...job.variants],
    runId: job.runId,
    started: started.toISOString(),
    finished: new Date().toISOString(),
    seconds,
    host: hostname(),
    deno: Deno.version.deno,
    ...(missing.length ? { missing: [...missing] } : {}),
  };
}
