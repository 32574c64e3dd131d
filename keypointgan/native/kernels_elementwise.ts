/**
 * Native elementwise kernels: float32 unary maths, broadcasting binary maths and comparisons,
 * Select, Fill/ZerosLike/OnesLike. Other dtypes and broadcasts beyond 4 loops defer to the
 * stock CPU kernels.
 *
 * @module
 */
import type { TensorInfo } from "@tensorflow/tfjs-core";
import {
  anyValues,
  f32,
  type KernelArgs,
  type NativeEnv,
  type NativeKernel,
  output,
  sizeOf,
} from "./kernel_util.ts";
import { Binary, Unary } from "./ops.ts";
import { broadcastPlan } from "./shapes.ts";

type Attrs = KernelArgs["attrs"];

function unaryKernel(
  name: string,
  op: number,
  params: (attrs: Attrs) => [number, number] = () => [0, 0],
): NativeKernel {
  return {
    name,
    body: ({ inputs, backend, attrs }, env) => {
      const x = f32(backend, inputs.x);
      if (!x) return undefined;
      const y = backend.pool.take(x.length);
      const [p0, p1] = params(attrs);
      env.ops.unary(op, x, y, p0, p1);
      return output(backend, inputs.x.shape, y);
    },
  };
}

function binaryKernel(
  name: string,
  op: number,
  names: [string, string] = ["a", "b"],
): NativeKernel {
  return {
    name,
    body: ({ inputs, backend }, env) => {
      const ta = inputs[names[0]], tb = inputs[names[1]];
      const a = f32(backend, ta), b = f32(backend, tb);
      if (!a || !b) return undefined;
      const bp = broadcastPlan(ta.shape, tb.shape);
      if (!bp) return undefined;
      const n = sizeOf(bp.outShape);
      if (op >= 10) {
        const out = new Uint8Array(n);
        env.ops.binary(op, a, b, out, bp.plan);
        return backend.makeTensorInfo(bp.outShape, "bool", out);
      }
      const out = backend.pool.take(n);
      env.ops.binary(op, a, b, out, bp.plan);
      return output(backend, bp.outShape, out);
    },
  };
}

function select({ inputs, backend }: KernelArgs, env: NativeEnv): TensorInfo | undefined {
  const { condition, t, e } = inputs;
  const a = f32(backend, t), b = f32(backend, e);
  const cond = anyValues(backend, condition);
  if (!a || !b || !(cond instanceof Uint8Array) || condition.dtype !== "bool") return undefined;
  const same = (s: number[]) => s.length === t.shape.length && s.every((d, i) => d === t.shape[i]);
  if (!same(condition.shape) || !same(e.shape)) return undefined;
  const out = backend.pool.take(a.length);
  env.ops.select(cond, a, b, out);
  return output(backend, t.shape, out);
}

function filled(
  backend: KernelArgs["backend"],
  env: NativeEnv,
  shape: number[],
  value: number,
): TensorInfo {
  const out = backend.pool.take(sizeOf(shape));
  env.ops.unary(Unary.fill, out, out, value, 0);
  return output(backend, shape, out);
}

const fill: NativeKernel = {
  name: "Fill",
  body: ({ backend, attrs }, env) => {
    if ((attrs.dtype ?? "float32") !== "float32" || typeof attrs.value !== "number") {
      return undefined;
    }
    return filled(backend, env, attrs.shape, attrs.value);
  },
};

const likeKernel = (name: string, value: number): NativeKernel => ({
  name,
  body: ({ inputs, backend }, env) =>
    inputs.x.dtype === "float32" ? filled(backend, env, inputs.x.shape, value) : undefined,
});

/**
 * Fused activation gradients (kernels of our own, used by the gradients registered in
 * gradients.ts on native backends): one pass instead of Step + Multiply (ReLU) or
 * Greater + Multiply + Select (LeakyReLU).
 */
