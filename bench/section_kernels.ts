/**
 * `deno task bench` section (a): the OpenBLAS sgemm ceiling and our conv kernels on the small
 * tier's largest layer, in GFLOP/s, against the target share of the ceiling.
 *
 * @module
 */
import { runDenoChild } from "./children.ts";
import type { KernelsResult } from "./kernels_run.ts";
import type { Recorder, Target } from "./report.ts";
import type { ConvGeometry } from "../keypointgan/native/mod.ts";

const SECTION = "GEMM / conv kernels";

/**
 * The small tier's largest conv (by FLOPs) as observed in its training steps (64 px, width
 * 0.125, batch 8): Φ's 7×7 input conv, 3 → 4 channels at 64×64, stride 1, 'same' padding.
 * Used when the tier runs are skipped.
 */
export const SMALL_LARGEST_LAYER: ConvGeometry = {
  batch: 8,
  inH: 64,
  inW: 64,
  inC: 3,
  outH: 64,
  outW: 64,
  outC: 4,
  kH: 7,
  kW: 7,
  strideH: 1,
  strideW: 1,
  padTop: 3,
  padLeft: 3,
};

/** Forward FLOPs of a conv. */
export function convFlops(g: ConvGeometry): number {
  return 2 * g.batch * g.outH * g.outW * g.kH * g.kW * g.inC * g.outC;
}

/** Measure; the target passes when the slowest conv op reaches `minShare` of 2048³ sgemm. */
export async function kernelsSection(
  rec: Recorder,
  layer: ConvGeometry,
  minShare: number,
): Promise<Target> {
  const name = `conv kernels ≥ ${minShare * 100}% of the sgemm ceiling`;
  const r = await runDenoChild<KernelsResult>(
    "kernels_run.ts",
    ["--layer", JSON.stringify(layer)],
    {
      timeoutSeconds: 600,
    },
  );
  rec.record("kernels", ["gemm"], r, r.ok ? { ...r.value, layer: undefined } : undefined);
  if (!r.ok) {
    rec.row(SECTION, "kernels", "failed", r.error);
    return { name, pass: undefined, detail: r.error };
  }
  const k = r.value, g = k.layer, gf = (x: number) => `${x.toFixed(1)} GFLOP/s`;
  const shape =
    `${g.batch}×${g.inH}×${g.inW}×${g.inC} → ${g.outH}×${g.outW}×${g.outC}, ${g.kH}×${g.kW} s${g.strideH}`;
  rec.row(
    SECTION,
    "OpenBLAS sgemm 2048³ (ceiling)",
    gf(k.sgemm2048),
    `${k.blas}; it and the conv ops: medians of ${k.rounds} alternating rounds`,
  );
  rec.row(
    SECTION,
    "OpenBLAS sgemm, layer im2col shape",
    gf(k.sgemmLayer),
    `[${g.batch * g.outH * g.outW}×${g.kH * g.kW * g.inC}]·[…×${g.outC}]`,
  );
  rec.row(
    SECTION,
    "conv forward",
    gf(k.forward),
    `small tier's largest layer: ${shape} (${k.gflop.toFixed(2)} GFLOP)`,
  );
  rec.row(SECTION, "conv input gradient", gf(k.backpropInput), k.engine);
  rec.row(SECTION, "conv filter gradient", gf(k.backpropFilter));
  rec.results.kernels = k;
  const worst = Math.min(k.forward, k.backpropInput, k.backpropFilter);
  return {
    name,
    pass: worst >= minShare * k.sgemm2048,
    detail: `slowest ${((100 * worst) / k.sgemm2048).toFixed(0)}% of 2048³`,
  };
}
