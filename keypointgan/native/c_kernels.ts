/**
 * The optional C helper (`c_kernels.c`): compiled at first use with the system C compiler when
 * one is available, cached by content hash, and loaded through `Deno.dlopen`. It makes the
 * conv data movement (im2col/col2im) about 5× faster than the JS versions in `prims_js.ts`,
 * which remain the fallback: a compiler is never required.
 *
 * Settings: env `CC` (compiler, else `cc`, `gcc`, `clang`); `KEYPOINTGAN_NATIVE_HELPER=0`
 * disables the helper; `KEYPOINTGAN_CACHE` (else `<repo>/.cache`) holds the built library.
 * Needs `--allow-run` (compile), `--allow-write` (cache) and `--allow-ffi`.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readCpuinfo } from "./blas.ts";
import { type ConvEngine, type ConvGeometry, packedSgemm } from "./conv.ts";
import { bilinearTaps, type NativeOps, nearestTaps, type ResizeGeometry } from "./ops.ts";
import type { LoopPlan } from "./shapes.ts";

const HELPER_VERSION = 18;

const B = "buffer", I = "i32", L = "i64", F = "f32", D = "f64", V = "void";

/**
 * The C helper's functions, `name: [result, ...parameters]` (buffers are pointers; the ABI of
 * c_kernels.c, KPG_VERSION). `SYMBOLS` below turns it into `Deno.dlopen`'s declarations.
 */
const SIGNATURES = {
  kpg_version: [I],
  kpg_init: [I, B, I], // BLAS path, threads
  kpg_threads: [I],
  // x or a, w or b, geometry int32[13], output, chunk floats
  kpg_im2col_product: [V, B, B, B, B, I],
  kpg_col2im_product: [V, B, B, B, B, I],
  kpg_im2col_gradient: [V, B, B, B, B, I],
  kpg_direct_conv: [V, B, B, B, B],
  kpg_direct_filter_gradient: [V, B, B, B, B],
  kpg_unary: [V, I, B, B, L, F, F], // op, x, y, n, p0, p1
  kpg_binary: [V, I, B, B, B, B, F], // op, a, b, out, plan int32[12], p0
  kpg_select: [V, B, B, B, B, L],
  kpg_reduce: [V, I, B, B, L, L, L, D], // op, x, out, outer, red, inner, scale
  kpg_copy: [V, B, B, B],
  // pa, pb, grid, out, be, S, negInv, linear
  kpg_skeleton_edges: [V, B, B, B, B, L, L, F, I],
  // dy, pa, pb, grid, dpa, dpb, be, S, negInv, linear
  kpg_skeleton_edges_grad: [V, B, B, B, B, B, B, L, L, F, I],
  kpg_affine_relu: [V, B, B, B, B, L, L, I], // y, gamma, beta, z, rows, inner, relu
  // dz, y, sd, gamma, beta, dx, dgamma, dbeta, m1, m2, outer, red, inner, relu
  kpg_affine_relu_grad: [V, B, B, B, B, B, B, B, B, B, B, L, L, L, I],
  // x, y, mean, variance, sd, outer, red, inner, eps
  kpg_normalize: [V, B, B, B, B, B, L, L, L, F],
  // dy, y, sd, dx, m1, m2, outer, red, inner
  kpg_normalize_grad: [V, B, B, B, B, B, B, L, L, L],
  // geometry int32[6], source, destination, row lo, hi, frac (f64), column lo, hi, frac (f64)
  kpg_resize_bilinear: [V, B, B, B, B, B, B, B, B, B],
  kpg_resize_bilinear_grad: [V, B, B, B, B, B, B, B, B, B],
  // geometry int32[6], source, destination, rows, columns
  kpg_resize_nearest: [V, B, B, B, B, B],
  kpg_resize_nearest_grad: [V, B, B, B, B, B],
  // tA, tB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc
  kpg_sgemm: [V, I, I, I, I, I, F, B, I, B, I, F, B, I],
} as const;

type Signatures = typeof SIGNATURES;
type Symbols = {
  [K in keyof Signatures]: Signatures[K] extends readonly [infer R, ...infer P]
    ? { readonly parameters: P; readonly result: R }
    : never;
};

const SYMBOLS = Object.fromEntries(
  Object.entries(SIGNATURES).map((
    [name, [result, ...parameters]],
  ) => [name, { parameters, result }]),
) as unknown as Symbols;

type HelperLib = Deno.DynamicLibrary<typeof SYMBOLS>;

/** Default patch chunk per thread for the C engine: 256 Ki floats (1 MiB). */
export const C_CHUNK_FLOATS = 256 * 1024;

/** The loaded helper engine, or why the JS engine is used. */
export type HelperResult = { engine: ConvEngine; ops: NativeOps; note: string } | {
  reason: string;
};

let cached: HelperResult | undefined;

/**
 * Build (if needed) and load the helper once per process, bound to the BLAS library at
 * `blasPath` with `threads` workers. Never throws.
 */
export function loadHelper(
  blasPath: string,
  threads: number,
  chunkFloats = C_CHUNK_FLOATS,
): HelperResult {
  cached ??= tryLoadHelper(blasPath, threads, chunkFloats);
  return cached;
}