function activationGrad(name: string, op: number): NativeKernel {
  return {
    name,
    body: ({ inputs, backend, attrs }, env) => {
      const dy = f32(backend, inputs.dy), x = f32(backend, inputs.x);
      if (!dy || !x || inputs.dy.shape.join() !== inputs.x.shape.join()) return undefined;
      const out = backend.pool.take(dy.length);
      const plan = broadcastPlan(inputs.x.shape, inputs.x.shape)!.plan;
      env.ops.binary(op, dy, x, out, plan, Math.fround(attrs.alpha ?? 0));
      return output(backend, inputs.x.shape, out);
    },
  };
}

/** Cast int32/bool → float32 into real float32 storage (the stock kernel only relabels). */
const cast: NativeKernel = {
  name: "Cast",
  body: ({ inputs, backend, attrs }) => {
    if (attrs.dtype === inputs.x.dtype) {
      backend.incRef(inputs.x.dataId); // identity, as the stock kernel
      return { dataId: inputs.x.dataId, shape: inputs.x.shape, dtype: inputs.x.dtype };
    }
    if (attrs.dtype !== "float32" || (inputs.x.dtype !== "int32" && inputs.x.dtype !== "bool")) {
      return undefined;
    }
    const v = anyValues(backend, inputs.x);
    if (!v) return undefined;
    const out = backend.pool.take(v.length);
    out.set(v);
    return output(backend, inputs.x.shape, out);
  },
};

/** Names of our fused gradient kernels (not TF.js kernels: no stock fallback exists). */
export const RELU_GRAD = "KpgReluGrad", LEAKY_RELU_GRAD = "KpgLeakyReluGrad";

/** The elementwise overrides. */
export const elementwiseKernels: readonly NativeKernel[] = [
  unaryKernel("Relu", Unary.relu),
  unaryKernel("Relu6", Unary.relu6),
  unaryKernel("LeakyRelu", Unary.leakyRelu, (a) => [a.alpha, 0]),
  unaryKernel("Step", Unary.step, (a) => [a.alpha ?? 0, 0]),
  unaryKernel("Abs", Unary.abs),
  unaryKernel("Neg", Unary.neg),
  unaryKernel("Square", Unary.square),
  unaryKernel("Sqrt", Unary.sqrt),
  unaryKernel("Rsqrt", Unary.rsqrt),
  unaryKernel("Exp", Unary.exp),
  unaryKernel("Log", Unary.log),
  unaryKernel("Tanh", Unary.tanh),
  unaryKernel("Sigmoid", Unary.sigmoid),
  unaryKernel("Reciprocal", Unary.reciprocal),
  unaryKernel("Elu", Unary.elu),
  unaryKernel("Sign", Unary.sign),
  unaryKernel("ClipByValue", Unary.clip, (a) => [a.clipValueMin, a.clipValueMax]),
  binaryKernel("Add", Binary.add),
  binaryKernel("Sub", Binary.sub),
  binaryKernel("Multiply", Binary.mul),
  binaryKernel("RealDiv", Binary.div),
  binaryKernel("Maximum", Binary.max),
  binaryKernel("Minimum", Binary.min),
  binaryKernel("SquaredDifference", Binary.squaredDifference),
  binaryKernel("Prelu", Binary.prelu, ["x", "alpha"]),
  binaryKernel("Greater", Binary.greater),
  binaryKernel("GreaterEqual", Binary.greaterEqual),
  binaryKernel("Less", Binary.less),
  binaryKernel("LessEqual", Binary.lessEqual),
  binaryKernel("Equal", Binary.equal),
  binaryKernel("NotEqual", Binary.notEqual),
  { name: "Select", body: select },
  fill,
  cast,
  activationGrad(RELU_GRAD, Binary.reluGrad),
  activationGrad(LEAKY_RELU_GRAD, Binary.leakyReluGrad),
  likeKernel("ZerosLike", 0),
  likeKernel("OnesLike", 1),
];
