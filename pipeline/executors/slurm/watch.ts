/**
 * Polls the states of every job the controller follows with ONE `squeue` call per interval
 * (never one call per job: a sweep may follow hundreds, and slurmctld is shared), and keeps the
 * latest state of each. A job squeue no longer knows is reported as `GONE` (it ended longer ago
 * than the cluster's MinJobAge). A failing squeue keeps the last known states and sets `error`.
 *
 * @module
 */
import type { JobState, SlurmCli } from "./cli.ts";

/** State of a job squeue no longer lists. */
export const GONE = "GONE";

/** The shared poller. */
export class JobWatch {
  readonly #cli: SlurmCli;
  readonly #pollMs: number;
  readonly #states = new Map<string, JobState>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #polling: Promise<void> | undefined;
  /** The last squeue failure, while squeue keeps failing. */
  error: string | undefined;

  constructor(cli: SlurmCli, pollMs: number) {
    this.#cli = cli;
    this.#pollMs = pollMs;
  }

  /** Starts following `id`. */
  add(id: string): void {
    if (!this.#states.has(id)) {
      this.#states.set(id, { id, state: "SUBMITTED", reason: "", nodes: "" });
    }
    this.#schedule();
  }

  /** Stops following `id`. */
  remove(id: string): void {
    this.#states.delete(id);
    if (this.#states.size === 0) this.stop();
  }

  /** The latest known state of `id`. */
  get(id: string): JobState | undefined {
    return this.#states.get(id);
  }

  /** Polls now (joining a poll in flight). */
  poll(): Promise<void> {
    this.#polling ??= this.#query().finally(() => this.#polling = undefined);
    return this.#polling;
  }

  /** Stops polling (followed jobs keep their last state). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(async () => {
      await this.poll();
      this.#timer = undefined;
      if (this.#states.size > 0) this.#schedule();
    }, this.#pollMs);
  }

  async #query(): Promise<void> {
    const ids = [...this.#states.keys()];
    try {
      const found = await this.#cli.states(ids);
      for (const id of ids) {
        if (!this.#states.has(id)) continue; // removed meanwhile
        this.#states.set(id, found.get(id) ?? { id, state: GONE, reason: "", nodes: "" });
      }
      this.error = undefined;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }
}

/** Between squeue polls: `$KEYPOINTGAN_SLURM_POLL` seconds, else 5 s (slurmctld is shared). */
export function defaultPollMs(): number {
  try {
    const s = Number(Deno.env.get("KEYPOINTGAN_SLURM_POLL"));
    return s > 0 ? s * 1000 : 5000;
  } catch {
    return 5000; // no env permission
  }
}
