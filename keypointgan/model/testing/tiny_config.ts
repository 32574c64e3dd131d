/** A tiny-tier `TrainerConfig` for tests (official weights, fake 5-point skeleton). */
import type { TrainerConfig } from "../trainer.ts";
import { variantFlags, type VariantName } from "../variants.ts";
import { FAKE_EDGES, FAKE_K } from "./fake_dataset.ts";

export function tinyConfig(variant: VariantName = "keypointgan", seed = 0): TrainerConfig {
  const flags = variantFlags(variant);
  return {
    arch: {
      imageSize: 16,
      width: 0.0625,
      numPoints: FAKE_K,
      conditional: flags.conditional,
      dScales: 1,
      dLayers: 2,
      imageDiscriminator: flags.secondCycle !== "none",
    },
    flags,
    edges: FAKE_EDGES,
    render: { sigma: 0.2, distance: "linear" },
    adam: { lr: 2e-4, beta1: 0.5, beta2: 0.999, eps: 1e-8, clip: 1 },
    schedule: {
      kind: "constant",
      lr: 2e-4,
      steps: 100,
      warmup: 0,
      stepEvery: 1000,
      stepFactor: 0.1,
    },
    weights: { adv: 10, rec: 10, cycle: 10, advImage: 10, etaReal: 0.9, etaFake: 0.1 },
    poolSize: 50,
    reconstruction: "perceptual",
    emaMu: 0.99,
    finetuneEta: true,
    seed,
  };
}
