/**
 * Per-op profile of a real training step: every kernel of the `native` backend is wrapped with
 * a timer, a tier/variant trains a few steps on random batches (as bench/tier_step.ts), and the
 * kernel time of the last `--steps − 1` steps is summed per kernel (and, for convolutions, per
 * shape and op). The rest of the step (TF.js's dispatch and tape, Adam's JS loop, `dataSync`
 * reads) is reported as one line.
 *
 *   deno run -A bench/profile_step.ts --tier small --variant keypointgan --steps 4 [--json]
 *     [--by shape]   (also per conv shape)
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

/** Milliseconds and calls per key. */
export type Profile = Map<string, { ms: number; calls: number }>;

type Shaped = { shape: number[] };
const CONVS = new Set(["Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", "FusedConv2D"]);

/** Conv key: op and `B×H×W×C → OH×OW×CO kk sS` from the kernel's inputs. */
function convKey(name: string, inputs: Record<string, Shaped>, attrs: Record<string, unknown>) {
  const s = String(attrs.strides ?? 1).split(",")[0];
  if (name === "Conv2DBackpropInput") {
    const dy = inputs.dy.shape, w = inputs.filter.shape, x = attrs.inputShape as number[];
    return `${name} ${x.join("×")} → ${dy.slice(1).join("×")} k${w[0]} s${s}`;
  }
  if (name === "Conv2DBackpropFilter") {
    const x = inputs.x.shape, dy = inputs.dy.shape, w = attrs.filterShape as number[];
    return `${name} ${x.join("×")} → ${dy.slice(1).join("×")} k${w[0]} s${s}`;
  }
  const x = inputs.x.shape, w = inputs.filter.shape;
  return `${name} ${x.join("×")} → ${w[3]} k${w[0]} s${s}`;
}

/** Wrap every kernel of `backend` with a timer adding to `prof` while `on()` holds. */
export function wrapTimers(backend: string, prof: Profile, byShape: boolean, on: () => boolean) {
  for (const k of tf.getKernelsForBackend(backend)) {
    const inner = k.kernelFunc;
    tf.unregisterKernel(k.kernelName, backend);
    tf.registerKernel({
      ...k,
      kernelFunc: (args) => {
        if (!on()) return inner(args);
        const t0 = performance.now();
        const out = inner(args);
        const dt = performance.now() - t0;
        const key = byShape && CONVS.has(k.kernelName)
          ? convKey(k.kernelName, args.inputs as Record<string, Shaped>, args.attrs ?? {})
          : k.kernelName;
        const e = prof.get(key) ?? { ms: 0, calls: 0 };
        e.ms += dt;
        e.calls += 1;
        prof.set(key, e);
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
      steps: { type: "string", default: "4" },
      by: { type: "string", default: "kernel" },
      json: { type: "boolean", default: false },
    },
  });
  await initBackend("native", () => {});
  const prof: Profile = new Map();
  let timing = false;
  wrapTimers("native", prof, values.by === "shape", () => timing);
  const tier = values.tier as TierName;
  const cfg = benchTrainerConfig(tier, values.variant as VariantName);
  const features = pixelPyramid(cfg.arch.imageSize);
  const trainer = new Trainer(cfg, features);
  const steps = Number(values.steps);
  let wall = 0;
  for (let i = 0; i < steps; i++) {
    const b = randomBatch(cfg, TIERS[tier].batch, i);
    timing = i > 0;
    const t0 = performance.now();
    trainer.step(b);
    if (timing) wall += performance.now() - t0;
    timing = false;
    tf.dispose([b.x, b.xCond, b.prior, ...(b.keypoints ? [b.keypoints] : [])]);
  }
  trainer.dispose();
  features.dispose();
  const n = steps - 1;
  const rows = [...prof.entries()].map(([k, v]) => ({
    op: k,
    msPerStep: v.ms / n,
    calls: v.calls / n,
  }))
    .sort((a, b) => b.msPerStep - a.msPerStep);
  const kernelMs = rows.reduce((s, r) => s + r.msPerStep, 0), stepMs = wall / n;
  if (values.json) {
    console.log(JSON.stringify({ tier, variant: values.variant, stepMs, kernelMs, rows }));
  } else {
    console.log(
      `${tier} ${values.variant}: ${
        stepMs.toFixed(0)
      } ms/step (mean of steps 2–${steps}), kernels ${kernelMs.toFixed(0)} ms, load ${
        Deno.loadavg().map((x) => x.toFixed(1)).join(" ")
      }`,
    );
    console.log("| op | ms/step | share | calls/step |");
    console.log("| --- | ---: | ---: | ---: |");
    for (const r of rows.slice(0, 40)) {
      console.log(
        `| ${r.op} | ${r.msPerStep.toFixed(1)} | ${(100 * r.msPerStep / stepMs).toFixed(1)} % | ${
          r.calls.toFixed(0)
        } |`,
      );
    }
    const rest = stepMs - kernelMs;
    console.log(
      `| outside kernels (dispatch, tape, Adam, reads) | ${rest.toFixed(1)} | ${
        (100 * rest / stepMs).toFixed(1)
      } % | |`,
    );
  }
}
