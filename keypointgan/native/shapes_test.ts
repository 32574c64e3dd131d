/** Loop plans: broadcasts, reductions and strided copies collapse to ≤ 4 loops. */
import { deepEqual, equal } from "node:assert/strict";
import { broadcastPlan, broadcastShape, copyPlan, reducePlan, stridesOf } from "./shapes.ts";

Deno.test("broadcastShape follows NumPy rules", () => {
  deepEqual(broadcastShape([2, 1, 3], [4, 1]), [2, 4, 3]);
  deepEqual(broadcastShape([], [5]), [5]);
  equal(broadcastShape([2, 3], [4, 3]), undefined);
});

Deno.test("broadcastPlan merges dims that behave alike (channel and instance-norm patterns)", () => {
  const same = broadcastPlan([2, 3, 4, 5], [2, 3, 4, 5])!;
  deepEqual(same.plan.shape, [1, 1, 1, 120]);
  deepEqual([same.plan.aStrides[3], same.plan.bStrides[3]], [1, 1]);
  const channel = broadcastPlan([16, 8, 8, 32], [32])!;
  deepEqual(channel.plan.shape, [1, 1, 1024, 32]);
  deepEqual(channel.plan.bStrides, [0, 0, 0, 1]);
  const inorm = broadcastPlan([16, 8, 8, 32], [16, 1, 1, 32])!;
  deepEqual(inorm.plan.shape, [1, 16, 64, 32]);
  deepEqual(inorm.plan.aStrides, [0, 2048, 32, 1]);
  deepEqual(inorm.plan.bStrides, [0, 32, 0, 1]);
  const scalar = broadcastPlan([3, 4], [])!;
  deepEqual(scalar.plan.bStrides, [0, 0, 0, 0]);
  equal(broadcastPlan([2, 1, 2, 1, 2, 1], [1, 2, 1, 2, 1, 2]), undefined, "6 alternating loops");
});

Deno.test("reducePlan collapses NHWC reductions to [outer, reduced, inner]", () => {
  deepEqual(reducePlan([16, 8, 8, 32], [0, 1, 2]), { outer: 1, reduce: 1024, inner: 32 });
  deepEqual(reducePlan([16, 8, 8, 32], [1, 2]), { outer: 16, reduce: 64, inner: 32 });
  deepEqual(reducePlan([16, 8, 8, 32], [3]), { outer: 1024, reduce: 32, inner: 1 });
  deepEqual(reducePlan([16, 1, 8, 32], [1]), { outer: 4096, reduce: 1, inner: 1 });
  equal(reducePlan([4, 2, 3, 2, 5], [1, 3]), undefined, "interleaved kept/reduced axes");
});

Deno.test("copyPlan merges contiguous runs in both arrays", () => {
  // Pad [2,4,4,3] into [2,6,6,3] at (1,1): rows of 4·3 floats.
  const out = stridesOf([2, 6, 6, 3]);
  const p = copyPlan([2, 4, 4, 3], out, stridesOf([2, 4, 4, 3]))!;
  deepEqual(p.shape, [1, 2, 4, 12]);
  deepEqual(p.aStrides, [0, 108, 18, 1]);
  deepEqual(p.bStrides, [0, 48, 12, 1]);
  deepEqual(stridesOf([2, 3, 4]), [12, 4, 1]);
});
