/**
 * Native BLAS through `Deno.dlopen`: finds OpenBLAS (or macOS Accelerate), fixes OpenBLAS's
 * CPU detection where it is known to fail, sets the thread count, and exposes `sgemm`.
 *
 * Search order: env `KEYPOINTGAN_BLAS` (a path; `none` disables native BLAS), then
 * `libopenblas.so.0`, the Debian/Ubuntu multiarch paths, Homebrew's OpenBLAS, and Apple's
 * Accelerate framework.
 *
 * Threads: env `KEYPOINTGAN_THREADS`, else `OPENBLAS_NUM_THREADS`, else all cores. With a
 * fixed thread count OpenBLAS's sgemm is deterministic (each thread owns a block of C and
 * sums its K-loop in a fixed order), which `blas_test.ts` checks.
 *
 * Needs `--allow-ffi` (and `--allow-read`/`--allow-env` for the CPU check and settings);
 * without them `loadBlas` returns a reason instead of a library.
 *
 * @module
 */
import { packedSgemm, type Sgemm } from "./conv.ts";

const SGEMM = {
  parameters: [
    "i32", // order
    "i32", // transA
    "i32", // transB
    "i32", // M
    "i32", // N
    "i32", // K
    "f32", // alpha
    "buffer", // A
    "i32", // lda
    "buffer", // B
    "i32", // ldb
    "f32", // beta
    "buffer", // C
    "i32", // ldc
  ],
  result: "void",
} as const;

const SYMBOLS = {
  cblas_sgemm: SGEMM,
  openblas_set_num_threads: { parameters: ["i32"], result: "void", optional: true },
  openblas_get_num_threads: { parameters: [], result: "i32", optional: true },
  openblas_get_corename: { parameters: [], result: "pointer", optional: true },
  openblas_get_config: { parameters: [], result: "pointer", optional: true },
} as const;

type BlasLib = Deno.DynamicLibrary<typeof SYMBOLS>;

const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

/** A loaded BLAS library. All matrices are row-major float32. */
export interface Blas {
  /** The path or name `dlopen` accepted. */
  readonly path: string;
  /** Human-readable description: library, version/config, core kernels, threads. */
  readonly description: string;
  /** BLAS worker threads wanted (KEYPOINTGAN_THREADS / OPENBLAS_NUM_THREADS / cores). */
  readonly threads: number;
  /** Set the library's own thread count (OpenBLAS only; no-op elsewhere). */
  setThreads(n: number): void;
  /** C = alpha·op(A)·op(B) + beta·C, row-major; lda/ldb/ldc default to the packed strides. */
  readonly sgemm: Sgemm;
}

/** Why no BLAS could be loaded (one line per candidate tried). */
export interface BlasUnavailable {
  readonly reason: string;
}

/** Candidate library names/paths, in the order tried. */
export function blasCandidates(): string[] {
  const env = readEnv("KEYPOINTGAN_BLAS");
  const list = env ? [env] : [];
  if (Deno.build.os === "darwin") {
    list.push(
      "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
      "/usr/local/opt/openblas/lib/libopenblas.dylib",
      "/System/Library/Frameworks/Accelerate.framework/Accelerate",
    );
  } else {
    list.push(
      "libopenblas.so.0",
      "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
      "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
      "/usr/lib64/libopenblas.so.0",
      "libopenblas.so",
    );
  }
  return list;
}

let cached: Blas | BlasUnavailable | undefined;

/** Load the BLAS library once per process. Never throws: failure returns a reason. */
export function loadBlas(): Blas | BlasUnavailable {
  if (cached) return cached;
  cached = tryLoad();
  return cached;
}

/** True when `loadBlas()` returned a usable library. */
export function isBlas(x: Blas | BlasUnavailable): x is Blas {
  return (x as Blas).sgemm !== undefined;
}

function tryLoad(): Blas | BlasUnavailable {
  const env = readEnv("KEYPOINTGAN_BLAS");
  if (env && /^(none|off|0)$/i.test(env)) return { reason: `disabled by KEYPOINTGAN_BLAS=${env}` };
  const coreNote = fixOpenBlasCoreType();
  const failures: string[] = [];
  for (const path of blasCandidates()) {
    let lib: BlasLib;
    try {
      lib = Deno.dlopen(path, SYMBOLS);
    } catch (e) {
      const msg = (e as Error).message.split("\n")[0].replace(/^(Could not open library: )+/, "");
      if (e instanceof Deno.errors.NotCapable || /--allow-ffi|ffi access/i.test(msg)) {
        return { reason: "no FFI permission (run deno with --allow-ffi)" };
      }
      failures.push(`${path}: ${msg}`);
      continue;
    }
    const envNote = env && path !== env ? `; KEYPOINTGAN_BLAS=${env} failed (${failures[0]})` : "";
    return wrap(lib, path, coreNote, envNote);
  }
  return { reason: `no BLAS library found (tried ${failures.join("; ")})` };
}

