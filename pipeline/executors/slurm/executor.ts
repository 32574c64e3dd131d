/**
 * The Slurm executor: each ready node becomes one `sbatch` job running the same command a
 * `--jobs` worker runs (`deno run <same permissions> <entry> exec-node --job FILE --store DIR`),
 * with the job file, the batch script and the job's output in the shared store. The runner
 * submits a node only when its inputs are complete, so the cache stays the source of truth: a
 * node already in the store is never submitted, and no `--dependency` chain can outlive a
 * changed plan. See docs/slurm.md.
 *
 * - The first submission of a run also submits the shared-store check (slurm_check.ts); node
 *   jobs depend on it (`afterok`) until its marker has been read.
 * - Each job is recorded under its node key (slurm_records.ts); a later run re-attaches to a
 *   live job instead of submitting a duplicate.
 * - Events come from the job's output file (slurm_follow.ts); states from one batched squeue
 *   per poll (slurm_watch.ts).
 * - On abort (Ctrl-C), `onInterrupt` decides once for every job: cancel them (scancel; the
 *   stages checkpoint on SIGTERM) or keep them running for a later run to re-attach to.
 *
 * @module
 */
import { join } from "node:path";
import type { Executor } from "../../run/executor.ts";
import type { NodeEvent, NodeJob, NodeOutcome } from "../../run/node_job.ts";
import { describeSlurm, jobName, type SlurmConfig } from "./args.ts";
import { startStoreCheck, type StoreCheck } from "./check.ts";
import { ENDED, SlurmCli } from "./cli.ts";
import { follow, type FollowEnd, showTail } from "./follow.ts";
import { readRecord, removeRecord, runDir, type SlurmRecord } from "./records.ts";
import { entryPath, type SubmitContext, submitNode } from "./submit.ts";
import { OutputTail } from "./tail.ts";
import { sleep } from "./util.ts";
import { defaultPollMs, GONE, JobWatch } from "./watch.ts";
import type { Store } from "../../store/store.ts";

/** What to do with submitted jobs when the run is interrupted. */
export type InterruptPolicy = "cancel" | "keep" | ((jobIds: readonly string[]) => Promise<boolean>);

/** Options of the Slurm executor. */
export interface SlurmExecutorOptions {
  readonly store: Store;
  /** Project root: the jobs' working directory (shared, at the same path on every node). */
  readonly root: string;
  readonly config?: SlurmConfig;
  /** Jobs in the queue at once. @default unlimited */
  readonly slots?: number;
  /** Module whose CLI has `exec-node`. @default Deno.mainModule */
  readonly entry?: string;
  /** Extra environment for the Slurm commands (e.g. `SLURM_CONF`); jobs inherit it. */
  readonly env?: Readonly<Record<string, string>>;
  /** @default "cancel" */
  readonly onInterrupt?: InterruptPolicy;
  /** Between squeue polls. @default $KEYPOINTGAN_SLURM_POLL seconds, else 5 s */
  readonly pollMs?: number;
  /** Between reads of the jobs' output files. @default 500 */
  readonly tailMs?: number;
  /** How long an ended job's outcome line may take to appear. @default 5000 */
  readonly endGraceMs?: number;
  /** How long the store check's marker may take once the check runs. @default 120 s */
  readonly checkTimeoutMs?: number;
  /** After scancel, how long to wait for jobs to report (they checkpoint). @default 40 s */
  readonly cancelWaitMs?: number;
}

interface Submitted {
  readonly record: SlurmRecord;
  readonly attached: boolean;
}

/** Runs each node as a Slurm job. */
export class SlurmExecutor implements Executor {
  readonly name: string;
  readonly slots: number;
  readonly #o: SlurmExecutorOptions;
  readonly #cli: SlurmCli;
  readonly #ctx: SubmitContext;
  readonly #watch: JobWatch;
  readonly #live = new Set<string>();
  readonly #cancelled = new Set<string>();
  #check: Promise<StoreCheck> | undefined;
  #checkError: string | undefined;
  #decision: Promise<boolean> | undefined;
  #keptAny = false;

