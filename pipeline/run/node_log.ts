/**
 * A computing node's log: every line goes to its log file (kept in the store and named in
 * failure records) and, unless it is a detail (`detail`), to the observer; progress is
 * throttled to ~10 events a second.
 *
 * @module
 */
import { dirname } from "node:path";
import { displayPath } from "../experiment/experiment_load.ts";
import type { NodeEvent } from "./node_job.ts";

/** The log of one node computation. */
export class NodeLog {
  readonly path: string;
  readonly #file: Deno.FsFile;
  readonly #emit: (e: NodeEvent) => void;
  readonly #tail: string[] = [];
  #lastProgress = 0;

  private constructor(path: string, file: Deno.FsFile, emit: (e: NodeEvent) => void) {
    this.path = path;
    this.#file = file;
    this.#emit = emit;
  }

  /** Opens (appends to) the log at `path`. */
  static async open(path: string, emit: (e: NodeEvent) => void): Promise<NodeLog> {
    await Deno.mkdir(dirname(path), { recursive: true });
    const file = await Deno.open(path, { create: true, append: true });
    return new NodeLog(displayPath(path), file, emit);
  }

  /** Logs one line (or several): to the file and to the observer (the terminal). */
  line(message: string): void {
    this.detail(message);
    this.#emit({ type: "log", message });
  }

  /** Logs to the file only (a stack trace, a backend description): the terminal stays quiet. */
  detail(message: string): void {
    for (const l of message.split("\n")) {
      this.#tail.push(l);
      if (this.#tail.length > 200) this.#tail.shift();
    }
    this.#file.writeSync(new TextEncoder().encode(message + "\n"));
  }

  /** Reports progress, dropping updates closer than 100 ms apart (except the last one). */
  progress(done: number, total: number, info?: string): void {
    const now = performance.now();
    if (done < total && now - this.#lastProgress < 100) return;
    this.#lastProgress = now;
    this.#emit({ type: "progress", done, total, ...(info === undefined ? {} : { info }) });
  }

  /** The last `n` lines. */
  tail(n: number): string[] {
    return this.#tail.slice(-n);
  }

  close(): void {
    this.#file.close();
  }
}