function wrap(lib: BlasLib, path: string, coreNote0: string, envNote: string): Blas {
  let coreNote = coreNote0;
  const s = lib.symbols;
  const threads = wantedThreads();
  s.openblas_set_num_threads?.(threads);
  const actual = s.openblas_get_num_threads?.() ?? threads;
  const cstr = (p: Deno.PointerValue | undefined) =>
    p ? Deno.UnsafePointerView.getCString(p) : undefined;
  const config = cstr(s.openblas_get_config?.());
  const core = cstr(s.openblas_get_corename?.());
  const version = config?.match(/OpenBLAS\s+([\d.]+)/)?.[1];
  const lib0 = config ? `OpenBLAS ${version ?? ""}`.trim() : path.split("/").pop()!;
  // OpenBLAS falls back to Prescott (SSE3) kernels on x86 CPUs it does not recognise.
  if (
    core === "Prescott" && readEnv("OPENBLAS_CORETYPE") === undefined &&
    !coreNote.includes("unreadable")
  ) {
    coreNote +=
      ": this CPU was not recognised (generic SSE3 kernels); set OPENBLAS_CORETYPE, e.g. Haswell";
  }
  const description = `${lib0}${core ? ` (${core} kernels${coreNote})` : ""}, ${actual} thread${
    actual === 1 ? "" : "s"
  }${envNote}`;
  const sgemm = s.cblas_sgemm;
  return {
    path,
    description,
    threads: actual,
    setThreads: (n) => s.openblas_set_num_threads?.(n),
    sgemm: packedSgemm((tA, tB, m, n, k, alpha, a, b, beta, c, lda, ldb, ldc) =>
      sgemm(
        ROW_MAJOR,
        tA ? TRANS : NO_TRANS,
        tB ? TRANS : NO_TRANS,
        m,
        n,
        k,
        alpha,
        a,
        lda,
        b,
        ldb,
        beta,
        c,
        ldc,
      )
    ),
  };
}

/** BLAS threads: KEYPOINTGAN_THREADS, else OPENBLAS_NUM_THREADS, else all cores. */
export function wantedThreads(): number {
  for (const name of ["KEYPOINTGAN_THREADS", "OPENBLAS_NUM_THREADS"]) {
    const v = Number(readEnv(name));
    if (Number.isInteger(v) && v > 0) return v;
  }
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/**
 * OpenBLAS 0.3.21 (Debian 12) does not recognise recent Intel Xeons (e.g. Sapphire/Emerald
 * Rapids) and falls back to its "Prescott" SSE3 kernels: 28 instead of 190 GFLOP/s measured
 * on this project's machine. On Intel CPUs with AVX-512 we therefore select the AVX-512
 * kernels through OPENBLAS_CORETYPE before the library loads, unless the user set it.
 * Returns a note for the backend line.
 */
function fixOpenBlasCoreType(): string {
  if (Deno.build.os !== "linux" || Deno.build.arch !== "x86_64") return "";
  if (readEnv("OPENBLAS_CORETYPE") !== undefined) return ", OPENBLAS_CORETYPE set by user";
  const info = readCpuinfo();
  if (info === undefined) {
    return ", CPU flags unreadable: set OPENBLAS_CORETYPE if the kernels are generic";
  }
  const coreType = coreTypeFor(info);
  if (!coreType) return "";
  try {
    Deno.env.set("OPENBLAS_CORETYPE", coreType);
  } catch {
    return "";
  }
  return ", selected for this AVX-512 CPU";
}

/**
 * /proc/cpuinfo. Deno 2 lets only --allow-all read /proc, so under the project's explicit
 * permissions we ask `cat` (needs --allow-run); undefined when neither is allowed.
 */
export function readCpuinfo(): string | undefined {
  try {
    return Deno.readTextFileSync("/proc/cpuinfo");
  } catch { /* fall through */ }
  try {
    const out = new Deno.Command("cat", { args: ["/proc/cpuinfo"], stderr: "null" }).outputSync();
    return out.success ? new TextDecoder().decode(out.stdout) : undefined;
  } catch {
    return undefined;
  }
}

/** The OpenBLAS core type to force for a /proc/cpuinfo text, or undefined to auto-detect. */
export function coreTypeFor(cpuinfo: string): string | undefined {
  const vendor = cpuinfo.match(/^vendor_id\s*:\s*(\S+)/m)?.[1];
  const flags = new Set((cpuinfo.match(/^flags\s*:\s*(.*)$/m)?.[1] ?? "").split(/\s+/));
  if (vendor !== "GenuineIntel") return undefined;
  const avx512 = ["avx512f", "avx512bw", "avx512vl", "avx512dq"].every((f) => flags.has(f));
  if (!avx512) return undefined;
  return flags.has("avx512_bf16") ? "Cooperlake" : "SkylakeX";
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}
