import assert from "node:assert/strict";
import { SKELETONS } from "../skeletons.ts";
import { keypointEdits, mirror, scale } from "./edits.ts";
import {
  editingFigure,
  type FigureModel,
  leakFigure,
  predictionsFigure,
  swapFigure,
} from "./figures.ts";

const S = 16;

/** `n` gradient images, each tinted differently. */
function frames(kind: "humans" | "faces" | "cats", n: number) {
  const k = SKELETONS[kind].numPoints;
  const images = new Uint8Array(n * S * S * 3);
  for (let i = 0; i < images.length; i++) {
    images[i] = (i * 7 + Math.floor(i / (S * S * 3)) * 60) % 256;
  }
  const gt = Float32Array.from({ length: n * k * 2 }, (_, i) => Math.sin(i) * 0.7);
  return { kind, imageSize: S, images, count: n, gt };
}

/** A stand-in model: predicts the ground truth shifted, copies appearances, echoes calls. */
function fakeModel(gt: Float32Array): FigureModel & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    predict: (_images, n) => (calls.push(`predict ${n}`), gt.map((v) => v + 0.05)),
    skeletonImages: (
      _images,
      n,
    ) => (calls.push(`skeleton ${n}`),
      Float32Array.from({ length: n * S * S }, (_, i) => (i % 7) / 3 - 1)),
    swapAppearance: (_pose, app, n) => (calls.push(`swap ${n}`), app.slice()),
    renderFromKeypoints: (kp, app, n) => (calls.push(`render ${n} ${kp.length}`), app.slice()),
  };
}

/** Width and height from a PNG's IHDR. */
function pngSize(png: Uint8Array): [number, number] {
  assert.deepEqual(Array.from(png.subarray(1, 4)), [80, 78, 71]); // "PNG"
  const v = new DataView(png.buffer, png.byteOffset);
  return [v.getUint32(16), v.getUint32(20)];
}

Deno.test("figures: predictions, swap grid, editing and leak figures are PNGs of the expected layout", async () => {
  const f = frames("humans", 3);
  const model = fakeModel(f.gt);
  const pred = await model.predict(f.images, 3);
  const [w1, h1] = pngSize(predictionsFigure(f, pred, pred));
  const [w2, h2] = pngSize(predictionsFigure(f, pred));
  assert.equal(w1, w2);
  assert.ok(h1 > h2, "the post-processing row adds height");
  const [w3, h3] = pngSize(await swapFigure(model, frames("humans", 2), f));
  const [w4] = pngSize(await swapFigure(model, frames("humans", 2), frames("humans", 2)));
  assert.ok(w3 > w4 && h3 > 0, "one column per appearance");
  pngSize(await editingFigure(model, f, pred));
  pngSize(await leakFigure(model, f));
  assert.deepEqual(model.calls, [
    "predict 3",
    "swap 6",
    "swap 4",
    `render 12 ${12 * 64}`,
    "skeleton 3",
  ]);
});

Deno.test("edits: mirror swaps sides about the centroid; scale keeps the centroid", () => {
  const p = new Float32Array(18); // cats: 9 points
  p[0] = -0.5, p[2] = 0.3; // l_eye x, r_eye x
  const m = mirror("cats").apply(p);
  const cx = (-0.5 + 0.3) / 9;
  assert.ok(Math.abs(m[0] - (2 * cx - 0.3)) < 1e-6, "new left eye = mirrored right eye");
  assert.ok(Math.abs(m[2] - (2 * cx + 0.5)) < 1e-6);
  const s = scale(2).apply(p);
  const mean = (a: Float32Array) => a.filter((_, i) => i % 2 === 0).reduce((x, y) => x + y) / 9;
  assert.ok(Math.abs(mean(s) - mean(p)) < 1e-6);
  for (const kind of ["humans", "faces", "cats"] as const) {
    const k = SKELETONS[kind].numPoints;
    const pose = Float32Array.from({ length: k * 2 }, (_, i) => Math.cos(i) * 0.5);
    for (const e of keypointEdits(kind)) {
      const out = e.apply(pose);
      assert.equal(out.length, k * 2, e.name);
      assert.ok(out.some((v, i) => v !== pose[i]), `${kind}: "${e.name}" changes the pose`);
    }
  }
});
