import { deepStrictEqual, throws } from "node:assert/strict";
import { tf } from "../tf.ts";
import { ParamStore } from "./params.ts";
import { WeightAverage } from "./weight_average.ts";

function store(): ParamStore {
  const s = new ParamStore();
  s.add("phi/a/w", [2], Float32Array.from([1, 2]));
  s.add("phi/a/mean", [1], Float32Array.from([0]), false);
  s.add("d/a/w", [1], Float32Array.from([5]));
  return s;
}

Deno.test("weight average: ramped decay, only the generator side, BatchNorm statistics included", () => {
  const s = store();
  const avg = new WeightAverage(s, 0.99);
  deepStrictEqual(avg.entries().map(([n]) => n), ["phi/a/w", "phi/a/mean"]);
  deepStrictEqual(avg.decayAt(1), 2 / 11);
  deepStrictEqual(avg.decayAt(10_000), 0.99);
  s.assign("phi/a/w", tf.tensor1d([3, 4]));
  s.assign("phi/a/mean", tf.tensor1d([1]));
  avg.update(s, 1);
  const d = 2 / 11;
  const [w, m] = avg.entries().map(([, v]) => Array.from(v.dataSync()));
  const f = (x: number) => Math.fround(x);
  deepStrictEqual(w, [f(f(1 * d) + f(3 * (1 - d))), f(f(2 * d) + f(4 * (1 - d)))]);
  deepStrictEqual(m, [f(1 - d)]);
  avg.dispose();
  s.dispose();
});

Deno.test("weight average: `with` scores the average and puts the live values back exactly", () => {
  const s = store();
  const avg = new WeightAverage(s, 0.5);
  s.assign("phi/a/w", tf.tensor1d([0.1, 0.7]));
  const before = tf.memory().numTensors;
  const seen = avg.with(s, () => Array.from(s.get("phi/a/w").dataSync()));
  deepStrictEqual(seen, [1, 2]);
  deepStrictEqual(Array.from(s.get("phi/a/w").dataSync()), [0.1, 0.7].map(Math.fround));
  deepStrictEqual(tf.memory().numTensors, before, "no tensor leaks");
  avg.adopt(s);
  deepStrictEqual(Array.from(s.get("phi/a/w").dataSync()), [1, 2]);
  avg.dispose();
  s.dispose();
});

Deno.test("weight average: a decay outside (0, 1) is refused", () => {
  const s = store();
  throws(() => new WeightAverage(s, 1), /expected 0 < decay < 1/);
  throws(() => new WeightAverage(s, 0), /expected 0 < decay < 1/);
  s.dispose();
});
