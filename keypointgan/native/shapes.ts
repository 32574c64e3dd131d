/**
 * Shape plans for the native elementwise, reduction and copy kernels: any broadcast, reduce or
 * strided copy is collapsed to at most 4 loops (adjacent dims that behave alike are merged),
 * which the JS and C loops then run. Patterns that do not collapse to 4 loops return
 * `undefined` and the kernel defers to the stock implementation.
 *
 * @module
 */

/** Four nested loops: sizes and element strides of up to two inputs (0 = broadcast). */
export interface LoopPlan {
  /** Loop sizes, outermost first (always 4 entries; leading ones may be 1). */
  readonly shape: [number, number, number, number];
  readonly aStrides: [number, number, number, number];
  readonly bStrides: [number, number, number, number];
}

/** Output shape of a NumPy-style broadcast, or undefined when the shapes are incompatible. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | undefined {
  const n = Math.max(a.length, b.length), out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1, db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return undefined;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/**
 * Loops for out = op(a, b) with broadcasting; the output is contiguous in loop order.
 * Undefined when incompatible or when more than 4 loops would remain.
 */
export function broadcastPlan(
  a: readonly number[],
  b: readonly number[],
): { outShape: number[]; plan: LoopPlan } | undefined {
  const outShape = broadcastShape(a, b);
  if (!outShape) return undefined;
  const n = outShape.length;
  // Per kept dim: size and whether a / b vary along it.
  const dims: { size: number; va: boolean; vb: boolean }[] = [];
  for (let i = 0; i < n; i++) {
    const size = outShape[i];
    if (size === 1) continue;
    const va = (a[a.length - n + i] ?? 1) === size, vb = (b[b.length - n + i] ?? 1) === size;
    const last = dims[dims.length - 1];
    if (last && last.va === va && last.vb === vb) last.size *= size;
    else dims.push({ size, va, vb });
  }
  if (dims.length > 4) return undefined;
  while (dims.length < 4) dims.unshift({ size: 1, va: false, vb: false });
  const strides = (varies: (d: (typeof dims)[number]) => boolean) => {
    const s = [0, 0, 0, 0] as [number, number, number, number];
    let acc = 1;
    for (let i = 3; i >= 0; i--) {
      if (varies(dims[i])) {
        s[i] = acc;
        acc *= dims[i].size;
      }
    }
    return s;
  };
  const shape = dims.map((d) => d.size) as LoopPlan["shape"];
  return {
    outShape,
    plan: { shape, aStrides: strides((d) => d.va), bStrides: strides((d) => d.vb) },
  };
}

/** A reduction as [outer, reduced, inner] (kept dims before and after the reduced block). */
export interface ReducePlan {
  readonly outer: number;
  readonly reduce: number;
  readonly inner: number;
}

/** Collapse `axes` of `shape` to [outer, reduce, inner], or undefined if not contiguous. */
export function reducePlan(
  shape: readonly number[],
  axes: readonly number[],
): ReducePlan | undefined {
  const segs: { size: number; red: boolean }[] = [];
  shape.forEach((size, i) => {
    if (size === 1) return;
    const red = axes.includes(i), last = segs[segs.length - 1];
    if (last && last.red === red) last.size *= size;
    else segs.push({ size, red });
  });
  const kinds = segs.map((s) => (s.red ? "R" : "K")).join("");
  const size = (i: number) => segs[i].size;
  switch (kinds) {
    case "":
      return { outer: 1, reduce: 1, inner: 1 };
    case "R":
      return { outer: 1, reduce: size(0), inner: 1 };
    case "K":
      return { outer: size(0), reduce: 1, inner: 1 };
    case "KR":
      return { outer: size(0), reduce: size(1), inner: 1 };
    case "RK":
      return { outer: 1, reduce: size(0), inner: size(1) };
    case "KRK":
      return { outer: size(0), reduce: size(1), inner: size(2) };
    default:
      return undefined;
  }
}

/** Row-major element strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * Loops for a strided copy dst[d·dstStrides] = src[d·srcStrides] over `shape`
 * (a = destination strides, b = source strides). Undefined beyond 4 loops.
 */
export function copyPlan(
  shape: readonly number[],
  dstStrides: readonly number[],
  srcStrides: readonly number[],
): LoopPlan | undefined {
  const dims: { size: number; d: number; s: number }[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    const last = dims[dims.length - 1];
    const dim = { size: shape[i], d: dstStrides[i], s: srcStrides[i] };
    // Merge into the previous dim when it steps exactly over this whole dim in both arrays.
    if (last && last.d === dim.d * dim.size && last.s === dim.s * dim.size) {
      last.size *= dim.size;
      last.d = dim.d;
      last.s = dim.s;
    } else dims.push(dim);
  }
  if (dims.length > 4) return undefined;
  while (dims.length < 4) dims.unshift({ size: 1, d: 0, s: 0 });
  return {
    shape: dims.map((d) => d.size) as LoopPlan["shape"],
    aStrides: dims.map((d) => d.d) as LoopPlan["aStrides"],
    bStrides: dims.map((d) => d.s) as LoopPlan["bStrides"],
  };
}
