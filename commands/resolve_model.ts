/**
 * `predict --model X`: X may be a path (train artifact, its model/ folder, an exported
 * predictor), a run id from the ledger (`deno task runs`; a prefix or `last`), or an artifact key
 * (a prefix of at least 6 hex digits). Runs and keys are looked up in the store through the
 * engine's API; the result is always a directory for `loadPosePredictor`.
 *
 * @module
 */
import { readdir } from "node:fs/promises";
import { resolve } from "node:path";
import { type LedgerEntry, readArtifact, readLedger, type Store } from "../pipeline/mod.ts";

/** `--model` names nothing usable (the message says what was tried and what to do). */
export class ModelRefError extends Error {
  override name = "ModelRefError";
}

/** What `--model` resolved to. */
export interface ResolvedModel {
  readonly dir: string;
  /** How it was found, for the log line ("run 2025… variant keypointgan → train artifact …"). */
  readonly via: string;
}

const exists = (p: string) => Deno.stat(p).then(() => true, () => false);

/** Does a run label belong to `variant` (the name, or one matrix label)? */
const labelMatches = (label: string, variant: string) =>
  label === variant || label.startsWith(`${variant}[`);

/** The train node of a ledger run (one, or the one of `variant`). */
function trainNodeOf(run: LedgerEntry, variant: string | undefined) {
  const trains = run.nodes.filter((n) => n.stage === "train");
  if (trains.length === 0) {
    const stages = [...new Set(run.nodes.map((n) => n.stage))].join(", ") || "none";
    throw new ModelRefError(
      `run ${run.id} (${run.experiment}) has no train node (its stages: ${stages})`,
    );
  }
  const all = trains.flatMap((n) => n.variants);
  const picked = variant === undefined
    ? trains
    : trains.filter((n) => n.variants.some((l) => labelMatches(l, variant)));
  if (picked.length === 0) {
    throw new ModelRefError(
      `run ${run.id} has no train node for variant "${variant}" (its variants: ${all.join(", ")})`,
    );
  }
  if (picked.length > 1) {
    const labels = picked.map((n) => n.variants.join("+")).join(", ");
    throw new ModelRefError(
      `run ${run.id} trained ${picked.length} models (${labels}); pick one with --variant LABEL`,
    );
  }
  const node = picked[0];
  if (node.status !== "ran" && node.status !== "hit") {
    throw new ModelRefError(
      `run ${run.id}: its train node (${node.variants.join("+")}) ${node.status}` +
        (node.error ? `: ${node.error}` : ""),
    );
  }
  return node;
}

async function fromRun(store: Store, run: LedgerEntry, variant: string | undefined) {
  const node = trainNodeOf(run, variant);
  const ref = await readArtifact(store, node.key);
  if (!ref) {
    throw new ModelRefError(
      `run ${run.id}: its train artifact ${node.key} is not (or no longer) valid in the store ` +
        `${store.dir} (collected by gc, or altered); re-run experiment "${run.experiment}" to rebuild it`,
    );
  }
  return { dir: ref.dir, via: `run ${run.id} ${node.variants.join("+")} → train ${node.key}` };
}

async function fromKey(store: Store, prefix: string): Promise<ResolvedModel | undefined> {
  const names = await readdir(`${store.dir}/artifacts`).catch(() => [] as string[]);
  const keys = names.filter((n) => n.startsWith(prefix));
  if (keys.length === 0) return undefined;
  if (keys.length > 1) {
    throw new ModelRefError(
      `artifact key prefix "${prefix}" is ambiguous (${keys.length} artifacts)`,
    );
  }
  const ref = await readArtifact(store, keys[0]);
  if (!ref) {
    throw new ModelRefError(`artifact ${keys[0]} in ${store.dir} is incomplete or corrupt`);
  }
  if (ref.stage !== "train") {
    throw new ModelRefError(
      `artifact ${keys[0]} is a ${ref.stage} artifact; predict needs a train artifact ` +
        `(see its run with: deno task runs ${ref.runId})`,
    );
  }
  return { dir: ref.dir, via: `train artifact ${keys[0]}` };
}

/** Resolve `--model`: an existing path (relative to `cwd`), else a run id, else an artifact key. */
export async function resolveModel(
  spec: string,
  store: Store,
  variant?: string,
  cwd = Deno.cwd(),
): Promise<ResolvedModel> {
  if (await exists(resolve(cwd, spec))) return { dir: resolve(cwd, spec), via: spec };
  const ledger = await readLedger(store.ledgerPath);
  const runs = spec === "last" ? ledger.slice(-1) : ledger.filter((e) => e.id.startsWith(spec));
  if (runs.length > 1) {
    throw new ModelRefError(
      `"${spec}" matches ${runs.length} runs (${
        runs.map((r) => r.id).join(", ")
      }); give more of the id`,
    );
  }
  if (runs.length === 1) return await fromRun(store, runs[0], variant);
  const byKey = /^[0-9a-f]{6,64}$/.test(spec) ? await fromKey(store, spec) : undefined;
  if (byKey) return byKey;
  throw new ModelRefError(
    `--model ${spec}: no such file or directory, and no run id (${ledger.length} runs in ` +
      `${store.ledgerPath}; list them with: deno task runs) or artifact key in ${store.dir} matches it`,
  );
}
