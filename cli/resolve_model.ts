/**
 * `predict --model X`: X may be a path (train artifact, its model/ folder, an exported
 * predictor), a run id from the ledger (`deno task runs`; a prefix or `last`), or an artifact key
 * (a prefix of at least 6 hex digits). Runs and keys are looked up in the store through the
 * engine's API; the result is always a directory for `loadPosePredictor`.
 *
 * `last` is the newest run that has a usable model — with `--kind K`, a model of kind K (the
 * train artifact's `train.json`), so `--model last --kind faces` never picks a humans model; of
 * a run that trained several models, `--kind` (and `--variant`) pick one.
 *
 * @module
 */
import { readdir } from "node:fs/promises";
import { resolve } from "node:path";
import { type LedgerEntry, readArtifact, readLedger, type Store } from "../pipeline/mod.ts";
import { readTrainInfo } from "../keypointgan/predict/model.ts";

type LedgerNode = LedgerEntry["nodes"][number];

/** `--model` names nothing usable (the message says what was tried and what to do). */
export class ModelRefError extends Error {
  override name = "ModelRefError";
  /** Several models fit: `last` must not pass over such a run to an older one. */
  constructor(message: string, readonly ambiguous = false) {
    super(message);
  }
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

/** The train node of a ledger run (one, or the one of `variant` / of `kind`). */
async function trainNodeOf(
  store: Store,
  run: LedgerEntry,
  variant: string | undefined,
  kind: string | undefined,
): Promise<{ node: LedgerNode; dir: string }> {
  const trains = run.nodes.filter((n) => n.stage === "train");
  if (trains.length === 0) {
    const stages = [...new Set(run.nodes.map((n) => n.stage))].join(", ") || "none";
    throw new ModelRefError(
      `run ${run.id} (${run.experiment}) has no train node (its stages: ${stages})`,
    );
  }
  const all = trains.flatMap((n) => n.variants);
  let picked = variant === undefined
    ? trains
    : trains.filter((n) => n.variants.some((l) => labelMatches(l, variant)));
  if (picked.length === 0) {
    throw new ModelRefError(
      `run ${run.id} has no train node for variant "${variant}" (its variants: ${all.join(", ")})`,
    );
  }
  const dirs = new Map<string, string>();
  if (kind !== undefined) {
    const kinds = new Map<string, string>();
    for (const n of picked) {
      const ref = n.status === "ran" || n.status === "hit"
        ? await readArtifact(store, n.key)
        : undefined;
      if (!ref) continue;
      dirs.set(n.key, ref.dir);
      kinds.set(n.key, (await readTrainInfo(ref.dir)).kind ?? "unknown");
    }
    const ofKind = picked.filter((n) => kinds.get(n.key) === kind);
    if (ofKind.length === 0) {
      const found = [...new Set(kinds.values())].join(", ") || "none readable";
      throw new ModelRefError(
        `run ${run.id} has no ${kind} model (--kind ${kind}); its models: ${found}`,
      );
    }
    picked = ofKind;
  }
  if (picked.length > 1) {
    const labels = picked.map((n) => n.variants.join("+")).join(", ");
    throw new ModelRefError(
      `run ${run.id} trained ${picked.length} models (${labels}); pick one with --variant LABEL` +
        (kind === undefined ? " or --kind humans|faces|cats" : ""),
      true,
    );
  }
  const node = picked[0];
  if (node.status !== "ran" && node.status !== "hit") {
    throw new ModelRefError(
      `run ${run.id}: its train node (${node.variants.join("+")}) ${node.status}` +
        (node.error ? `: ${node.error}` : ""),
    );
  }
  const dir = dirs.get(node.key) ?? (await readArtifact(store, node.key))?.dir;
  if (!dir) {
    throw new ModelRefError(
      `run ${run.id}: its train artifact ${node.key} is not (or no longer) valid in the store ` +
        `${store.dir} (collected by gc, or altered); re-run experiment "${run.experiment}" to rebuild it`,
    );
  }
  return { node, dir };
}

async function fromRun(
  store: Store,
  run: LedgerEntry,
  variant: string | undefined,
  kind: string | undefined,
): Promise<ResolvedModel> {
  const { node, dir } = await trainNodeOf(store, run, variant, kind);
  return { dir, via: `run ${run.id} ${node.variants.join("+")} → train ${node.key}` };
}

/**
 * `last`: the newest run whose model fits `--variant`/`--kind`. Runs without one (a report,
 * a failed training, another kind) are passed over; when none fits, the newest run's own
 * problem is the error.
 */
async function fromLast(
  store: Store,
  ledger: LedgerEntry[],
  variant: string | undefined,
  kind: string | undefined,
): Promise<ResolvedModel> {
  if (ledger.length === 0) {
    throw new ModelRefError(`--model last: no runs in ${store.ledgerPath}`);
  }
  let first: unknown;
  for (const run of [...ledger].reverse()) {
    try {
      const found = await fromRun(store, run, variant, kind);
      const skipped = first === undefined ? "" : " (newer runs have no such model)";
      return { ...found, via: `last → ${found.via}${skipped}` };
    } catch (e) {
      if (!(e instanceof ModelRefError) || e.ambiguous) throw e;
      first ??= e;
    }
  }
  throw first;
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
  kind?: string,
): Promise<ResolvedModel> {
  if (await exists(resolve(cwd, spec))) return { dir: resolve(cwd, spec), via: spec };
  const ledger = await readLedger(store.ledgerPath);
  if (spec === "last") return await fromLast(store, ledger, variant, kind);
  const runs = ledger.filter((e) => e.id.startsWith(spec));
  if (runs.length > 1) {
    throw new ModelRefError(
      `"${spec}" matches ${runs.length} runs (${
        runs.map((r) => r.id).join(", ")
      }); give more of the id`,
    );
  }
  if (runs.length === 1) return await fromRun(store, runs[0], variant, kind);
  const byKey = /^[0-9a-f]{6,64}$/.test(spec) ? await fromKey(store, spec) : undefined;
  if (byKey) return byKey;
  throw new ModelRefError(
    `--model ${spec}: no such file or directory, and no run id (${ledger.length} runs in ` +
      `${store.ledgerPath}; list them with: deno task runs) or artifact key in ${store.dir} matches it`,
  );
}
