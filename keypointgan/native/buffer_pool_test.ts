/** The buffer pool reuses exact sizes and never hands out a buffer something still uses. */
import { equal, notEqual, ok } from "node:assert/strict";
import { BufferPool } from "./buffer_pool.ts";

Deno.test("a released buffer is reused for the next request of the same size", () => {
  const pool = new BufferPool();
  const a = pool.take(10000);
  pool.retain(a); // a tensor entry uses it
  pool.release(a); // … and is deleted
  equal(pool.take(10000), a);
  notEqual(pool.take(10000), a, "handed out once");
  equal(pool.stats().hits, 1);
});

Deno.test("views keep their buffer alive until the last one is released", () => {
  const pool = new BufferPool();
  const a = pool.take(10000);
  const view = a.subarray(5000);
  pool.retain(a);
  pool.retain(view);
  pool.release(a);
  notEqual(pool.take(10000), a, "a view still refers to it");
  pool.release(view);
  equal(pool.take(10000), a);
});

Deno.test("small buffers, foreign arrays and the cap are handled", () => {
  const pool = new BufferPool(40000 * 4);
  ok(!pool.isPooled(pool.take(100)), "small buffers are not pooled");
  const foreign = new Float32Array(10000);
  pool.retain(foreign);
  pool.release(foreign);
  ok(!pool.isPooled(foreign));
  const big = pool.take(50000);
  pool.give(big);
  equal(pool.stats().pooledBytes, 0, "over the cap: left to the GC");
});

Deno.test("a poisoning pool hands out reused buffers NaN-filled, fresh ones zeroed", () => {
  const pool = new BufferPool(2 ** 31, true);
  const a = pool.take(10000);
  equal(a[0], 0, "fresh buffers come zeroed from the allocator");
  a.fill(7);
  pool.retain(a);
  pool.release(a);
  const b = pool.take(10000);
  equal(b, a);
  ok(b.every(Number.isNaN), "reused contents never leak into a new tensor");
});