function tryLoadHelper(blasPath: string, threads: number, chunkFloats: number): HelperResult {
  if (env("KEYPOINTGAN_NATIVE_HELPER") === "0") {
    return { reason: "C helper disabled by KEYPOINTGAN_NATIVE_HELPER=0" };
  }
  const here = dirname(fileURLToPath(import.meta.url));
  let source: string;
  try {
    source = Deno.readTextFileSync(join(here, "c_kernels.c"));
  } catch (e) {
    return { reason: `cannot read c_kernels.c (${firstLine(e)})` };
  }
  const flags = [
    "-O3",
    "-march=native",
    "-ffp-contract=off",
    "-fno-fast-math",
    "-fPIC",
    "-shared",
    "-pthread",
  ];
  const built = buildLibrary(source, flags, here);
  if ("reason" in built) return built;
  try {
    const lib: HelperLib = Deno.dlopen(built.path, SYMBOLS);
    if (lib.symbols.kpg_version() !== HELPER_VERSION) return { reason: "stale C helper library" };
    const rc = lib.symbols.kpg_init(cString(blasPath), threads);
    if (rc !== 0) return { reason: `C helper could not bind ${blasPath} (code ${rc})` };
    const note = `C helper${
      built.fresh ? " (built now)" : ""
    }, ${lib.symbols.kpg_threads()} threads`;
    return { engine: helperEngine(lib, chunkFloats), ops: helperOps(lib), note };
  } catch (e) {
    return { reason: `cannot load C helper (${firstLine(e)})` };
  }
}

/** Compile to the cache unless a library for this source/compiler/CPU is already there. */
function buildLibrary(
  source: string,
  flags: string[],
  here: string,
): { path: string; fresh: boolean } | { reason: string } {
  const cc = findCompiler();
  if (typeof cc !== "string") return cc;
  const key = hashHex([source, flags.join(" "), cc, cpuModel(), String(HELPER_VERSION)].join("\n"));
  const dir = join(env("KEYPOINTGAN_CACHE") ?? resolve(here, "..", "..", ".cache"), "native");
  const path = join(dir, `kpg-helper-${key.slice(0, 16)}.so`);
  try {
    Deno.statSync(path);
    return { path, fresh: false };
  } catch { /* not built yet */ }
  try {
    Deno.mkdirSync(dir, { recursive: true });
    const tmp = `${path}.${Deno.pid}.tmp`;
    const src = `${tmp}.c`;
    Deno.writeTextFileSync(src, source);
    const out = new Deno.Command(cc, { args: [...flags, "-o", tmp, src, "-lm"], stderr: "piped" })
      .outputSync();
    Deno.removeSync(src);
    if (!out.success) {
      return { reason: `${cc} failed: ${new TextDecoder().decode(out.stderr).split("\n")[0]}` };
    }
    Deno.renameSync(tmp, path);
    return { path, fresh: true };
  } catch (e) {
    return { reason: `cannot build helper (${firstLine(e)})` };
  }
}

function findCompiler(): string | { reason: string } {
  const candidates = [env("CC"), "cc", "gcc", "clang"].filter((c): c is string => !!c);
  for (const cc of candidates) {
    try {
      if (
        new Deno.Command(cc, { args: ["--version"], stdout: "null", stderr: "null" }).outputSync()
          .success
      ) {
        return cc;
      }
    } catch (e) {
      if (e instanceof Deno.errors.NotCapable) return { reason: "no --allow-run to compile it" };
    }
  }
  return { reason: "no C compiler (cc/gcc/clang)" };
}

