/**
 * Per-node lock files, so two runs (or Slurm jobs) on one store never compute the same node at
 * once: the second waits, then finds the artifact and reuses it.
 *
 * A lock file is created exclusively (`createNew`) and holds `{pid, host, runId, since}`; its
 * holder touches it every `heartbeatMs`. A lock is stale (and taken over) when its process is
 * gone on this host (signal 0 says ESRCH, e.g. after kill -9) or its heartbeat is older than
 * `staleMs` (a dead holder on another host). Removal re-checks the content it judged stale.
 *
 * @module
 */
import process from "node:process";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { readJson } from "../common/fsutil.ts";

/** Timing knobs (tests shorten them). */
export interface LockOptions {
  /** @default 10_000 */
  readonly heartbeatMs?: number;
  /** @default 120_000 */
  readonly staleMs?: number;
  /** @default 250 */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
  /** Called once when the lock is busy, with who holds it. */
  onWait?(holder: LockInfo): void;
}

/** What a lock file says. */
export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly runId: string;
  readonly since: string;
}

/** A held lock; `release()` it in a `finally`. */
export interface HeldLock {
  release(): Promise<void>;
}

/** Waits until the lock at `path` is ours. */
export async function acquireLock(
  path: string,
  runId: string,
  opts: LockOptions = {},
): Promise<HeldLock> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const info: LockInfo = {
    pid: Deno.pid,
    host: hostname(),
    runId,
    since: new Date().toISOString(),
  };
  let waited = false;
  while (true) {
    opts.signal?.throwIfAborted();
    try {
      await Deno.writeTextFile(path, JSON.stringify(info), { createNew: true });
      return hold(path, opts.heartbeatMs ?? 10_000);
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
    const holder = await readJson(path) as LockInfo | undefined;
    if (await isStale(path, holder, opts.staleMs ?? 120_000)) {
      await removeIfSame(path, holder);
      continue;
    }
    if (!waited && holder) opts.onWait?.(holder);
    waited = true;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
  }
}

function hold(path: string, heartbeatMs: number): HeldLock {
  const timer = setInterval(() => {
    const now = new Date();
    Deno.utime(path, now, now).catch(() => {});
  }, heartbeatMs);
  return {
    async release() {
      clearInterval(timer);
      await Deno.remove(path).catch(() => {});
    },
  };
}

async function isStale(
  path: string,
  holder: LockInfo | undefined,
  staleMs: number,
): Promise<boolean> {
  const st = await Deno.stat(path).catch(() => undefined);
  if (st === undefined) return false; // released meanwhile: retry creating it
  const age = Date.now() - (st.mtime?.getTime() ?? 0);
  // A half-written lock (holder unreadable) is only judged by age.
  if (holder === undefined) return age > Math.min(staleMs, 5_000);
  if (holder.host === hostname() && processGone(holder.pid)) {
    return true;
  }
  return age > staleMs;
}

async function removeIfSame(path: string, holder: LockInfo | undefined): Promise<void> {
  const now = await readJson(path) as LockInfo | undefined;
  if (JSON.stringify(now) !== JSON.stringify(holder)) return; // someone else took it meanwhile
  await Deno.remove(path).catch(() => {});
}

/** Whether `path` is currently held by a live holder (for gc). */
export async function isLocked(path: string, staleMs = 120_000): Promise<boolean> {
  const holder = await readJson(path) as LockInfo | undefined;
  const exists = await Deno.stat(path).then(() => true, () => false);
  return exists && !(await isStale(path, holder, staleMs));
}

/**
 * Whether `pid` is certainly gone on this host. Signal 0 (not `/proc`, which Deno reads only
 * with --allow-all) needs --allow-run; without it the answer is "not known", and the heartbeat
 * age decides.
 */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as { code?: string }).code === "ESRCH";
  }
}
