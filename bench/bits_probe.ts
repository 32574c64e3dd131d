/**
 * Finds the kernel whose bits depend on the thread count: trains a few steps of a tier/variant
 * (random batches, as bench/tier_step.ts) with every kernel of the `native` backend wrapped so
 * that each call's output is hashed, and writes one line per kernel call (index, kernel, input
 * shapes, output hash) plus a hash of every weight at the end. Run it twice with different
 * `KEYPOINTGAN_THREADS` and diff the files: the first differing line names the kernel.
 *
 *   KEYPOINTGAN_THREADS=1 deno run -A bench/bits_probe.ts --tier small --variant keypointgan \
 *     --steps 1 --out /tmp/bits1.txt
 *
 * @module
 */
import { parseArgs } from "node:util";
import { initBackend, tf } from "../keypointgan/tf.ts";
import { type TierName, TIERS } from "../keypointgan/tiers.ts";
import { pixelPyramid } from "../keypointgan/model/features.ts";
import { Trainer } from "../keypointgan/model/trainer.ts";
import type { VariantName } from "../keypointgan/model/variants.ts";
import { benchTrainerConfig, randomBatch } from "./tier_step.ts";

/** FNV-1a over the 32-bit words of a typed array. */
export function hashWords(a: ArrayBufferView): string {
  const u = new Uint32Array(a.buffer, a.byteOffset, a.byteLength >> 2);
  let h = 0x811c9dc5;
  for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i], 16777619) >>> 0;
  return h.toString(16).padStart(8, "0");
}

type Info = { dataId: object; shape: number[]; dtype: string };

/** Wrap every kernel of `backend` so that each call appends a line to `log`. */
function wrapKernels(backend: string, log: string[]): void {
  for (const k of tf.getKernelsForBackend(backend)) {
    const inner = k.kernelFunc;
    tf.unregisterKernel(k.kernelName, backend);
    tf.registerKernel({
      ...k,
      kernelFunc: (args) => {
        const out = inner(args);
        const outs = (Array.isArray(out) ? out : [out]) as Info[];
        const b = args.backend as unknown as { readSync(id: object): ArrayBufferView };
        const ins = Object.values(args.inputs).map((t) => `[${(t as Info).shape}]`).join("");
        const hs = outs.map((
          o,
        ) => (o.dtype === "string" ? "str" : hashWords(b.readSync(o.dataId))));
        log.push(`${log.length} ${k.kernelName} ${ins} ${JSON.stringify(args.attrs ?? {})} ${hs}`);
        return out;
      },
    });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      tier: { type: "string", default: "small" },
      variant: { type: "string", default: "keypointgan" },
      steps: { type: "string", default: "1" },
      batch: { type: "string" },
      out: { type: "string", default: "/dev/stdout" },
      kernels: { type: "boolean", default: true },
    },
  });
  await initBackend("native", () => {});
  const log: string[] = [];
  if (values.kernels) wrapKernels("native", log);
  const tier = values.tier as TierName;
  const cfg = benchTrainerConfig(tier, values.variant as VariantName);
  const features = pixelPyramid(cfg.arch.imageSize);
  const trainer = new Trainer(cfg, features);
  const batch = values.batch ? Number(values.batch) : TIERS[tier].batch;
  for (let i = 0; i < Number(values.steps); i++) {
    log.push(`step ${i + 1}`);
    const b = randomBatch(cfg, batch, i);
    const losses = trainer.step(b);
    log.push(`losses ${JSON.stringify(losses)}`);
    tf.dispose([b.x, b.xCond, b.prior, ...(b.keypoints ? [b.keypoints] : [])]);
  }
  for (const [name, v] of trainer.store.entries()) {
    log.push(`weight ${name} ${hashWords(v.dataSync() as Float32Array)}`);
  }
  trainer.dispose();
  features.dispose();
  await Deno.writeTextFile(values.out!, log.join("\n") + "\n");
}
