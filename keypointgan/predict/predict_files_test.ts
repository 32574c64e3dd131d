import assert from "node:assert/strict";
import { join } from "node:path";
import { encodePng } from "../viz/png.ts";
import {
  type DecodedImage,
  decodeImageFile,
  fitSquare,
  ImageReadError,
  sampleSquare,
  toImagePixels,
} from "./image.ts";
import { loadPosePredictor, ModelLoadError, type PosePredictor } from "./model.ts";
import {
  collectInputs,
  formatPredictions,
  predictFiles,
  predictionsJson,
} from "./predict_files.ts";
import { writeFixtureModel } from "./testing/fixture_model.ts";

/** A W×H RGBA image, black with one white pixel at (px, py) (pixel indices). */
function dotImage(w: number, h: number, px: number, py: number): DecodedImage {
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) rgba[4 * i + 3] = 255;
  rgba.fill(255, 4 * (py * w + px), 4 * (py * w + px) + 3);
  return { rgba, width: w, height: h };
}

/**
 * A stand-in predictor that "finds" the brightness centroid of its S×S input and returns it as
 * every keypoint, in [−1, 1] on the model grid: mapping it back must land on the dot.
 */
function centroidPredictor(S: number, K = 3): PosePredictor {
  return {
    description: "centroid stand-in",
    imageSize: S,
    numPoints: K,
    skeleton: { name: "t", numPoints: K, jointNames: [], edges: [[0, 1]], leftRight: [] },
    kind: null,
    predict(images, n) {
      const out = new Float32Array(n * K * 2);
      for (let b = 0; b < n; b++) {
        let sx = 0, sy = 0, sw = 0;
        for (let i = 0; i < S * S; i++) {
          const v = images[(b * S * S + i) * 3];
          sx += v * (i % S), sy += v * Math.floor(i / S), sw += v;
        }
        for (let k = 0; k < K; k++) {
          out[(b * K + k) * 2] = (2 * sx / sw) / (S - 1) - 1;
          out[(b * K + k) * 2 + 1] = (2 * sy / sw) / (S - 1) - 1;
        }
      }
      return out;
    },
    dispose() {},
  };
}

Deno.test("fitSquare: centred crop of the short side, or pad to the long side", () => {
  assert.deepEqual(fitSquare(90, 60, "crop"), { x: 15, y: 0, side: 60 });
  assert.deepEqual(fitSquare(90, 60, "pad"), { x: 0, y: -15, side: 90 });
  assert.deepEqual(fitSquare(40, 40, "crop"), { x: 0, y: 0, side: 40 });
});

Deno.test("sampleSquare: the identity at the image's own size; edge replication when padding", () => {
  const img = dotImage(8, 8, 3, 5);
  const out = new Uint8Array(8 * 8 * 3);
  sampleSquare(img, fitSquare(8, 8, "crop"), 8, out);
  for (let i = 0; i < 64; i++) assert.equal(out[3 * i], img.rgba[4 * i], `pixel ${i}`);
  // Pad a 4×2 image with a white bottom row to 4×4: rows above/below replicate the edge rows.
  const rgba = new Uint8ClampedArray(4 * 2 * 4).fill(255);
  rgba.fill(0, 0, 16); // top row black
  for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
  const padded = new Uint8Array(4 * 4 * 3);
  sampleSquare({ rgba, width: 4, height: 2 }, fitSquare(4, 2, "pad"), 4, padded);
  const row = (r: number) => padded[3 * 4 * r];
  assert.deepEqual([row(0), row(1), row(2), row(3)], [0, 0, 255, 255]);
});

Deno.test("toImagePixels: grid ends map to the centres of the square's first and last model pixels", () => {
  const sq = { x: 10, y: -5, side: 40 };
  const [a, b] = toImagePixels([-1, -1, 1, 1], 2, sq, 8);
  assert.deepEqual(a, [10 + 2.5, -5 + 2.5]); // pixel 0 of 8 covers 5 input px: centre 2.5
  assert.deepEqual(b, [10 + 37.5, -5 + 37.5]);
});