  constructor(opts: SlurmExecutorOptions) {
    this.#o = opts;
    this.slots = opts.slots ?? Number.POSITIVE_INFINITY;
    this.name = describeSlurm(opts.config ?? {});
    this.#cli = new SlurmCli(opts.env);
    this.#ctx = {
      cli: this.#cli,
      store: opts.store,
      root: opts.root,
      config: opts.config ?? {},
      entry: opts.entry ?? Deno.mainModule,
    };
    this.#watch = new JobWatch(this.#cli, opts.pollMs ?? defaultPollMs());
  }

  async run(job: NodeJob, onEvent: (e: NodeEvent) => void, signal: AbortSignal) {
    const t0 = performance.now();
    const built = job.force ? undefined : await this.#built(job.key);
    if (built) return built;
    const sub = await this.#attach(job, onEvent) ?? await this.#submit(job, onEvent);
    if ("status" in sub) return sub; // could not submit
    const id = sub.record.jobId;
    this.#live.add(id);
    const tail = new OutputTail(sub.record.output);
    let kept = false;
    try {
      const end = await follow({
        ...this.#followOpts(id, tail, onEvent),
        signal,
        checkError: () => this.#checkError,
        replayRecent: sub.attached,
      });
      const outcome = await this.#conclude(sub.record, end, tail, onEvent, signal);
      kept = end.kind === "interrupted" && !(await this.#decision);
      if (kept) this.#keptAny = true;
      return { ...outcome, seconds: outcome.seconds || (performance.now() - t0) / 1000 };
    } finally {
      this.#watch.remove(id);
      this.#live.delete(id);
      if (!kept) await this.#forget(sub.record);
    }
  }

  async close(): Promise<void> {
    this.#watch.stop();
    const check = await this.#check?.catch(() => undefined);
    // Jobs left running (Ctrl-C → keep) still wait on the check: leave it to them.
    if (check && !check.passed() && this.#checkError === undefined && !this.#keptAny) {
      await this.#cli.cancel([check.jobId]).catch(() => {});
    }
  }

  /**
   * The node's artifact, if another run stored it since this run was planned: the cache is the
   * source of truth, so such a node is never submitted. (Cheap: verified only if it exists.)
   */
  async #built(key: string): Promise<NodeOutcome | undefined> {
    const store = this.#o.store;
    const there = await Deno.stat(join(store.artifactDir(key), "manifest.json")).then(
      () => true,
      () => false,
    );
    const v = there ? await store.verify(key) : undefined;
    return v?.status === "ok"
      ? { status: "hit", seconds: 0, summary: v.manifest.summary }
      : undefined;
  }

  /** A live job recorded for this node by an earlier controller run. */
  async #attach(job: NodeJob, onEvent: (e: NodeEvent) => void): Promise<Submitted | undefined> {
    const record = await readRecord(this.#o.store, job.key);
    if (record === undefined) return undefined;
    this.#watch.add(record.jobId);
    await this.#watch.poll();
    const s = this.#watch.get(record.jobId);
    if (this.#watch.error !== undefined) {
      throw new Error(
        `cannot tell whether Slurm job ${record.jobId} still runs: ${this.#watch.error}`,
      );
    }
    if (s === undefined || ENDED.has(s.state) || s.state === GONE) {
      this.#watch.remove(record.jobId);
      await removeRecord(this.#o.store, job.key, record.jobId);
      return undefined;
    }
    onEvent({
      type: "log",
      message: `re-attaching to Slurm job ${record.jobId} (submitted by run ${record.runId} ` +
        `on ${record.controller}) instead of submitting again`,
    });
    return { record, attached: true };
  }

  async #submit(job: NodeJob, onEvent: (e: NodeEvent) => void): Promise<Submitted | NodeOutcome> {
    const check = await (this.#check ??= this.#startCheck(job.runId));
    if (this.#checkError) return { status: "failed", seconds: 0, error: this.#checkError };
    const after = check.passed() ? undefined : check.jobId;
    const record = await submitNode(this.#ctx, job, after);
    this.#watch.add(record.jobId);
    const name = jobName(job.stage, job.variants);
    const wait = after ? `; starts after the store check, job ${after}` : "";
    onEvent({ type: "log", message: `submitted as Slurm job ${record.jobId} (${name})${wait}` });
    return { record, attached: false };
  }

  #startCheck(runId: string): Promise<StoreCheck> {
    const started = startStoreCheck({
      ...this.#ctx,
      watch: this.#watch,
      dir: runDir(this.#o.store, runId),
      store: this.#o.store.dir,
      deno: Deno.execPath(),
      entry: entryPath(this.#ctx.entry),
      timeoutMs: this.#o.checkTimeoutMs ?? 120_000,
      intervalMs: this.#o.tailMs ?? 500,
      endGraceMs: this.#o.endGraceMs ?? 5000,
    });
    started.then(
      (c) => c.verdict.catch((e) => this.#checkError = e.message),
      (e) => this.#checkError = `could not submit the store check: ${e.message}`,
    );
    return started;
  }

  #followOpts(jobId: string, tail: OutputTail, onEvent: (e: NodeEvent) => void) {
    return {
      jobId,
      tail,
      onEvent,
      watch: this.#watch,
      intervalMs: this.#o.tailMs ?? 500,
      endGraceMs: this.#o.endGraceMs ?? 5000,
    };
  }

  /** Turns how following ended into the node's outcome. */
  async #conclude(
    record: SlurmRecord,
    end: FollowEnd,
    tail: OutputTail,
    onEvent: (e: NodeEvent) => void,
    signal: AbortSignal,
  ): Promise<NodeOutcome> {
    const id = record.jobId;
    if (end.kind === "interrupted") return await this.#interrupted(record, tail, onEvent);
    if (end.kind === "check-failed") {
      await this.#cli.cancel([id]).catch(() => {});
      return { status: "failed", seconds: 0, error: end.error };
    }
    if (end.kind === "outcome" && end.outcome.status !== "aborted") {
      if (end.outcome.status === "failed") showTail(id, tail, onEvent);
      return end.outcome;
    }
    // It ended without an outcome, or stopped (scancel, time limit, preemption) while this
    // controller was not interrupted.
    const final = await this.#finalState(id);
    const state = final?.state ?? (end.kind === "ended" ? end.state.state : "unknown");
    const exit = final?.exitCode && final.exitCode !== "0:0" ? `, exit ${final.exitCode}` : "";
    showTail(id, tail, onEvent);
    const error = end.kind === "outcome"
      ? `Slurm job ${id} was stopped (${state}${exit}); its state is saved, re-run to resume`
      : `Slurm job ${id} ended ${state}${exit} without reporting an outcome`;
    return { status: signal.aborted ? "aborted" : "failed", seconds: 0, error, log: record.output };
  }

  /** How `id` ended, waiting a little while Slurm still winds it down (COMPLETING). */
  async #finalState(id: string) {
    let f;
    for (let i = 0; i < 20; i++) {
      f = await this.#cli.final(id);
      if (f === undefined || ENDED.has(f.state)) break;
      await sleep(500);
    }
    return f;
  }

  /** Ctrl-C: ask (once for all jobs) whether to cancel, then cancel or leave this job. */
  async #interrupted(
    record: SlurmRecord,
    tail: OutputTail,
    onEvent: (e: NodeEvent) => void,
  ): Promise<NodeOutcome> {
    this.#decision ??= this.#decide();
    if (!(await this.#decision)) {
      onEvent({
        type: "log",
        message: `left Slurm job ${record.jobId} running; run again to re-attach to it`,
      });
      return { status: "aborted", seconds: 0, error: `Slurm job ${record.jobId} left running` };
    }
    // Submitted while the decision was being made: not in the batch that was cancelled.
    if (!this.#cancelled.has(record.jobId)) await this.#cli.cancel([record.jobId]).catch(() => {});
    const end = await follow({
      ...this.#followOpts(record.jobId, tail, onEvent),
      deadline: Date.now() + (this.#o.cancelWaitMs ?? 40_000),
    });
    const o = end.kind === "outcome" ? end.outcome : undefined;
    return { status: "aborted", seconds: o?.seconds ?? 0, log: o?.log ?? record.output };
  }

  async #decide(): Promise<boolean> {
    const check = await this.#check?.catch(() => undefined);
    const ids = [...this.#live, ...(check && !check.passed() ? [check.jobId] : [])];
    const policy = this.#o.onInterrupt ?? "cancel";
    const cancel = policy === "cancel" || (policy !== "keep" && await policy(ids));
    if (cancel) {
      ids.forEach((id) => this.#cancelled.add(id));
      await this.#cli.cancel(ids);
    }
    return cancel;
  }

  async #forget(record: SlurmRecord): Promise<void> {
    // The job file and script stay beside the output: together they reproduce the job.
    await removeRecord(this.#o.store, record.key, record.jobId);
  }
}
