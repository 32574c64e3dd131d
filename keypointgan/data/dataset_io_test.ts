import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readDataset, writeDataset } from "./dataset_io.ts";
import { generateParallel } from "./parallel.ts";
import { PREPARE_DEFAULTS, resolvePrepare, syntheticSpec } from "./prepare.ts";
import type { PrepareParams } from "./prepare.ts";

async function written(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kpgan-io-"));
  const spec = syntheticSpec(
    resolvePrepare(
      {
        ...PREPARE_DEFAULTS,
        dataset: "cats",
        tier: "tiny",
        trainVideos: 6,
        testVideos: 2,
      } as PrepareParams,
    ),
  );
  await writeDataset(dir, await generateParallel(spec, 1));
  return dir;
}

async function expectError(dir: string, ...fragments: string[]): Promise<void> {
  await assert.rejects(readDataset(dir), (e: Error) => {
    for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" lacks "${f}"`);
    return true;
  });
}

async function editHeader(dir: string, edit: (h: Record<string, unknown>) => void): Promise<void> {
  const file = join(dir, "dataset.json");
  const h = JSON.parse(await readFile(file, "utf8"));
  edit(h);
  await writeFile(file, JSON.stringify(h));
}

Deno.test("readDataset: a missing header, a bad field, a bad shape and a truncated array are named", async () => {
  const dir = await written();
  try {
    await expectError(join(dir, "nowhere"), "nowhere/dataset.json", "a readable dataset header");
    await editHeader(dir, (h) => (h.pairMode = "random"));
    await expectError(dir, "dataset.json", "pairMode", '"video" | "tps"', '"random"');
    await editHeader(dir, (h) => {
      h.pairMode = "tps";
      (h.arrays as Record<string, { shape: number[] }>)["train.keypoints"].shape = [3, 9, 3];
    });
    await expectError(dir, "arrays.train.keypoints.shape", "expected [3,9,2]", "[3,9,3]");
    await editHeader(
      dir,
      (
        h,
      ) => ((h.arrays as Record<string, { shape: number[] }>)["train.keypoints"].shape = [3, 9, 2]),
    );
    await writeFile(join(dir, "arrays/test.images.u8"), new Uint8Array(10));
    await expectError(dir, "arrays/test.images.u8", "(size)", "bytes for uint8");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
