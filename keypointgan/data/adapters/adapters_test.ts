import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCanvas } from "@napi-rs/canvas";
import { H36M_PARENTS } from "../../skeletons.ts";
import { forwardKinematics, MEAN_BODY, NUM_CHANNELS } from "../human_body.ts";
import { DEFAULT_CAMERA_RANGES } from "../framing.ts";
import { PREPARE_DEFAULTS, prepareDataset, resolvePrepare } from "../prepare.ts";
import type { PrepareParams } from "../prepare.ts";
import { read300w, read300wPrior, readFacesVideo } from "./faces.ts";
import { readH36mPrior } from "./h36m.ts";
import { readLspet } from "./lspet.ts";

/** A 128×128 JPEG of a flat colour (the shared crops are 128 px). */
function jpeg(shade: number): Uint8Array {
  const c = createCanvas(128, 128);
  const g = c.getContext("2d");
  g.fillStyle = `rgb(${shade}, ${255 - shade}, 128)`;
  g.fillRect(0, 0, 128, 128);
  return new Uint8Array(c.toBuffer("image/jpeg"));
}

/** 68 points on a circle around the centre of a 128-px crop; point 0 at (64, 64). */
function face68(): number[][] {
  return Array.from(
    { length: 68 },
    (_, i) => (i === 0 ? [64, 64] : [64 + 30 * Math.cos(i), 64 + 30 * Math.sin(i)]),
  );
}

async function put(root: string, rel: string, data: Uint8Array | string): Promise<void> {
  await mkdir(join(root, rel, ".."), { recursive: true });
  await writeFile(join(root, rel), data);
}

/** Fixture data root: faces-video (people A, B), faces-300w (2 + 1 faces), h36m-prior, lspet. */
async function fixture(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "kpgan-adapters-"));
  const fv: Record<string, number[][]> = {};
  for (const key of ["A/0_0", "A/0_1", "A/1_0", "B/0_0", "B/0_1"]) {
    await put(root, `faces-video/images/${key}.jpg`, jpeg(40));
    fv[`images/${key}.jpg`] = face68();
  }
  await put(root, "faces-video/landmarks.json", JSON.stringify(fv));
  await put(root, "faces-video/splits.json", JSON.stringify({ train: ["A"], test: ["B"] }));
  for (const [subset, ids] of [["helen-train", ["1", "2"]], ["helen-test", ["3"]]] as const) {
    const lm: Record<string, number[][]> = {};
    for (const id of ids) {
      await put(root, `faces-300w/${subset}/images/${id}.jpg`, jpeg(200));
      lm[`images/${id}.jpg`] = face68();
    }
    await put(root, `faces-300w/${subset}/landmarks.json`, JSON.stringify(lm));
  }
  const pose = forwardKinematics(MEAN_BODY, new Float64Array(NUM_CHANNELS)).joints;
  const poses = new Float32Array(4 * 96);
  for (let i = 0; i < 4; i++) poses.set(pose, i * 96);
  await put(root, "h36m-prior/poses.f32", new Uint8Array(poses.buffer));
  const sequences = [
    { subject: "S1", sequence: "walking_1", start: 0, count: 2 },
    { subject: "S1", sequence: "sitting_1", start: 2, count: 1 },
    { subject: "S9", sequence: "walking_1", start: 3, count: 1 },
  ];
  await put(
    root,
    "h36m-prior/poses.json",
    JSON.stringify({ shape: [4, 32, 3], dtype: "float32-le", parents: H36M_PARENTS, sequences }),
  );
  await put(root, "lspet/images/im1.jpg", jpeg(90));
  await put(
    root,
    "lspet/landmarks.json",
    JSON.stringify({
      "images/im1.jpg": Array.from({ length: 14 }, (_, i) => [8 * i, 120 - 8 * i, 1]),
    }),
  );
  return root;
}

