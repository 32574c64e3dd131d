/**
 * Follows one Slurm job until it reports its outcome, ends without one, or the controller is
 * interrupted: tails its output file for event lines (passed on as node events), reports its
 * queue state when it changes (`Slurm job 12 PENDING (Priority)` → `RUNNING on node07`), and
 * passes on squeue trouble as a warning.
 *
 * @module
 */
import { decodeLine, type WorkerMessage } from "../../run/channel.ts";
import type { NodeEvent, NodeOutcome } from "../../run/node_job.ts";
import { ENDED, type JobState } from "./cli.ts";
import type { OutputTail } from "./tail.ts";
import { GONE, type JobWatch } from "./watch.ts";
import { sleep } from "./util.ts";

/** How following ended. */
export type FollowEnd =
  | { readonly kind: "outcome"; readonly outcome: NodeOutcome }
  | { readonly kind: "ended"; readonly state: JobState }
  | { readonly kind: "interrupted" }
  | { readonly kind: "deadline" }
  | { readonly kind: "check-failed"; readonly error: string };

/** What `follow` needs. */
export interface FollowOptions {
  readonly jobId: string;
  readonly watch: JobWatch;
  readonly tail: OutputTail;
  onEvent(e: NodeEvent): void;
  readonly intervalMs: number;
  /** How long an ended job's outcome line may take to show up in its output file. */
  readonly endGraceMs: number;
  readonly signal?: AbortSignal;
  /** Give up at this time (ms since epoch). */
  readonly deadline?: number;
  /** Error of a failed store check this job depends on. */
  checkError?(): string | undefined;
  /** Re-attaching: show only the latest progress and a few log lines of the history. */
  readonly replayRecent?: boolean;
}

/** `RUNNING on node07`, `PENDING (Priority)`. */
export function describeState(s: JobState): string {
  if (s.state === GONE) return "no longer in the queue";
  if (s.state === "RUNNING" && s.nodes) return `RUNNING on ${s.nodes}`;
  return s.reason && s.reason !== "None" ? `${s.state} (${s.reason})` : s.state;
}

/** Follows the job; resolves with how it ended. */
export async function follow(opts: FollowOptions): Promise<FollowEnd> {
  let shown = "";
  let warned: string | undefined;
  let endedAt: number | undefined;
  let first = opts.replayRecent ?? false;
  while (true) {
    const msgs = (await opts.tail.read()).map(decodeLine);
    const outcome = pass(msgs, opts.onEvent, first);
    first = false;
    if (outcome) return { kind: "outcome", outcome };
    const s = opts.watch.get(opts.jobId);
    if (s && describeState(s) !== shown && s.state !== "SUBMITTED") {
      shown = describeState(s);
      opts.onEvent({ type: "log", message: `Slurm job ${opts.jobId} ${shown}` });
    }
    if (opts.watch.error !== warned) {
      warned = opts.watch.error;
      if (warned) opts.onEvent({ type: "warn", message: `${warned} (retrying)` });
    }
    const checkError = opts.checkError?.();
    if (checkError) return { kind: "check-failed", error: checkError };
    if (s && (ENDED.has(s.state) || s.state === GONE)) endedAt ??= Date.now();
    if (endedAt !== undefined && Date.now() - endedAt > opts.endGraceMs) {
      const rest = pass(opts.tail.flush().map(decodeLine), opts.onEvent, false);
      return rest ? { kind: "outcome", outcome: rest } : { kind: "ended", state: s! };
    }
    if (opts.signal?.aborted) return { kind: "interrupted" };
    if (opts.deadline !== undefined && Date.now() > opts.deadline) return { kind: "deadline" };
    await sleep(opts.intervalMs);
  }
}

/** Passes events on; returns the outcome if one came. */
function pass(
  msgs: WorkerMessage[],
  onEvent: (e: NodeEvent) => void,
  recentOnly: boolean,
): NodeOutcome | undefined {
  let events = msgs.filter((m): m is NodeEvent => m.type !== "outcome");
  if (recentOnly) {
    const progress = events.findLast((e) => e.type === "progress");
    events = [
      ...events.filter((e) => e.type !== "progress").slice(-5),
      ...(progress ? [progress] : []),
    ];
  }
  for (const e of events) onEvent(e);
  const o = msgs.find((m) => m.type === "outcome");
  return o?.type === "outcome" ? o.outcome : undefined;
}

/** The last `n` lines a job printed, as text (protocol lines rendered as their message). */
export function tailText(lines: readonly string[], n: number): string[] {
  return lines.map(decodeLine).flatMap((m) =>
    m.type === "log" || m.type === "warn" ? [m.message] : []
  ).slice(-n);
}

/** Shows the last lines a failed job printed (a warning event, so it stands out). */
export function showTail(id: string, tail: OutputTail, onEvent: (e: NodeEvent) => void): void {
  const lines = tailText(tail.recent, 15);
  if (lines.length === 0) return;
  onEvent({
    type: "warn",
    message: `last lines of Slurm job ${id} (${tail.path}):\n    ${lines.join("\n    ")}`,
  });
}
