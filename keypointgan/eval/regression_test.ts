import assert from "node:assert/strict";
import { applyLinearMap, fitLinearMap, RankDeficientError } from "./regression.ts";

/** Deterministic uniform numbers in [-1, 1) (xorshift32). */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13, s >>>= 0, s ^= s >>> 17, s ^= s << 5, s >>>= 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

function matmul(x: Float64Array, w: Float64Array, n: number, d: number, m: number) {
  const y = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      for (let k = 0; k < d; k++) y[i * m + j] += x[i * d + k] * w[k * m + j];
    }
  }
  return y;
}

Deno.test("fitLinearMap recovers a known linear map exactly (noise-free data)", () => {
  const r = rng(7), n = 40, d = 8, m = 6;
  const x = Float64Array.from({ length: n * d }, r);
  const w = Float64Array.from({ length: d * m }, () => 3 * r());
  const fit = fitLinearMap(x, matmul(x, w, n, d, m), n, d, m);
  assert.equal(fit.inputs, d);
  assert.equal(fit.outputs, m);
  for (let i = 0; i < w.length; i++) {
    assert.ok(Math.abs(fit.weights[i] - w[i]) < 1e-12, `W[${i}]: ${fit.weights[i]} vs ${w[i]}`);
  }
  const y = applyLinearMap(fit, x, n);
  assert.ok(y instanceof Float32Array && y.length === n * m);
});

Deno.test("fitLinearMap on noisy data: the residual is orthogonal to every input column", () => {
  const r = rng(3), n = 60, d = 5, m = 2;
  const x = Float64Array.from({ length: n * d }, r);
  const y = Float64Array.from({ length: n * m }, r); // unrelated targets: residual is large
  const fit = fitLinearMap(x, y, n, d, m);
  const res = matmul(x, fit.weights, n, d, m).map((v, i) => y[i] - v);
  for (let k = 0; k < d; k++) {
    for (let j = 0; j < m; j++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += x[i * d + k] * res[i * m + j];
      assert.ok(Math.abs(dot) < 1e-12, `Xᵀr[${k}, ${j}] = ${dot}`);
    }
  }
});

Deno.test("fitLinearMap: one-dimensional case matches the closed form Σxy / Σx²", () => {
  const fit = fitLinearMap([1, 2, 3], [2, 3, 7], 3, 1, 1);
  assert.ok(Math.abs(fit.weights[0] - (2 + 6 + 21) / 14) < 1e-15);
  const ridge = fitLinearMap([1, 2, 3], [2, 3, 7], 3, 1, 1, { ridge: 1 });
  assert.ok(Math.abs(ridge.weights[0] - 29 / 15) < 1e-15);
});

Deno.test("fitLinearMap: dependent columns are a clear error naming the column", () => {
  const r = rng(11), n = 20, d = 4;
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    x[i * d] = r(), x[i * d + 1] = r(), x[i * d + 3] = r();
    x[i * d + 2] = x[i * d] - 2 * x[i * d + 1]; // column 2 = col0 − 2·col1
  }
  assert.throws(
    () => fitLinearMap(x, new Float64Array(n), n, d, 1),
    (e: unknown) => e instanceof RankDeficientError && e.column === 2 && /column 2/.test(e.message),
  );
  // a ridge penalty makes the problem well posed again
  fitLinearMap(x, new Float64Array(n), n, d, 1, { ridge: 1e-3 });
});

Deno.test("fitLinearMap: bad shapes, too few samples and NaN are rejected", () => {
  const bad = (fn: () => unknown, text: string) =>
    assert.throws(fn, (e: unknown) => e instanceof Error && e.message.includes(text));
  bad(() => fitLinearMap([1, 2, 3], [1], 1, 3, 1), "at least 3 samples");
  bad(() => fitLinearMap([1, 2], [1], 1, 3, 1), "X: expected 1×3 values, got 2");
  bad(() => fitLinearMap([1, NaN], [1, 2], 2, 1, 1), "X[1, 0] is NaN");
  bad(
    () => applyLinearMap({ inputs: 2, outputs: 1, weights: new Float64Array(2) }, [1], 1),
    "2 inputs",
  );
});