async function withFixture(f: (root: string) => Promise<void>): Promise<void> {
  const root = await fixture();
  try {
    await f(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Assert that `p` rejects with a message containing every fragment. */
async function rejectsWith(p: Promise<unknown>, ...fragments: string[]): Promise<void> {
  await assert.rejects(p, (e: Error) => {
    for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" lacks "${f}"`);
    return true;
  });
}

Deno.test("faces-video: clips become videos, people split, landmarks on the 16-px grid", async () => {
  await withFixture(async (root) => {
    const fv = await readFacesVideo(root, 16, 0, 0, "native");
    assert.equal(fv.train.count, 3);
    assert.equal(fv.test.count, 2);
    assert.deepEqual(fv.clips, { train: 2, test: 1 });
    assert.deepEqual([...fv.train.video], [0, 0, 1]);
    assert.deepEqual([...fv.train.frame], [0, 1, 0]);
    assert.deepEqual(fv.people, ["A", "B"]);
    // Pixel (64, 64) of a 128-px crop (corner origin) is the exact centre: (0, 0).
    assert.ok(Math.abs(fv.train.keypoints[0]) < 1e-6 && Math.abs(fv.train.keypoints[1]) < 1e-6);
    assert.equal(fv.train.images.length, 3 * 16 * 16 * 3);
    assert.ok(Math.abs(fv.train.images[0] - 40) <= 3); // a flat colour survives decode + resize
    // "clip" crops: the clip's landmark box spans 1/1.5 of the crop (300-W rule), centred.
    const clip = await readFacesVideo(root, 16);
    const xs = Array.from({ length: 68 }, (_, k) => clip.train.keypoints[2 * k]);
    const extent = (Math.max(...xs) - Math.min(...xs)) * (15 / 16) / 2; // fraction of the crop side
    assert.ok(Math.abs(extent - 1 / 1.5) < 0.02, `landmark box spans ${extent} of the crop`);
    assert.ok(Math.abs(Math.max(...xs) + Math.min(...xs)) < 0.05);
    assert.ok(Math.abs(clip.train.images[0] - 40) <= 3);
  });
});

Deno.test("faces-video: malformed inputs name the file, the record and what was expected", async () => {
  await withFixture(async (root) => {
    const lm = join(root, "faces-video/landmarks.json");
    await writeFile(lm, JSON.stringify({ "images/A/0_0.jpg": face68().slice(0, 67) }));
    await rejectsWith(
      readFacesVideo(root, 16),
      lm,
      '["images/A/0_0.jpg"]',
      "an array of 68 [x, y] points",
      "67 points",
    );
    await writeFile(lm, JSON.stringify({ "images/C/0_0.jpg": face68() }));
    await rejectsWith(readFacesVideo(root, 16), "a person listed in splits.json", "C");
    await writeFile(join(root, "faces-video/splits.json"), "{ not json");
    await rejectsWith(readFacesVideo(root, 16), "splits.json", "valid JSON");
  });
});

Deno.test("faces-300w: images and prior; a bad coordinate is reported with its index", async () => {
  await withFixture(async (root) => {
    const { split, names } = await read300w(root, "helen-train", 16, 10, 5);
    assert.equal(split.count, 2);
    assert.deepEqual([...split.video], [10, 11]);
    assert.deepEqual(names, ["helen-train/images/1.jpg", "helen-train/images/2.jpg"]);
    const prior = await read300wPrior(root, "helen-train", 16);
    assert.equal(prior.count, 2);
    assert.deepEqual(prior.keypoints, split.keypoints);
    assert.equal(prior.source, "300w:helen-train");
    const bad = face68();
    bad[5] = [3, "x" as unknown as number];
    const file = join(root, "faces-300w/helen-test/landmarks.json");
    await writeFile(file, JSON.stringify({ "images/3.jpg": bad }));
    await rejectsWith(
      read300w(root, "helen-test", 16),
      file,
      '["images/3.jpg"][5]',
      "[x, y] with finite pixel coordinates",
    );
    await rejectsWith(read300w(root, "helen-missing", 16), "faces-300w/helen-missing", "directory");
  });
});

Deno.test("h36m mocap prior: random cameras, same framing; test subjects refused; bad files named", async () => {
  await withFixture(async (root) => {
    const o = {
      subjects: ["S1"],
      activities: ["walking"],
      imageSize: 64,
      camera: DEFAULT_CAMERA_RANGES,
      seed: 0,
    };
    const prior = await readH36mPrior(root, o);
    assert.equal(prior.count, 2); // S1 walking only (sitting and S9 left out)
    assert.ok(prior.source.startsWith("h36m-mocap:S1"));
    // Root (joint 0) near the crop centre, head top above it: the shared body framing.
    assert.ok(Math.abs(prior.keypoints[0]) < 0.2 && prior.keypoints[31] < prior.keypoints[1] - 0.5);
    assert.notDeepEqual(prior.keypoints.slice(0, 64), prior.keypoints.slice(64, 128)); // two cameras
    assert.deepEqual(await readH36mPrior(root, o), prior); // deterministic
    await assert.rejects(
      readH36mPrior(root, { ...o, subjects: ["S1", "S9"] }),
      /S9 are test subjects/,
    );
    const poses = join(root, "h36m-prior/poses.f32");
    await writeFile(poses, new Uint8Array(100));
    await rejectsWith(readH36mPrior(root, o), poses, "(size)", `${4 * 32 * 3 * 4} bytes`);
    const header = join(root, "h36m-prior/poses.json");
    await writeFile(
      header,
      JSON.stringify({ shape: [4, 17, 3], dtype: "float32-le", parents: [], sequences: [] }),
    );
    await rejectsWith(readH36mPrior(root, o), header, "shape", "[N, 32, 3]");
  });
});

Deno.test("LSPET (design): 14 joints with visibility; a short record is rejected", async () => {
  await withFixture(async (root) => {
    const { split, visible } = await readLspet(root, 16);
    assert.equal(split.count, 1);
    assert.equal(split.keypoints.length, 28);
    assert.equal(visible.reduce((a, b) => a + b, 0), 14);
    const file = join(root, "lspet/landmarks.json");
    await writeFile(file, JSON.stringify({ "images/im1.jpg": [[1, 2, 1]] }));
    await rejectsWith(readLspet(root, 16), file, '["images/im1.jpg"]', "14 [x, y, visible] joints");
  });
});

Deno.test("prepare: faces_real wiring and a mocap prior on synthetic humans", async () => {
  await withFixture(async (root) => {
    const base = { ...PREPARE_DEFAULTS, tier: "tiny" } as PrepareParams;
    const real = await prepareDataset(
      resolvePrepare({ ...base, dataset: "faces_real", imageSize: 16 }),
      root,
    );
    assert.deepEqual(real.meta.evalSplits, ["test", "faces-video-test"]);
    assert.equal(real.meta.postprocessSplit, "helen-train");
    assert.equal(real.train.count, 3);
    assert.equal(real.test.count, 1);
    assert.deepEqual(Object.keys(real.extra ?? {}), ["faces-video-test", "helen-train"]);
    assert.equal(real.prior.source, "300w:helen-train");
    const ids = [real.train, real.test, ...Object.values(real.extra ?? {})].flatMap((
      s,
    ) => [...s.video]);
    assert.equal(new Set(ids).size, ids.length - 2); // unique across splits (2 clips have 2 frames)
    const humans = await prepareDataset(
      resolvePrepare({
        ...base,
        dataset: "humans",
        priorSource: "h36m-mocap",
        mocapSubjects: "S1",
        mocapActivities: "all",
      }),
      root,
    );
    assert.equal(humans.prior.count, 3);
    assert.ok(humans.prior.source.startsWith("h36m-mocap:S1:all"));
    await assert.rejects(
      prepareDataset(
        resolvePrepare({ ...base, dataset: "faces", priorSource: "h36m-mocap" }),
        root,
      ),
      /prepare_data.priorSource/,
    );
  });
});
