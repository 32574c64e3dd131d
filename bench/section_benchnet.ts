/**
 * `deno task bench` sections (b) and (c): bench-net on the native backend alternating with the
 * PyTorch reference, on the pure-JS fallback, and on the stock backends.
 *
 * @module
 */
import { type BenchNetResult, median } from "./bench_net.ts";
import { parseTorch, runChild, runDenoChild, type TorchResult, torchScript } from "./children.ts";
import { type Recorder, round, secs } from "./report.ts";

const SECTION = "bench-net step";

/** Options of this section. */
export interface BenchNetOptions {
  steps: number;
  rounds: number;
  full: boolean;
  torch: boolean;
}

/** Run the section; returns the native/PyTorch ratio when both were measured. */
export async function benchNetSection(
  rec: Recorder,
  o: BenchNetOptions,
): Promise<number | undefined> {
  const script = o.torch ? torchScript() : undefined;
  let ratio: number | undefined;
  if (script && (await exists("/usr/bin/python3"))) ratio = await pairedRounds(rec, o, script);
  else {
    const why = o.torch
      ? "../shared/bench/torch_bench.py or /usr/bin/python3 not found"
      : "--skip torch";
    rec.skipped(SECTION, "PyTorch (2 threads, channels_last)", why, "torch", ["bench-net"]);
    await benchNet(rec, "native (C helper)", "native", o.steps, 2);
  }
  rec.results.benchNetJs = await benchNet(rec, "native (JS loops)", "native", 3, 1, {
    KEYPOINTGAN_NATIVE_HELPER: "0",
  });
  await stockBackends(rec, o.full);
  return ratio;
}

/** bench-net on one backend, in a child process; returns its median step time. */
async function benchNet(
  rec: Recorder,
  name: string,
  backend: string,
  steps: number,
  warmup: number,
  env?: Record<string, string>,
): Promise<number | undefined> {
  const args = ["--backend", backend, "--steps", String(steps), "--warmup", String(warmup)];
  const r = await runDenoChild<BenchNetResult>("bench_net.ts", args, { env, timeoutSeconds: 1800 });
  rec.record(
    "bench-net",
    [name],
    r,
    r.ok ? { backend: r.value.backend, median: round(r.value.median) } : undefined,
  );
  if (!r.ok) {
    rec.row(SECTION, name, "failed", r.error);
    return undefined;
  }
  const v = r.value, how = v.description.replace(/^\[tf\] backend: /, "");
  rec.row(
    SECTION,
    name,
    secs(v.median),
    `median of ${v.stepSeconds.length} after ${v.warmupSeconds.length} warm-up; ${how}`.slice(
      0,
      150,
    ),
  );
  return v.median;
}

/**
 * bench-net on `native` and PyTorch, alternating `rounds` times: machine load changes by the
 * minute here, so the ratio is the median of per-round ratios.
 */
async function pairedRounds(
  rec: Recorder,
  o: BenchNetOptions,
  script: string,
): Promise<number | undefined> {
  const nat: BenchNetResult[] = [], tor: TorchResult[] = [], ratios: number[] = [];
  let error = "";
  for (let r = 0; r < o.rounds; r++) {
    const args = ["--backend", "native", "--steps", String(o.steps), "--warmup", "2"];
    const n = await runDenoChild<BenchNetResult>("bench_net.ts", args, { timeoutSeconds: 900 });
    const t = await runChild(
      "/usr/bin/python3",
      [script, "2", "10", "cl"],
      { timeoutSeconds: 900 },
      parseTorch,
    );
    if (!n.ok || !t.ok) {
      error = !n.ok ? `native: ${n.error}` : !t.ok ? `PyTorch: ${t.error}` : "";
      continue;
    }
    nat.push(n.value);
    tor.push(t.value);
    ratios.push(n.value.median / t.value.median);
  }
  if (ratios.length === 0) {
    rec.row(SECTION, "native vs PyTorch", "failed", error);
    rec.record("bench-net", ["native"], { ok: false, seconds: 0, error });
    return undefined;
  }
  const nm = median(nat.map((v) => v.median)), tm = median(tor.map((v) => v.median));
  const ratio = median(ratios), each = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(", ");
  const how = nat[0].description.replace(/^\[tf\] backend: native /, "");
  rec.row(
    SECTION,
    "native (C helper)",
    secs(nm),
    `median of ${nat.length} rounds (${
      each(nat.map((v) => v.median))
    }), each a median of ${o.steps} steps after 2 warm-up; ${how}`.slice(0, 160),
  );
  rec.row(
    SECTION,
    `PyTorch ${tor[0].version} (${tor[0].threads} threads, channels_last)`,
    secs(tm),
    `torch_bench.py 2 10 cl, alternating with the native runs (${each(tor.map((v) => v.median))})`,
  );
  rec.row(
    SECTION,
    "native / PyTorch",
    `${ratio.toFixed(2)}×`,
    `median of per-round ratios (${ratios.map((x) => x.toFixed(2)).join(", ")})`,
  );
  rec.record("bench-net", ["native"], { ok: true, seconds: 0 }, {
    median: round(nm),
    torch: round(tm),
    ratio: round(ratio),
  });
  rec.results.benchNet = {
    native: nat.map((v) => v.median),
    torch: tor.map((v) => v.median),
    ratios,
    ratio,
  };
  return ratio;
}

/** The stock backends: `cpu` only with --full (> 60 s/step); WASM/WebGPU when they can train. */
async function stockBackends(rec: Recorder, full: boolean): Promise<void> {
  if (full) await benchNet(rec, "stock cpu", "cpu", 1, 0);
  else {rec.skipped(
      SECTION,
      "stock cpu",
      "> 60 s/step: run with --full to measure one step",
      "bench-net",
      ["stock cpu"],
    );}
  for (const backend of ["wasm", "webgpu"]) {
    const probe = await runDenoChild<{ ok: boolean; reason?: string }>("backend_probe_run.ts", [
      "--backend",
      backend,
    ], { timeoutSeconds: 120 });
    if (probe.ok && probe.value.ok) await benchNet(rec, `stock ${backend}`, backend, 2, 1);
    else {rec.skipped(
        SECTION,
        `stock ${backend}`,
        probe.ok ? probe.value.reason! : probe.error,
        "bench-net",
        [`stock ${backend}`],
      );}
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
