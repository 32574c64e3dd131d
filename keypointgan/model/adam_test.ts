import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { Adam } from "./adam.ts";

/** Runs `steps` updates of f(p) = Σ (p − 3)² from p = [1, −2, 0.5, 4] on backend `name`. */
function run(impl: "arrays" | "ops", steps: number, clip: number): number[] {
  const p = tf.variable(tf.tensor1d([1, -2, 0.5, 4]), true, `adam-test-${impl}-${clip}-${steps}`);
  const opt = new Adam("t", { lr: 0.1, beta1: 0.5, beta2: 0.999, eps: 1e-8, clip, impl });
  for (let i = 0; i < steps; i++) {
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(p, 3))) as tf.Scalar, [p]);
    opt.apply({ w: p }, { w: grads[p.name] }, 0.1);
    tf.dispose(Object.values(grads));
  }
  const out = Array.from(p.dataSync());
  p.dispose();
  opt.dispose();
  return out;
}

Deno.test("Adam: the typed-array path equals the tensor-op path (with and without clipping)", () => {
  for (const clip of [0, 1]) {
    const arrays = run("arrays", 20, clip);
    const ops = run("ops", 20, clip);
    for (let i = 0; i < 4; i++) {
      assert.ok(Math.abs(arrays[i] - ops[i]) < 1e-5, `${arrays} vs ${ops}`);
    }
    assert.ok(arrays.every((v, i) => Math.abs(v - 3) < Math.abs([1, -2, 0.5, 4][i] - 3)));
  }
});

Deno.test("Adam: moments checkpoint and restore across the two paths", () => {
  const p = tf.variable(tf.tensor1d([1, 2]), true, "adam-ckpt");
  const a = new Adam("t", {
    lr: 0.1,
    beta1: 0.5,
    beta2: 0.999,
    eps: 1e-8,
    clip: 0,
    impl: "arrays",
  });
  a.apply({ w: p }, { w: tf.tensor1d([0.5, -1]) }, 0.1);
  const state = a.stateTensors();
  assert.deepEqual(Array.from(state["t/m/w"].dataSync()), [0.25, -0.5]);
  assert.deepEqual(state["t/m/w"].shape, [2]);
  const b = new Adam("t", { lr: 0.1, beta1: 0.5, beta2: 0.999, eps: 1e-8, clip: 0, impl: "ops" });
  b.loadState(a.step, state);
  const q = tf.variable(p.clone(), true, "adam-ckpt-q");
  a.apply({ w: p }, { w: tf.tensor1d([0.1, 0.2]) }, 0.1);
  b.apply({ w: q }, { w: tf.tensor1d([0.1, 0.2]) }, 0.1);
  const [x, y] = [p.dataSync(), q.dataSync()];
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(x[i] - y[i]) < 1e-6);
  tf.dispose([p, q]);
  a.dispose();
  b.dispose();
});