/** The helper's functions as a ConvEngine. Geometry travels as 13 int32s (struct geom_t). */
function helperEngine(lib: HelperLib, chunkFloats: number): ConvEngine {
  const s = lib.symbols;
  const geo = new Int32Array(13);
  const pack = (g: ConvGeometry) => {
    geo[0] = g.batch, geo[1] = g.inH, geo[2] = g.inW, geo[3] = g.inC;
    geo[4] = g.outH, geo[5] = g.outW, geo[6] = g.outC, geo[7] = g.kH, geo[8] = g.kW;
    geo[9] = g.strideH, geo[10] = g.strideW, geo[11] = g.padTop, geo[12] = g.padLeft;
    return geo;
  };
  const sgemm = packedSgemm((tA, tB, m, n, k, alpha, a, b, beta, c, lda, ldb, ldc) =>
    s.kpg_sgemm(tA ? 1 : 0, tB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
  );

  return {
    name: "c",
    sgemm,
    im2colProduct: (x, w, g, y) => s.kpg_im2col_product(x, w, pack(g), y, chunkFloats),
    col2imProduct: (a, b, g, out) => s.kpg_col2im_product(a, b, pack(g), out, chunkFloats),
    im2colGradient: (x, dy, g, dw) => s.kpg_im2col_gradient(x, dy, pack(g), dw, chunkFloats),
    directConv: (x, w, g, y) => s.kpg_direct_conv(x, w, pack(g), y),
    directFilterGradient: (x, dy, g, dw) => s.kpg_direct_filter_gradient(x, dy, pack(g), dw),
  };
}

/** The helper's elementwise/reduction/copy/resize primitives as NativeOps. */
function helperOps(lib: HelperLib): NativeOps {
  const s = lib.symbols;
  const planBuf = new Int32Array(12);
  const plan = (p: LoopPlan) => {
    planBuf.set(p.shape, 0);
    planBuf.set(p.aStrides, 4);
    planBuf.set(p.bStrides, 8);
    return planBuf;
  };
  const geo = new Int32Array(6);
  const resizeGeo = (g: ResizeGeometry) => {
    geo[0] = g.batch, geo[1] = g.inH, geo[2] = g.inW, geo[3] = g.channels;
    geo[4] = g.outH, geo[5] = g.outW;
    return geo;
  };
  const bilinear = (g: ResizeGeometry) => {
    const r = bilinearTaps(g.inH, g.outH, g.alignCorners, g.halfPixelCenters);
    const c = bilinearTaps(g.inW, g.outW, g.alignCorners, g.halfPixelCenters);
    return [r.lo, r.hi, r.frac, c.lo, c.hi, c.frac] as const;
  };
  const nearest = (g: ResizeGeometry) =>
    [
      nearestTaps(g.inH, g.outH, g.alignCorners, g.halfPixelCenters),
      nearestTaps(g.inW, g.outW, g.alignCorners, g.halfPixelCenters),
    ] as const;
  return {
    name: "c",
    unary: (op, x, y, p0, p1) => s.kpg_unary(op, x, y, BigInt(y.length), p0, p1),
    binary: (op, a, b, out, p, p0 = 0) => s.kpg_binary(op, a, b, out, plan(p), p0),
    select: (cond, a, b, out) => s.kpg_select(cond, a, b, out, BigInt(out.length)),
    reduce: (op, x, out, outer, red, inner, scale) =>
      s.kpg_reduce(op, x, out, BigInt(outer), BigInt(red), BigInt(inner), scale),
    copy: (dst, dstOff, src, srcOff, p) =>
      s.kpg_copy(dst.subarray(dstOff), src.subarray(srcOff), plan(p)),
    skeletonEdges: (pa, pb, grid, out, be, size, negInv, linear) =>
      s.kpg_skeleton_edges(pa, pb, grid, out, BigInt(be), BigInt(size), negInv, linear ? 1 : 0),
    skeletonEdgesGrad: (dy, pa, pb, grid, dpa, dpb, be, size, negInv, linear) =>
      s.kpg_skeleton_edges_grad(
        dy,
        pa,
        pb,
        grid,
        dpa,
        dpb,
        BigInt(be),
        BigInt(size),
        negInv,
        linear ? 1 : 0,
      ),
    affineRelu: (y, gamma, beta, z, rows, inner, relu) =>
      s.kpg_affine_relu(y, gamma, beta, z, BigInt(rows), BigInt(inner), relu ? 1 : 0),
    affineReluGrad: (dz, y, sd, gamma, beta, dx, dgamma, dbeta, outer, red, inner, relu) => {
      const m1 = new Float32Array(outer * inner), m2 = new Float32Array(outer * inner);
      const [o, r, i] = [BigInt(outer), BigInt(red), BigInt(inner)];
      s.kpg_affine_relu_grad(dz, y, sd, gamma, beta, dx, dgamma, dbeta, m1, m2, o, r, i, +relu);
    },
    normalize: (x, y, mean, variance, sd, outer, red, inner, eps) =>
      s.kpg_normalize(x, y, mean, variance, sd, BigInt(outer), BigInt(red), BigInt(inner), eps),
    normalizeGrad: (dy, y, sd, dx, outer, red, inner) => {
      const m1 = new Float32Array(outer * inner), m2 = new Float32Array(outer * inner);
      s.kpg_normalize_grad(dy, y, sd, dx, m1, m2, BigInt(outer), BigInt(red), BigInt(inner));
    },
    resizeBilinear: (x, y, g) => s.kpg_resize_bilinear(resizeGeo(g), x, y, ...bilinear(g)),
    resizeBilinearGrad: (dy, dx, g) =>
      s.kpg_resize_bilinear_grad(resizeGeo(g), dy, dx, ...bilinear(g)),
    resizeNearest: (x, y, g) => s.kpg_resize_nearest(resizeGeo(g), x, y, ...nearest(g)),
    resizeNearestGrad: (dy, dx, g) =>
      s.kpg_resize_nearest_grad(resizeGeo(g), dy, dx, ...nearest(g)),
  };
}

function cString(text: string): Uint8Array {
  return new TextEncoder().encode(text + "\0");
}

/** CPU model and flags (the library is built with -march=native), for the cache key. */
function cpuModel(): string {
  const info = readCpuinfo();
  if (!info) return `${Deno.build.os}-${Deno.build.arch}-${navigator.hardwareConcurrency}`;
  return (info.match(/^model name\s*:.*$/m)?.[0] ?? "") +
    (info.match(/^flags\s*:.*$/m)?.[0] ?? "");
}

function hashHex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}
