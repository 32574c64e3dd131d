import assert from "node:assert/strict";

function assertAlmostEquals(a: number, b: number, tol: number): void {
  assert.ok(Math.abs(a - b) <= tol, `${a} != ${b} ± ${tol}`);
}
import { Ellipsoid, renderScene, RoundCone, Triangle } from "./raster.ts";
import { Rng } from "../rng.ts";

const flat = (_p: unknown, out: number[]) => {
  out[0] = 1;
  out[1] = 1;
  out[2] = 1;
};

/** Signed "distance" to a round cone: min over t of |p − c(t)| − r(t), convex in t. */
function coneField(p: number[], a: number[], b: number[], ra: number, rb: number): number {
  const f = (t: number) =>
    Math.hypot(
      p[0] - a[0] - t * (b[0] - a[0]),
      p[1] - a[1] - t * (b[1] - a[1]),
      p[2] - a[2] - t * (b[2] - a[2]),
    ) -
    (ra + t * (rb - ra));
  let lo = 0, hi = 1;
  for (let i = 0; i < 80; i++) {
    const m1 = lo + (hi - lo) / 3, m2 = hi - (hi - lo) / 3;
    if (f(m1) < f(m2)) hi = m2;
    else lo = m1;
  }
  return Math.min(f(lo), f(0), f(1));
}

Deno.test("round cone hit depth matches a brute-force march", () => {
  const rng = new Rng(3);
  const n = new Float64Array(3);
  for (let trial = 0; trial < 15; trial++) {
    const a = [rng.uniform() * 10, rng.uniform() * 10, rng.uniform() * 10];
    const b = [rng.uniform() * 10, rng.uniform() * 10, rng.uniform() * 10];
    const ra = 0.5 + 2 * rng.uniform(), rb = 0.5 + 2 * rng.uniform();
    const cone = new RoundCone(a as never, b as never, ra, rb, flat as never);
    for (let s = 0; s < 20; s++) {
      const x = -2 + 14 * rng.uniform(), y = -2 + 14 * rng.uniform();
      const z = cone.hit(x, y, n);
      // The shape is convex: march down coarsely, then bisect the entry point.
      let zb = -Infinity;
      for (let zz = 16; zz > -6; zz -= 0.1) {
        if (coneField([x, y, zz], a, b, ra, rb) <= 0) {
          let hi = zz + 0.1, lo = zz;
          for (let i = 0; i < 40; i++) {
            const m = (hi + lo) / 2;
            if (coneField([x, y, m], a, b, ra, rb) <= 0) lo = m;
            else hi = m;
          }
          zb = lo;
          break;
        }
      }
      if (zb === -Infinity) assert.ok(z === -Infinity || Math.abs(z - zb) < 0.2, `miss ${z}`);
      else assertAlmostEquals(z, zb, 1e-6);
    }
  }
});

Deno.test("ellipsoid and triangle hits", () => {
  const n = new Float64Array(3);
  const e = new Ellipsoid([5, 5, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [2, 3, 4], flat as never);
  assertAlmostEquals(e.hit(5, 5, n), 4, 1e-9);
  assertAlmostEquals(n[2], 1, 1e-9);
  assertAlmostEquals(e.hit(6, 5, n), 4 * Math.sqrt(1 - 0.25), 1e-9);
  assert.ok(e.hit(7.01, 5, n) === -Infinity);
  const t = new Triangle([0, 0, 1], [4, 0, 1], [0, 4, 3], flat as never);
  assertAlmostEquals(t.hit(0, 2, n), 2, 1e-9);
  assert.ok(t.hit(3, 3, n) === -Infinity);
});

Deno.test("renderScene: nearer primitive wins and coverage is reported", () => {
  const red = (_p: unknown, o: number[]) => ((o[0] = 1), (o[1] = 0), (o[2] = 0));
  const blue = (_p: unknown, o: number[]) => ((o[0] = 0), (o[1] = 0), (o[2] = 1));
  const back = new Ellipsoid([8, 8, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [6, 6, 1], red as never);
  const front = new Ellipsoid(
    [8, 8, 5],
    [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    [2, 2, 1],
    blue as never,
  );
  const { image, coverage } = renderScene([front, back], 16, 2, new Float32Array(32 * 32 * 3));
  const px = (x: number, y: number) =>
    Array.from(image.slice(3 * (y * 16 + x), 3 * (y * 16 + x) + 3));
  assert.ok(px(8, 8)[2] === 255 && px(8, 8)[0] === 0);
  assert.ok(px(4, 8)[0] === 255);
  assert.ok(coverage[0] === 0 && coverage[8 * 16 + 8] === 1);
});
