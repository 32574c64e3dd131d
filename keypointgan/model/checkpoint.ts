/**
 * Checkpoints: every tensor of a job (weights, BatchNorm statistics, Adam moments, fake pools)
 * in the weights format plus a JSON state (step, RNG states, EMA normalisers, loss window),
 * written to `<workDir>/checkpoint` through a temporary directory and renames so that a kill
 * at any moment leaves either the previous or the new checkpoint complete.
 *
 * @module
 */
import { join } from "node:path";
import { tf } from "../tf.ts";
import { readWeightsRaw, writeWeights } from "./weights_io.ts";

const DIR = "checkpoint";

/** Write `tensors` + `state` as the latest checkpoint in `workDir`. */
export async function saveCheckpoint(
  workDir: string,
  tensors: Readonly<Record<string, tf.Tensor>>,
  state: Record<string, unknown>,
): Promise<void> {
  const tmp = join(workDir, `${DIR}.tmp-${Deno.pid}`);
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  await writeWeights(tmp, tensors, { kind: "checkpoint", state });
  const final = join(workDir, DIR);
  const old = join(workDir, `${DIR}.old`);
  await Deno.remove(old, { recursive: true }).catch(() => {});
  await Deno.rename(final, old).catch(() => {});
  await Deno.rename(tmp, final);
  await Deno.remove(old, { recursive: true }).catch(() => {});
}

/** The latest complete checkpoint in `workDir`, or null. Tensors are created; caller disposes. */
export async function loadCheckpoint(
  workDir: string,
): Promise<{ tensors: Record<string, tf.Tensor>; state: Record<string, unknown> } | null> {
  for (const name of [DIR, `${DIR}.old`]) {
    const dir = join(workDir, name);
    try {
      await Deno.stat(join(dir, "weights.json"));
    } catch {
      continue;
    }
    const { header, raw } = await readWeightsRaw(dir);
    const tensors: Record<string, tf.Tensor> = {};
    for (const [n, r] of Object.entries(raw)) tensors[n] = tf.tensor(r.data, r.shape);
    return { tensors, state: (header.metadata as { state: Record<string, unknown> }).state };
  }
  return null;
}
