/**
 * The stage contract: the one seam between the generic engine (`pipeline/`) and the
 * science (`stages/`, `keypointgan/`). A stage is one file exporting `defineStage({...})`.
 *
 * The engine never imports TF.js or keypoint code; stages never touch the artifact store.
 * The runner hands a stage its validated params, its resolved input artifacts and an
 * empty output directory, and records what the stage wrote once `run` returns.
 *
 * @module
 */
import type { z } from "zod";

/** A completed artifact in the store, as handed to a downstream stage. */
export interface ArtifactRef {
  /** Content key: SHA-256 hex of the node's canonical spec (see pipeline/common/hash.ts). */
  readonly key: string;
  /** Name of the stage that produced it. */
  readonly stage: string;
  /** Absolute path of the directory holding the artifact's files (read-only for consumers). */
  readonly dir: string;
  /** The resolved params the artifact was computed with. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Labels of the experiment variants whose chain reaches this node (deduplicated nodes have several). */
  readonly variants: readonly string[];
  /** Id of the run that computed it (from the manifest; an earlier run on a cache hit). */
  readonly runId: string;
  /**
   * For an element of a fan-in input (`from: "all"`): the variant run it stands for (e.g.
   * `keypointgan[priorSize=50]`). Undefined for a plain input.
   */
  readonly variant?: string;
}

/**
 * How a stage's input is bound to an upstream node.
 * - `"variant"`: the node of `stage` in the same variant chain (one `ArtifactRef`).
 * - `"all"`: fan-in over every variant of the experiment (an `ArtifactRef[]`, in variant order).
 */
export interface InputSpec {
  readonly stage: string;
  readonly from?: "variant" | "all";
  /** An optional input is left out (undefined) when the upstream stage is not planned. */
  readonly optional?: boolean;
  /**
   * Fan-in only (`from: "all"`): run even when some upstream nodes failed or were skipped. The
   * array then holds the artifacts that exist; the others are listed in `ctx.missing[name]`.
   * Such a partial result is never a cache hit: it is recomputed on every run until complete.
   */
  readonly partial?: boolean;
}

/** An element of a partial fan-in input that has no artifact (see `InputSpec.partial`). */
export interface MissingInput {
  readonly key: string;
  /** The run label the element belongs to. */
  readonly variant: string;
  /** Why there is no artifact (the upstream failure's first line, or "not computed"). */
  readonly reason: string;
}

/** Progress of a long stage: `done` of `total` units (e.g. training steps). */
export type ProgressFn = (done: number, total: number, info?: string) => void;

/** What the runner gives a stage's `run`. */
export interface StageContext<P> {
  /** Validated, resolved params (stage defaults ← experiment ← variant ← matrix ← --set). */
  readonly params: P;
  /** Resolved inputs keyed as in `StageDef.inputs`. */
  readonly inputs: Readonly<Record<string, ArtifactRef | ArtifactRef[] | undefined>>;
  /** Empty directory to write the declared outputs into; it becomes the artifact on success. */
  readonly outDir: string;
  /**
   * Persistent scratch directory for this node (checkpoints, resume state). It survives a
   * crash or kill -9 so a re-run can resume, and is deleted once the artifact is complete.
   */
  readonly workDir: string;
  /** The artifact key this run will produce (for provenance written into outputs). */
  readonly key: string;
  /** Id of the current run (ledger). */
  readonly runId: string;
  /** Name of the experiment being run. */
  readonly experiment: string;
  /** Labels of the variants whose chain reaches this node. */
  readonly variants: readonly string[];
  /** Log a line (goes above the progress bar, or to the node's log file under a worker). */
  log(message: string): void;
  /** Report progress; the runner draws bars/ETA from it. */
  progress: ProgressFn;
  /** Aborted on Ctrl-C: long stages should checkpoint and throw promptly. */
  readonly signal: AbortSignal;
  /** Partial fan-in inputs: input name → the elements without an artifact (usually empty). */
  readonly missing: Readonly<Record<string, readonly MissingInput[]>>;
}

/** Scalars a stage may return for the run ledger (e.g. final losses, errors, backend). */
export type StageSummary = Record<string, number | string | boolean | null>;

/**
 * A stage: typed params with defaults, declared inputs/outputs, and a `run` function. `R` is the
 * type of the params `run` receives: `z.output<S>`, or what `resolve` returns (e.g. with the
 * tier-dependent params filled), so stages need no casts.
 */
export interface StageDef<S extends z.ZodObject = z.ZodObject, R = z.output<S>> {
  /** Registry key; equals the file name in stages/. */
  readonly name: string;
  /** Bump when outputs change meaning without a source change the fingerprint would see. */
  readonly version: number;
  /** One line for `--dry-run`, docs and errors. */
  readonly description: string;
  /** Strict zod object schema; every field has a default (the stage's defaults). */
  readonly params: S;
  /**
   * Optional: fill derived params (e.g. tier-dependent sizes left unset) before hashing, so the
   * cache key and manifest hold the effective values. Must be pure and deterministic.
   */
  resolve?(params: z.output<S>): R;
  /** Named inputs. */
  readonly inputs: Readonly<Record<string, InputSpec>>;
  /**
   * Relative paths the stage must create in `outDir` (a trailing `/` marks a directory).
   * The contract suite fails a stage that writes anything else.
   */
  readonly outputs: readonly string[];
  /**
   * Outputs whose bytes may differ between two runs with the same seed (e.g. `timing.json`).
   * Excluded from the same-seed-same-hash contract; keep everything else deterministic.
   */
  readonly volatile?: readonly string[];
  /** An output (text) the CLI prints after a run whose target includes this stage (e.g. tables). */
  readonly display?: string;
  /** Relative cost estimate of a run with these params (seconds-ish); weights overall ETA. */
  cost?(params: z.output<S>): number;
  /** Compute the outputs. Throwing fails the node; its dependants are skipped. */
  run(ctx: StageContext<R>): Promise<StageSummary | void>;
}

/** Identity helper that keeps `params`, `run` and `resolve` types tied together. */
export function defineStage<S extends z.ZodObject, R = z.output<S>>(
  def: StageDef<S, R>,
): StageDef<S, R> {
  return def;
}

/**
 * The registry the entry point gives the engine: stage name → definition. The name must equal
 * the key and the stage's file name (`stages/<name>.ts`, whose import closure is the stage's
 * code fingerprint). Run order comes from the declared inputs (topological sort), not from the
 * object's key order.
 */
export type StageRegistry = Readonly<Record<string, StageDef>>;

/**
 * Experiment-level params shared by stages: a stage whose params schema has a key of the same
 * name receives the global's value unless the experiment sets that stage param explicitly.
 */
export type GlobalsSchema = z.ZodObject;
