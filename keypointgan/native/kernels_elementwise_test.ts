/**
 * Native elementwise, reduction and layout kernels against TF.js's stock CPU kernels, for
 * both the C helper and the pure-JS loops.
 */
import { equal as assertEquals } from "node:assert/strict";
import { tf } from "../tf.ts";
import { compareWithCpu, nativeSkipReason, rand } from "./test_util.ts";

const ignore = nativeSkipReason !== undefined;
const SHAPE = [2, 5, 6, 7];
const N = SHAPE.reduce((a, b) => a * b);

/** Random values with a NaN and exact zeros mixed in (NaN propagation must match). */
function input(seed: number, withNaN = true): tf.Tensor4D {
  const v = rand(N, seed, -2, 2);
  v[3] = 0;
  v[10] = -0;
  if (withNaN) v[17] = NaN;
  return tf.tensor4d(v, SHAPE as [number, number, number, number]);
}

Deno.test({
  name: "native unary kernels match the stock CPU kernels (NaN included)",
  ignore,
  async fn() {
    const ops: [string, (x: tf.Tensor) => tf.Tensor][] = [
      ["relu", tf.relu],
      ["relu6", tf.relu6],
      ["leakyRelu", (x) => tf.leakyRelu(x, 0.2)],
      ["step", (x) => tf.step(x, 0.3)],
      ["abs", tf.abs],
      ["neg", tf.neg],
      ["square", tf.square],
      ["sqrt", (x) => tf.sqrt(tf.abs(x))],
      ["rsqrt", (x) => tf.rsqrt(tf.add(tf.abs(x), 1))],
      ["exp", tf.exp],
      ["log", (x) => tf.log(tf.abs(x))],
      ["tanh", tf.tanh],
      ["sigmoid", tf.sigmoid],
      ["reciprocal", (x) => tf.reciprocal(tf.add(x, 3))],
      ["elu", tf.elu],
      ["sign", tf.sign],
      ["clip", (x) => tf.clipByValue(x, -0.5, 0.7)],
    ];
    for (const [name, op] of ops) {
      const problem = await compareWithCpu(() => op(input(1)), 1e-6);
      assertEquals(problem, undefined, `${name}: ${problem}`);
    }
  },
});

Deno.test({
  name: "native binary kernels match the stock CPU kernels for every broadcast pattern",
  ignore,
  async fn() {
    const others: number[][] = [
      SHAPE,
      [],
      [7],
      [1, 1, 1, 7],
      [2, 1, 1, 7],
      [2, 5, 6, 1],
      [5, 1, 7],
      [
        1,
        5,
        1,
        1,
      ],
    ];
    const ops: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
      ["add", tf.add],
      ["sub", tf.sub],
      ["mul", tf.mul],
      ["div", tf.div],
      ["max", tf.maximum],
      ["min", tf.minimum],
      ["squaredDifference", tf.squaredDifference],
      ["prelu", tf.prelu],
      ["greater", tf.greater],
      ["greaterEqual", tf.greaterEqual],
      ["less", tf.less],
      ["lessEqual", tf.lessEqual],
      ["equal", tf.equal],
      ["notEqual", tf.notEqual],
    ];
    for (const [name, op] of ops) {
      for (const [i, shape] of others.entries()) {
        const b = () => tf.tensor(rand(shape.reduce((p, q) => p * q, 1), 7 + i, -2, 2), shape);
        const problem = await compareWithCpu(() => [op(input(2), b()), op(b(), input(3))], 1e-6);
        assertEquals(problem, undefined, `${name} with [${shape}]: ${problem}`);
      }
    }
  },
});

Deno.test({
  name: "native select, fill, zerosLike/onesLike, cast to float32 match the stock CPU kernels",
  ignore,
  async fn() {
    const problem = await compareWithCpu(() => [
      tf.where(tf.greater(input(4, false), 0), input(5), input(6)),
      tf.fill([3, 70, 80], 0.25),
      tf.zerosLike(input(7)),
      tf.onesLike(input(8)),
      tf.mul(tf.cast(tf.greater(input(9), 0), "float32"), input(10)),
      tf.mul(tf.cast(tf.tensor(rand(N, 11, -5, 5), SHAPE, "int32"), "float32"), input(12)),
    ]);
    assertEquals(problem, undefined, problem ?? "");
  },
});

