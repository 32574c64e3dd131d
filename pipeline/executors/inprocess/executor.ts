/**
 * The in-process executor: computes nodes in this process (`--jobs 1`, tests, the notebook).
 *
 * @module
 */
import { executeNode } from "../../run/execute.ts";
import type { Executor } from "../../run/executor.ts";
import type { NodeEvent, NodeJob, NodeOutcome } from "../../run/node_job.ts";
import type { LockOptions } from "../../store/lock.ts";
import type { StageRegistry } from "../../stage.ts";
import type { Store } from "../../store/store.ts";

/** Computes nodes in this process, `slots` at a time (default 1). */
export class InProcessExecutor implements Executor {
  readonly name = "in-process";
  readonly slots: number;
  readonly #registry: StageRegistry;
  readonly #store: Store;
  readonly #lock?: LockOptions;
  readonly #detailLine?: (line: string) => boolean;

  constructor(
    registry: StageRegistry,
    store: Store,
    opts: { slots?: number; lock?: LockOptions; detailLine?: (line: string) => boolean } = {},
  ) {
    this.#registry = registry;
    this.#store = store;
    this.slots = opts.slots ?? 1;
    this.#lock = opts.lock;
    this.#detailLine = opts.detailLine;
  }

  run(job: NodeJob, onEvent: (e: NodeEvent) => void, signal: AbortSignal): Promise<NodeOutcome> {
    return executeNode(job, {
      registry: this.#registry,
      store: this.#store,
      signal,
      onEvent,
      lock: this.#lock,
      detailLine: this.#detailLine,
    });
  }

  async close(): Promise<void> {}
}
