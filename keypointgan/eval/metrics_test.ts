import assert from "node:assert/strict";
import { H36M_OFFICIAL_17 } from "../skeletons.ts";
import { meanOverActivities, pointErrors, swapPermutation } from "./metrics.ts";
import { evaluateProtocols, type ProtocolScore } from "./protocols.ts";
import { meanPose, tilePose } from "./baselines.ts";
import { distribution, sampleSd } from "./stats.ts";

const throwsWith = (fn: () => unknown, text: string) =>
  assert.throws(fn, (e: unknown) => e instanceof Error && e.message.includes(text));
const near = (a: number, b: number, tol: number) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} is not within ${tol} of ${b}`);

/** `count` images of K zero keypoints; `set(i, k, x, y)` edits one. */
function batch(count: number, numPoints: number) {
  const xy = new Float32Array(count * numPoints * 2);
  const set = (i: number, k: number, x: number, y: number) => {
    xy[(i * numPoints + k) * 2] = x;
    xy[(i * numPoints + k) * 2 + 1] = y;
  };
  return { b: { count, numPoints, xy }, set };
}

const ctx1 = { activity: [0], activities: [], imageSize: 5, originalSize: 1000 };
const find = (s: ProtocolScore[], id: string, flip: string | null) =>
  s.find((x) => x.protocol === id && x.flip === flip)!;

Deno.test("pointErrors: mean distance per image, per point kept", () => {
  const p = batch(1, 2), g = batch(1, 2);
  p.set(0, 1, 0.3, 0.4);
  const e = pointErrors(p.b, g.b);
  near(e.perImage[0], 0.25, 1e-7);
  assert.deepEqual(Array.from(e.perPoint, (v) => Math.round(v * 1e6) / 1e6), [0, 0.5]);
});

Deno.test("meanOverActivities: per-activity means, then unweighted mean; empty activity null", () => {
  const m = meanOverActivities([1, 3, 5], [0, 0, 1], ["wait", "pose", "greet"]);
  assert.deepEqual(m.perActivity, { wait: 2, pose: 5, greet: null });
  assert.deepEqual(m.counts, { wait: 2, pose: 1, greet: 0 });
  assert.deepEqual(m.all, 3.5); // the image-weighted mean would be 3
  assert.deepEqual(meanOverActivities([1, 2], [0, 0], []).all, 1.5);
  throwsWith(() => meanOverActivities([1], [4], ["a"]), "activity index 4");
});

Deno.test("simplified H3.6M: one joint off by 0.64 of [-1,1] = 32 % on 1 of 32 joints → 1.0", () => {
  const p = batch(1, 32), g = batch(1, 32);
  p.set(0, 0, 0.64, 0);
  const s = evaluateProtocols("humans", p.b, g.b, ctx1);
  near(find(s, "simplified_h36m", "plain").all, 1.0, 1e-6);
  near(find(s, "simplified_h36m", "min").all, 1.0, 1e-6);
  // joint 0 is not one of the 17 official joints
  assert.deepEqual(find(s, "h36m_pixels", "plain").all, 0);
});

Deno.test("simplified H3.6M flip-invariant: mirrored hips cost 4.125 plain, 1.0 min", () => {
  const p = batch(1, 32), g = batch(1, 32);
  g.set(0, 6, -0.5, 0); // l_hip
  g.set(0, 1, 0.5, 0); // r_hip
  p.set(0, 6, 0.5, 0); // predicted mirrored
  p.set(0, 1, -0.5, 0);
  p.set(0, 0, 0.64, 0); // plus a genuine error of 32 on joint 0
  const s = evaluateProtocols("humans", p.b, g.b, ctx1);
  near(find(s, "simplified_h36m", "plain").all, (32 + 50 + 50) / 32, 1e-6);
  near(find(s, "simplified_h36m", "min").all, 1.0, 1e-6);
  const perm = swapPermutation(32, [[6, 1]]);
  assert.deepEqual([perm[0], perm[1], perm[6]], [0, 6, 1]);
});

Deno.test("H3.6M pixels: 17 official joints only, scaled to the original frame", () => {
  const p = batch(1, 32), g = batch(1, 32);
  for (let k = 0; k < 32; k++) {
    if (H36M_OFFICIAL_17.includes(k)) p.set(0, k, 0.3, 0.4); // 0.5 units
    else p.set(0, k, 1, 0); // 1 unit, ignored by the pixel protocol
  }
  const s = evaluateProtocols("humans", p.b, g.b, ctx1);
  // S = 5: 0.5 units = 1 px (pixel centres at 2/(S−1)); the crop stands for 1000 px: ×200.
  near(find(s, "h36m_pixels", "plain").all, 200, 1e-4);
  near(find(s, "simplified_h36m", "plain").all, (17 * 25 + 15 * 50) / 32, 1e-5);
  assert.deepEqual(find(s, "h36m_pixels", "plain").perKeypoint.length, 17);
});

Deno.test("per activity: Table 1 columns come from the split's activity names", () => {
  const p = batch(3, 32), g = batch(3, 32);
  p.set(0, 0, 0.64, 0); // 1.0
  p.set(1, 0, 1.92, 0); // 3.0
  p.set(2, 0, 3.2, 0); // 5.0
  const s = evaluateProtocols("humans", p.b, g.b, {
    ...ctx1,
    activity: [0, 0, 1],
    activities: ["wait", "pose", "greet"],
  });
  const plain = find(s, "simplified_h36m", "plain");
  near(plain.perActivity.wait!, 2, 1e-5);
  near(plain.perActivity.pose!, 5, 1e-5);
  assert.deepEqual(plain.perActivity.greet, null);
  near(plain.all, 3.5, 1e-5);
});

Deno.test("300-W: error / outer-eye-corner distance, in %", () => {
  const p = batch(1, 68), g = batch(1, 68);
  for (const b of [p, g]) b.set(0, 36, -0.5, 0), b.set(0, 45, 0.5, 0); // IOD = 1
  p.set(0, 30, 0, 0.68); // 68 % on one of 68 points
  const s = evaluateProtocols("faces", p.b, g.b, ctx1);
  assert.deepEqual(s.length, 1);
  near(s[0].all, 1.0, 1e-5);
  assert.deepEqual(s[0].flip, null);
  assert.deepEqual(s[0].perActivity, {});
  const flat = batch(1, 68);
  throwsWith(() => evaluateProtocols("faces", flat.b, flat.b, ctx1), "coincide");
});

Deno.test("cats: 7 of 9 points (ear tips dropped) / eye distance, in %", () => {
  const p = batch(1, 9), g = batch(1, 9);
  for (const b of [p, g]) b.set(0, 0, -0.25, 0), b.set(0, 1, 0.25, 0); // eye distance 0.5
  p.set(0, 4, 10, 10); // left ear tip: not evaluated
  p.set(0, 2, 0, 0.35); // mouth: 70 % of the eye distance, 1 of 7 points
  const s = evaluateProtocols("cats", p.b, g.b, ctx1);
  near(s[0].all, 10, 1e-5);
  assert.deepEqual(s[0].perKeypoint.map((k) => k.name), [
    "l_eye",
    "r_eye",
    "mouth",
    "l_ear_1",
    "l_ear_3",
    "r_ear_1",
    "r_ear_3",
  ]);
});

Deno.test("shapes are checked before any work", () => {
  const p = batch(2, 9), g = batch(1, 9);
  throwsWith(() => pointErrors(p.b, g.b), "pred is [2, 9, 2] but gt is [1, 9, 2]");
  throwsWith(
    () => evaluateProtocols("humans", g.b, g.b, ctx1),
    "expected 32 keypoints, got 9",
  );
});

Deno.test("mean pose and stats", () => {
  const m = meanPose(new Float32Array([0, 1, 2, 3, 2, 3, 4, 5]), 2, 2);
  assert.deepEqual(Array.from(m), [1, 2, 3, 4]);
  assert.deepEqual(Array.from(tilePose(m, 2)), [1, 2, 3, 4, 1, 2, 3, 4]);
  assert.deepEqual(sampleSd([1]), null);
  near(sampleSd([1, 3])!, Math.SQRT2, 1e-12);
  const d = distribution([4, 1, 3, 2, 5]);
  assert.deepEqual([d.q25, d.median, d.q75, d.mean], [2, 3, 4, 3]);
  near(d.q05, 1.2, 1e-12);
});