for (const [w, h, fit] of [[90, 60, "crop"], [60, 90, "pad"], [33, 33, "crop"]] as const) {
  Deno.test(`a dot at a known pixel is predicted there (${w}×${h}, ${fit})`, async () => {
    const dir = await Deno.makeTempDir();
    const [px, py] = [Math.floor(w * 0.6), Math.floor(h * 0.45)];
    const file = join(dir, "dot.png");
    const img = dotImage(w, h, px, py);
    await Deno.writeFile(file, encodePng(img.rgba, w, h));
    const S = 24,
      [r] = await predictFiles(centroidPredictor(S), [{ path: file, file, short: "dot" }], {
        fit,
        batch: 4,
      });
    const tol = Math.max(w, h) / S; // one model pixel
    for (const [x, y] of r.points!) {
      assert.ok(Math.abs(x - (px + 0.5)) < tol, `x ${x} vs ${px + 0.5} (tolerance ${tol})`);
      assert.ok(Math.abs(y - (py + 0.5)) < tol, `y ${y} vs ${py + 0.5}`);
    }
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("predictFiles: folders expand, bad files fail alone, overlays are written", async () => {
  const dir = await Deno.makeTempDir(), S = 16;
  await Deno.mkdir(join(dir, "faces", "sub"), { recursive: true });
  const png = (w: number, h: number, x = w >> 1) => encodePng(dotImage(w, h, x, 3).rgba, w, h);
  await Deno.writeFile(join(dir, "faces", "b.png"), png(20, 20));
  await Deno.writeFile(join(dir, "faces", "sub", "a.png"), png(30, 20));
  // Its dot lies outside the centred crop: the stand-in divides 0 by 0 (a non-finite output).
  await Deno.writeFile(join(dir, "faces", "c.png"), png(30, 20, 2));
  await Deno.writeTextFile(join(dir, "faces", "notes.txt"), "not an image");
  await Deno.writeTextFile(join(dir, "broken.jpg"), "not a jpeg");
  await Deno.mkdir(join(dir, "empty"));
  const folder = `${join(dir, "faces")}/`;
  const { files, errors } = await collectInputs([
    folder,
    join(dir, "broken.jpg"),
    join(dir, "missing.png"),
    join(dir, "empty"),
  ]);
  assert.deepEqual(files.map((f) => f.path), [
    join(dir, "faces", "b.png"),
    join(dir, "faces", "c.png"),
    join(dir, "faces", "sub", "a.png"),
    join(dir, "broken.jpg"),
  ]);
  assert.match(errors[0].error!, /missing\.png: no such file or directory/);
  assert.match(errors[1].error!, /empty: the folder holds no image/);
  const overlayDir = join(dir, "overlays");
  const results = await predictFiles(centroidPredictor(S), files, {
    fit: "crop",
    batch: 2,
    overlayDir,
  });
  const bad = results.filter((r) => r.error).map((r) => r.error!).sort();
  assert.equal(bad.length, 2);
  assert.match(bad[0], /broken\.jpg: not a decodable image/);
  assert.match(bad[1], /c\.png: the model predicted non-finite keypoints/);
  const json = predictionsJson(results);
  assert.deepEqual(Object.keys(json).sort(), [files[0].path, files[2].path].sort());
  assert.deepEqual(JSON.parse(formatPredictions(json)), json);
  const written = [...Deno.readDirSync(overlayDir)].map((e) => e.name).sort();
  assert.deepEqual(written, ["b.png", "sub__a.png"]);
  const overlay = await decodeImageFile(join(overlayDir, "sub__a.png"));
  assert.ok(overlay.width >= 384 && overlay.width / overlay.height === 1.5);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("collectInputs: relative inputs are read from the given directory and keyed as given", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(join(dir, "faces"));
  await Deno.writeFile(join(dir, "faces", "a.png"), encodePng(new Uint8Array(12), 2, 2));
  const { files, errors } = await collectInputs(["faces", "faces/a.png", "nope.png"], dir);
  assert.deepEqual(files, [{
    path: "faces/a.png",
    file: join(dir, "faces", "a.png"),
    short: "a.png",
  }]);
  assert.match(errors[0].error!, /^nope\.png: no such file or directory/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("decodeImageFile names the file and the reason", async () => {
  await assert.rejects(decodeImageFile("/nonexistent/x.png"), ImageReadError);
  await assert.rejects(decodeImageFile("/nonexistent/x.png"), /x\.png: cannot read the file/);
});

Deno.test("the train artifact, its model/ folder and the exported predictor give the same keypoints", async () => {
  const dir = await writeFixtureModel(await Deno.makeTempDir(), { imageSize: 16 });
  const S = 16, n = 3, images = new Uint8Array(n * S * S * 3).map((_, i) => (i * 37) % 256);
  const outs: Float32Array[] = [];
  for (
    const path of [
      dir,
      join(dir, "model"),
      join(dir, "predictor"),
      join(dir, "predictor", "model.json"),
    ]
  ) {
    const p = await loadPosePredictor(path);
    assert.equal(p.numPoints, 68);
    assert.equal(p.kind, "faces");
    assert.equal(p.skeleton.name, "ibug68");
    outs.push(p.predict(images, n));
    p.dispose();
  }
  for (const o of outs.slice(1)) {
    assert.ok(o.every((v, i) => Math.abs(v - outs[0][i]) < 1e-5), "same predictions");
  }
  assert.ok(outs[0].every((v) => v >= -1 && v <= 1));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadPosePredictor names what a wrong directory holds", async () => {
  const dir = await writeFixtureModel(await Deno.makeTempDir());
  const reject = (p: string, re: RegExp) =>
    assert.rejects(loadPosePredictor(p), (e: Error) => {
      assert.ok(e instanceof ModelLoadError, `${e}`);
      assert.match(e.message, re);
      return true;
    });
  // η alone (what pretrain_regressor writes).
  const eta = join(dir, "eta");
  await Deno.mkdir(join(eta, "regressor"), { recursive: true });
  const w = JSON.parse(await Deno.readTextFile(join(dir, "model", "weights.json")));
  w.metadata = { kind: "keypointgan-regressor" };
  w.tensors = Object.fromEntries(Object.entries(w.tensors).filter(([k]) => k.startsWith("eta/")));
  await Deno.writeTextFile(join(eta, "regressor", "weights.json"), JSON.stringify(w));
  await reject(eta, /pretrain_regressor artifact \(η alone/);
  await reject(join(eta, "regressor"), /keypoint regressor η alone/);
  // Another stage's artifact, a dataset, an empty folder, a foreign model.json, a plain file.
  const other = join(dir, "eval");
  await Deno.mkdir(other);
  await Deno.writeTextFile(join(other, "manifest.json"), JSON.stringify({ stage: "evaluate" }));
  await reject(other, /is a evaluate artifact; predict needs a train artifact/);
  const data = join(dir, "data");
  await Deno.mkdir(data);
  await Deno.writeTextFile(join(data, "dataset.json"), "{}");
  await reject(data, /is a dataset/);
  await Deno.mkdir(join(dir, "empty"));
  await reject(join(dir, "empty"), /no model found; expected a train artifact/);
  const foreign = join(dir, "foreign");
  await Deno.mkdir(foreign);
  await Deno.writeTextFile(join(foreign, "model.json"), JSON.stringify({ format: "layers-model" }));
  await reject(foreign, /format "layers-model"; expected "keypointgan-predictor"/);
  await reject(join(dir, "train.json"), /is a file; expected/);
  await reject(join(dir, "nope"), /no such file or directory/);
  await Deno.remove(dir, { recursive: true });
});

const SHARED = new URL("../../../shared/data/", import.meta.url).pathname;
const HELEN = join(SHARED, "faces-300w", "helen-test");
const hasHelen = await Deno.stat(join(HELEN, "landmarks.json")).then(() => true, () => false);

Deno.test({
  name: hasHelen
    ? "real data: a predictor that outputs the ground truth reproduces landmarks.json in the image's pixels"
    : `real data: SKIPPED — ${HELEN} is absent (see ../shared/data/README.md)`,
  ignore: !hasHelen,
  async fn() {
    const marks = JSON.parse(await Deno.readTextFile(join(HELEN, "landmarks.json")));
    const keys = Object.keys(marks).sort().slice(0, 5), S = 64, K = 68;
    // The data convention: pixel i covers [i, i+1); the model grid: −1 ↔ centre of pixel 0 at S.
    const queue = keys.map((k) =>
      Float32Array.from(
        (marks[k] as number[][]).flat(),
        (v) => (2 * (v * S / 128 - 0.5)) / (S - 1) - 1,
      )
    );
    const oracle: PosePredictor = {
      ...centroidPredictor(S, K),
      predict: (_images, n) => Float32Array.from(queue.splice(0, n).flatMap((q) => [...q])),
    };
    const files = keys.map((k) => ({ path: k, file: join(HELEN, k), short: k }));
    const results = await predictFiles(oracle, files, { fit: "crop", batch: 2 });
    for (const [i, r] of results.entries()) {
      const truth = marks[keys[i]] as number[][];
      r.points!.forEach(([x, y], k) => {
        assert.ok(Math.abs(x - truth[k][0]) < 1e-3 && Math.abs(y - truth[k][1]) < 1e-3, keys[i]);
      });
    }
  },
});
