import assert from "node:assert/strict";
import { Rng } from "../rng.ts";
import { generateParallel } from "./parallel.ts";
import { PairSampler, samplePrior } from "./pairs.ts";
import { PREPARE_DEFAULTS, resolvePrepare, syntheticSpec } from "./prepare.ts";
import type { PrepareParams } from "./prepare.ts";
import type { DatasetKind } from "./types.ts";

async function tinyDataset(dataset: DatasetKind, over: Partial<PrepareParams> = {}) {
  const p = resolvePrepare(
    { ...PREPARE_DEFAULTS, dataset, tier: "tiny", ...over } as PrepareParams,
  );
  const c = await generateParallel(syntheticSpec(p), 1);
  return {
    ...c,
    header: {
      ...c.meta,
      format: "keypointgan-dataset",
      formatVersion: 1,
      extraSplits: [],
      arrays: {},
    } as const,
  };
}

Deno.test("video pairs: same video, x before x′, gap ≤ maxGap, images and labels gathered", async () => {
  const ds = await tinyDataset("humans", { maxGap: 3 });
  const batch = new PairSampler(ds.train, ds.header).sample(64, new Rng(1));
  const S = ds.header.imageSize, n = S * S * 3, K = 32;
  for (let b = 0; b < 64; b++) {
    const [i, j] = [batch.index[b], batch.condIndex[b]];
    assert.equal(ds.train.video[i], ds.train.video[j]);
    const gap = ds.train.frame[j] - ds.train.frame[i];
    assert.ok(gap >= 0 && gap <= 3, `gap ${gap}`);
    assert.deepEqual(
      batch.x.subarray(b * n, (b + 1) * n),
      ds.train.images.subarray(i * n, (i + 1) * n),
    );
    assert.deepEqual(
      batch.condKeypoints.subarray(b * K * 2, (b + 1) * K * 2),
      ds.train.keypoints.subarray(j * K * 2, (j + 1) * K * 2),
    );
  }
  // Same seed, same batch.
  const again = new PairSampler(ds.train, ds.header).sample(64, new Rng(1));
  assert.deepEqual(again.index, batch.index);
});

Deno.test("TPS pairs: both views of one image, warped differently, labels moved with them", async () => {
  const ds = await tinyDataset("cats", { imageSize: 32 });
  const sampler = new PairSampler(ds.train, ds.header, { cacheSize: 4 });
  const rng = new Rng(2);
  const batch = sampler.sample(8, rng);
  const K = 9;
  let moved = 0;
  for (let b = 0; b < 8; b++) {
    assert.equal(batch.index[b], batch.condIndex[b]);
    const i = batch.index[b];
    const orig = ds.train.keypoints.subarray(i * K * 2, (i + 1) * K * 2);
    const kx = batch.keypoints.subarray(b * K * 2, (b + 1) * K * 2);
    const kc = batch.condKeypoints.subarray(b * K * 2, (b + 1) * K * 2);
    for (let j = 0; j < K * 2; j++) {
      // Affine warps of ~5°, 5 %, 0.05: keypoints move, but not far.
      assert.ok(Math.abs(kx[j] - orig[j]) < 0.5 && Math.abs(kc[j] - orig[j]) < 0.5);
      if (Math.abs(kx[j] - kc[j]) > 1e-3) moved++;
    }
  }
  assert.ok(moved > 8 * K, "x and x′ differ in pose");
  const prior = samplePrior(ds.prior, 5, new Rng(3));
  assert.equal(prior.length, 5 * K * 2);
});