Deno.test({
  name: "native reductions match the stock CPU kernels (NHWC batch/instance-norm axes)",
  ignore,
  async fn() {
    const axesList: (number | number[] | undefined)[] = [
      [0, 1, 2],
      [1, 2],
      3,
      -1,
      1,
      [0, 3],
      undefined,
      [
        2,
      ],
    ];
    for (const axis of axesList) {
      for (const keepDims of [false, true]) {
        const problem = await compareWithCpu(() => [
          tf.sum(input(9, false), axis, keepDims),
          tf.mean(input(10, false), axis, keepDims),
          tf.max(input(11, false), axis, keepDims),
          tf.min(input(12), axis, keepDims),
          tf.prod(tf.add(tf.mul(input(13, false), 0.1), 1), axis, keepDims),
        ], 1e-5);
        assertEquals(
          problem,
          undefined,
          `axis ${JSON.stringify(axis)} keepDims ${keepDims}: ${problem}`,
        );
      }
    }
  },
});

Deno.test({
  name:
    "native pad, slice, split, unstack, stack, concat and transpose match the stock CPU kernels",
  ignore,
  async fn() {
    const problem = await compareWithCpu(() => {
      const x = input(14);
      return [
        tf.pad(x, [[0, 0], [1, 2], [3, 0], [0, 0]]),
        tf.pad(x, [[1, 0], [0, 1], [1, 1], [2, 1]], 0.5),
        tf.slice(x, [0, 1, 2, 3], [2, 3, 3, 2]),
        tf.slice(x, [1, 0, 0, 2], [1, 5, 6, 4]),
        tf.slice(x, [1, 2, 0, 0], [1, 2, 6, 7]),
        tf.slice(x, [0, 0, 0, 2], [-1, -1, -1, 1]),
        tf.slice(x, 1),
        tf.slice(x, [0, 1], [2, -1]),
        tf.concat([x, input(15), tf.slice(input(16), [0, 0, 0, 0], [2, 5, 6, 3])], -1),
        tf.concat([x, input(17)], 0),
        tf.concat([x, tf.slice(input(18), [0, 0, 0, 0], [2, 2, 6, 7])], 1),
        tf.transpose(x, [0, 3, 1, 2]),
        tf.transpose(x, [3, 2, 1, 0]),
        tf.transpose(x, [1, 0, 2, 3]),
        tf.transpose(tf.tensor(rand(2 * 9 * 10 * 40, 60), [2, 9, 10, 40]), [0, 3, 1, 2]),
        tf.transpose(tf.tensor(rand(3 * 33 * 65, 61), [3, 33, 65]), [0, 2, 1]),
        ...tf.split(x, [2, 4, 1], -1),
        ...tf.split(x, 3, 2),
        ...tf.split(x, [1, -1], 0),
        ...tf.unstack(x, 3),
        ...tf.unstack(x, 0),
        tf.stack([x, input(19), input(20)], -1),
        tf.stack([x, input(21)], 1),
        tf.stack([x, input(22)], 0),
        tf.tile(x, [1, 2, 1, 3]),
        tf.tile(tf.tensor(rand(3 * 4, 62), [3, 4]), [2, 2]),
        tf.broadcastTo(tf.tensor(rand(2 * 7, 63), [2, 1, 1, 7]), [2, 5, 6, 7]),
        tf.broadcastTo(tf.tensor(rand(6, 64), [6, 1]), [2, 5, 6, 7]),
      ];
    }, 0);
    assertEquals(problem, undefined, problem ?? "");
    const ints = () => tf.tensor(rand(N, 40, -100, 100), SHAPE, "int32");
    const intProblem = await compareWithCpu(() => {
      const x = ints();
      return [
        tf.transpose(x, [0, 3, 1, 2]),
        tf.slice(x, [0, 1, 2, 3], [2, 3, 3, 2]),
        tf.concat([x, ints()], -1),
        tf.stack([x, ints()], -1),
        ...tf.unstack(x, 3),
        ...tf.split(x, [2, 5], -1),
        tf.transpose(tf.oneHot(tf.argMax(input(41), 3), 5), [0, 3, 1, 2]),
      ];
    }, 0);
    assertEquals(intProblem, undefined, intProblem ?? "");
  },
});

Deno.test({
  name: "native argMax/argMin, logical ops and average pooling match the stock CPU kernels",
  ignore,
  async fn() {
    const problem = await compareWithCpu(() => {
      const x = input(50, false);
      const m = tf.greater(x, 0), n = tf.less(input(51, false), 0.5);
      return [
        ...[0, 1, 2, 3, -1].flatMap((a) => [tf.argMax(x, a), tf.argMin(x, a)]),
        tf.cast(tf.logicalAnd(m, n), "float32"),
        tf.cast(tf.logicalOr(m, n), "float32"),
        tf.cast(tf.logicalNot(m), "float32"),
      ];
    }, 0);
    assertEquals(problem, undefined, problem ?? "");
    for (const [f, s] of [[2, 2], [3, 1], [2, 3]] as const) {
      const pool = await compareWithCpu(() => {
        const x = tf.tensor4d(rand(2 * 8 * 9 * 3, 52), [2, 8, 9, 3]);
        const y = tf.avgPool(x, f, s, "valid");
        const g = tf.grad((t: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.avgPool(t as tf.Tensor4D, f, s, "valid"),
              tf.onesLike(y).mul(tf.range(0, y.size).reshape(y.shape)),
            ),
          )
        )(x);
        return [y, g];
      }, 1e-5);
      assertEquals(pool, undefined, `avgPool ${f}/${s}: ${pool}`);
    }
  },
});

