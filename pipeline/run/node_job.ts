/**
 * A job: everything needed to compute one planned node, as plain JSON, so it can run in this
 * process, in a `--jobs` worker, or later in a Slurm job on another machine
 * (`main.ts exec-node --job <file>`). Workers talk back through `NodeEvent`s.
 *
 * @module
 */
import type { Fingerprint } from "../plan/fingerprint.ts";
import type { NodeSpec } from "../store/manifest.ts";
import type { Plan, PlanNode } from "../plan/plan.ts";
import type { StageSummary } from "../stage.ts";

/** An input binding with the variant labels the consumer should see. */
export type JobInput =
  | { readonly key: string; readonly variants: readonly string[] }
  | readonly {
    readonly key: string;
    readonly variant: string;
    readonly variants: readonly string[];
  }[]
  | null;

/** One node to compute. */
export interface NodeJob {
  readonly key: string;
  readonly stage: string;
  readonly spec: NodeSpec;
  readonly code: Fingerprint;
  readonly inputs: Readonly<Record<string, JobInput>>;
  readonly variants: readonly string[];
  readonly experiment: string;
  readonly runId: string;
  /** Recompute even when a valid artifact exists (forced nodes). */
  readonly force: boolean;
}

/** What a running node reports. */
export type NodeEvent =
  | { readonly type: "log"; readonly message: string }
  | {
    readonly type: "progress";
    readonly done: number;
    readonly total: number;
    readonly info?: string;
  }
  | { readonly type: "warn"; readonly message: string };

/** How a node ended. */
export interface NodeOutcome {
  /** ran: computed now; hit: found in the store; skipped: an input failed; aborted: Ctrl-C. */
  readonly status: "ran" | "hit" | "failed" | "skipped" | "aborted";
  readonly seconds: number;
  readonly summary?: StageSummary;
  /** First line of the error (failed) or why it was skipped. */
  readonly error?: string;
  /** Path of the node's log file, when it ran. */
  readonly log?: string;
}

/** The job of a planned node. */
export function jobOf(plan: Plan, node: PlanNode, runId: string): NodeJob {
  const variantsOf = (key: string) => plan.byKey.get(key)?.variants ?? [];
  const inputs: Record<string, JobInput> = {};
  for (const [name, input] of Object.entries(node.spec.inputs)) {
    if (input === null) inputs[name] = null;
    else if (typeof input === "string") inputs[name] = { key: input, variants: variantsOf(input) };
    else inputs[name] = input.map((i) => ({ ...i, variants: variantsOf(i.key) }));
  }
  return {
    key: node.key,
    stage: node.stage,
    spec: node.spec,
    code: node.code,
    inputs,
    variants: node.variants,
    experiment: plan.experiment.name,
    runId,
    force: node.state.status === "run" && node.state.reasons.some((r) => r.kind === "forced"),
  };
}
