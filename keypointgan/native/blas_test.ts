/**
 * BLAS loading: the OpenBLAS core-type choice for CPUs its 0.3.21 does not know, the software
 * WebGPU adapter check, and (with the library) that sgemm is correct and deterministic.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { coreTypeFor, isBlas, loadBlas } from "./blas.ts";
import { isSoftwareAdapter, localPackageEntry } from "./probe.ts";

const info = (vendor: string, flags: string) => `vendor_id\t: ${vendor}\nflags\t\t: ${flags}\n`;

Deno.test("AVX-512 Intel CPUs get OpenBLAS's AVX-512 kernels; others are left to OpenBLAS", () => {
  const avx512 = "fpu sse avx2 fma avx512f avx512dq avx512bw avx512vl";
  equal(coreTypeFor(info("GenuineIntel", `${avx512} avx512_bf16`)), "Cooperlake");
  equal(coreTypeFor(info("GenuineIntel", avx512)), "SkylakeX");
  equal(coreTypeFor(info("GenuineIntel", "fpu sse avx2 fma")), undefined);
  equal(coreTypeFor(info("AuthenticAMD", `${avx512} avx512_bf16`)), undefined);
});

Deno.test("software WebGPU adapters are recognised; missing packages are not downloaded", () => {
  ok(isSoftwareAdapter("llvmpipe (LLVM 15.0.6, 256 bits)"));
  ok(isSoftwareAdapter("SwiftShader Device"));
  ok(!isSoftwareAdapter("NVIDIA GeForce RTX 4090"));
  deepEqual(localPackageEntry("@tensorflow/no-such-package"), { reason: "not installed" });
});

const blas = loadBlas();

Deno.test({
  name: "sgemm is correct and bit-identical across calls",
  ignore: !isBlas(blas),
  fn() {
    if (!isBlas(blas)) return;
    const m = 67, n = 45, k = 129;
    const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i));
    const c1 = new Float32Array(m * n), c2 = new Float32Array(m * n);
    blas.sgemm(false, false, m, n, k, 1, a, b, 0, c1);
    blas.sgemm(false, false, m, n, k, 1, a, b, 0, c2);
    deepEqual(c1, c2);
    let ref = 0;
    for (let i = 0; i < k; i++) ref += a[5 * k + i] * b[i * n + 7];
    ok(Math.abs(c1[5 * n + 7] - ref) < 1e-4 * Math.abs(ref) + 1e-5);
  },
});