Deno.test({
  name: "native gradients (fused ReLU/LeakyReLU, Sum/Mean via broadcastTo) match the stock ones",
  ignore,
  async fn() {
    const w = () => input(70, false);
    const losses: [string, (x: tf.Tensor) => tf.Scalar][] = [
      ["relu", (x) => tf.sum(tf.mul(tf.relu(x), w()))],
      ["leakyRelu", (x) => tf.sum(tf.mul(tf.leakyRelu(x, 0.2), w()))],
      ["sum over axes", (x) => tf.sum(tf.mul(tf.sum(x, [1, 2], true), tf.sum(w(), [1, 2], true)))],
      ["mean over axes", (x) => tf.sum(tf.mul(tf.mean(x, [0, 1, 2]), tf.mean(w(), [0, 1, 2])))],
      ["mean of all", (x) => tf.mean(tf.square(x))],
    ];
    for (const [name, loss] of losses) {
      const problem = await compareWithCpu(() => tf.grad(loss)(input(71)), 1e-6);
      assertEquals(problem, undefined, `${name}: ${problem}`);
    }
  },
});

Deno.test({
  name:
    "native Tile gradient (KpgTileGrad, so broadcastTo's) equals the stock Slice + Add chain bit for bit",
  ignore,
  async fn() {
    // [x shape, reps]: Ψ's global appearance pool ([B, 1, 1, C] tiled over the S/8 grid), and
    // copies along every axis at ranks 1–4.
    const cases: [number[], number[]][] = [
      [[8, 1, 1, 32], [1, 8, 8, 1]],
      [[2, 3, 1, 4], [3, 2, 5, 2]],
      [[3, 4, 5], [2, 1, 3]],
      [[5, 7], [3, 2]],
      [[6], [4]],
    ];
    for (const [shape, reps] of cases) {
      const n = shape.reduce((a, b) => a * b, 1), m = n * reps.reduce((a, b) => a * b, 1);
      const problem = await compareWithCpu(() => {
        const x = tf.tensor(rand(n, 80, -2, 2), shape);
        const w = tf.tensor(rand(m, 81, -3, 3), shape.map((d, i) => d * reps[i]));
        return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.tile(t, reps), w)))(x);
      }, 0);
      assertEquals(problem, undefined, `[${shape}] × [${reps}]: ${problem}`);
    }
  },
});

Deno.test({
  name:
    "native OneHot and UnsortedSegmentSum (β's edge masks, gather gradients) match the stock CPU kernels",
  ignore: nativeSkipReason !== undefined,
  fn: async () => {
    const idx = [0, 3, 2, -1, 5, 1, 3, 4];
    assertEquals(
      await compareWithCpu(() => [
        tf.oneHot(tf.tensor2d(idx, [2, 4], "int32"), 5),
        tf.oneHot(tf.tensor1d(idx, "int32"), 6, 2.5, -1),
      ], 0),
      undefined,
    );
    const x = tf.tensor3d(rand(6 * 3 * 2, 9), [6, 3, 2]);
    const seg = tf.tensor1d([2, 0, 2, 4, 1, 2], "int32");
    assertEquals(
      await compareWithCpu(() => [
        tf.unsortedSegmentSum(x, seg, 5),
        tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4, 5, 6]), seg, 3),
      ], 1e-6),
      undefined,
    );
    // The gradient of a gather: what β's keypoint → edge-end gathers run.
    const p = tf.tensor3d(rand(2 * 5 * 2, 10), [2, 5, 2]);
    const w = tf.tensor3d(rand(2 * 4 * 2, 11), [2, 4, 2]);
    const g = (t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, [1, 0, 1, 4], 1), w));
    assertEquals(await compareWithCpu(() => tf.grad(g)(p), 1e-6), undefined);
    // Softmax along the last axis (η's soft-argmax rows), with ±Inf and NaN rows, and its gradient.
    const logits = tf.tensor3d(rand(4 * 3 * 8, 12, -20, 20), [4, 3, 8]);
    const odd = tf.tensor2d([1, Infinity, 2, NaN, 0, 1, -Infinity, 3, 5], [3, 3]);
    const sm = (t: tf.Tensor) => tf.sum(tf.mul(tf.softmax(t), tf.linspace(-1, 1, 8)));
    assertEquals(
      await compareWithCpu(() => [tf.softmax(logits), tf.softmax(odd), tf.grad(sm)(logits)], 0),
      undefined,
    );
  },
});
