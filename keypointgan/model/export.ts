/**
 * Export of the trained pose predictor (Φ, η) for browsers: `predictor/model.json` (config +
 * a TF.js weights manifest), `predictor/weights.bin` (float32) and `predictor/predictor.js`, a
 * self-contained ES module that rebuilds Φ, η and the soft-argmax with the caller's `tf`.
 *
 * @module
 */
import { join } from "node:path";
import type { ParamStore } from "./params.ts";
import { atomicWrite } from "./weights_io.ts";

const TEMPLATE = new URL("./export/predictor.js", import.meta.url);

/** Write the predictor export into `dir`. */
export async function exportPredictor(
  dir: string,
  store: ParamStore,
  info: {
    imageSize: number;
    numPoints: number;
    skeleton: string;
    edges: readonly (readonly [number, number])[];
    /** Φ's output layer when not the official linear one. */
    phiOutput?: "linear" | "sigmoid";
  },
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const names = store.names().filter((n) => n.startsWith("phi/") || n.startsWith("eta/"));
  const weights = names.map((n) => ({ name: n, shape: [...store.get(n).shape], dtype: "float32" }));
  const chunks = names.map((n) => store.get(n).dataSync() as Float32Array);
  const bin = new Uint8Array(chunks.reduce((a, c) => a + c.byteLength, 0));
  let o = 0;
  for (const c of chunks) {
    (bin.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), o), o += c.byteLength);
  }
  const config = {
    format: "keypointgan-predictor",
    formatVersion: 1,
    ...info,
    edges: info.edges.map(([a, b]) => [a, b]),
    input: "uint8 RGB [n, S, S, 3]",
    output: "float32 [n, K, 2], (x, y) in [-1, 1] on linspace(-1, 1, S)",
    weightsManifest: [{ paths: ["weights.bin"], weights }],
  };
  await atomicWrite(join(dir, "weights.bin"), bin);
  await atomicWrite(join(dir, "predictor.js"), await Deno.readFile(TEMPLATE));
  await atomicWrite(
    join(dir, "model.json"),
    new TextEncoder().encode(JSON.stringify(config, null, 1) + "\n"),
  );
}
