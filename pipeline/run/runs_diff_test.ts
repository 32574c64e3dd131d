import assert from "node:assert/strict";
import type { LedgerEntry, LedgerNode } from "./ledger.ts";
import { ALL_VARIANTS, diffRuns, fit, fmtNumber, renderDiff } from "./runs_diff.ts";

/** A ledger entry shaped like a smoke run's: 17 variants × 5 stages, long params and floats. */
function smokeLike(id: string, seed: number, opts: { steps?: number; extra?: boolean } = {}) {
  const variants = Array.from(
    { length: 17 },
    (_, i) => `variant_${i}[prepare_data.dataset=${i % 2 ? "faces" : "humans"}]`,
  );
  const params: Record<string, Record<string, unknown>> = {};
  for (const v of variants) {
    params[v] = {
      tier: "tiny",
      seed,
      "prepare_data.imageSize": 16,
      "train.steps": v.startsWith("variant_3[") ? opts.steps ?? 20 : 20,
      "train.variant": v.split("[")[0],
      "pretrain_regressor.logEvery": 5,
    };
  }
  const nodes: LedgerNode[] = variants.flatMap((v, i) => [
    {
      key: `${id}-p${i}`,
      stage: "prepare_data",
      variants: [v],
      status: "hit",
      seconds: 0,
      summary: { train: 300, test: 120, generateSeconds: 1.1 },
    },
    {
      key: `${id}-t${i}`,
      stage: "train",
      variants: [v],
      status: "ran",
      seconds: 30 + i,
      summary: {
        g_total: 29.109860610961913 + (i === 0 ? seed * 1.5 : 0),
        d: 0.21758128106594085,
        backend: "native",
      },
    },
    {
      key: `${id}-e${i}`,
      stage: "evaluate",
      variants: [v],
      status: "ran",
      seconds: 5,
      summary: { simplified_h36m: 24.744014074154563 + seed * 0.123456789, postprocess: "fitted" },
    },
  ]);
  if (opts.extra) {
    nodes.push({ key: "x", stage: "report", variants, status: "ran", seconds: 2, summary: {} });
  }
  return {
    id,
    started: "",
    finished: "",
    seconds: 181.5,
    status: "ok",
    experiment: "smoke",
    files: [],
    set: seed ? [`seed=${seed}`] : [],
    argv: [],
    git: { commit: "0123456789abcdef", dirty: false },
    host: "vm",
    deno: "2.9.6",
    os: "linux",
    executor: "subprocess×2",
    params,
    backends: ["native"],
    counts: { ran: 34, hit: 17 },
    nodes,
  } as LedgerEntry;
}

Deno.test("runs A B: only what changed, rounded, within 120 columns", () => {
  const a = smokeLike("20261207-091439-2bf7", 0);
  const b = smokeLike("20261207-101439-aaaa", 1, { steps: 40, extra: true });
  const text = renderDiff(diffRuns(a, b), { width: 120 });
  const lines = text.split("\n");
  const widest = Math.max(...lines.map((l) => l.length));
  assert.ok(widest <= 120, `widest line ${widest}:\n${text}`);
  // seed changed in every variant: one row; train.steps in one variant: one row.
  const seedRows = lines.filter((l) => /│ seed\s/.test(l));
  assert.equal(seedRows.length, 1, text);
  assert.match(seedRows[0], /\(every variant\)\s+│ 0\s+│ 1\s+│/);
  assert.match(text, /│ train\.steps\s+│ variant_3\[dataset=faces\]\s+│ 20\s+│ 40\s+│/);
  // Unchanged params and metrics are left out; changed ones are rounded to 4 digits.
  assert.doesNotMatch(text, /imageSize|logEvery|generateSeconds|│ d\s/);
  assert.match(text, /simplified_h36m\s+│ 24\.74\s+│ 24\.87\s+│ \+0\.1235\s+│ \+0\.5%/);
  assert.match(text, /g_total\s+│ 29\.11\s+│ 30\.61\s+│ \+1\.5\s+│ \+5\.2%/);
  assert.doesNotMatch(text, /24\.744014/);
  assert.match(text, /nodes in one run only: 0 in A, 1 in B/);
  assert.ok(lines.length < 40, `${lines.length} lines`);
});

Deno.test("runs A B --all: every row at full precision; --json data", () => {
  const a = smokeLike("a", 0);
  const b = smokeLike("b", 1, { extra: true });
  const all = diffRuns(a, b, { all: true });
  const text = renderDiff(all, { all: true });
  assert.match(text, /imageSize/);
  assert.match(text, /24\.744014074154563/);
  assert.match(text, /only in B:\n {2}report · variant_0/);
  const d = diffRuns(a, b);
  assert.deepEqual(d.params.map((p) => [p.param, p.variants, p.a, p.b]), [
    ["seed", [ALL_VARIANTS], 0, 1],
  ]);
  assert.equal(d.metrics.filter((m) => m.metric === "simplified_h36m").length, 17);
  assert.ok(JSON.parse(JSON.stringify(d)).unchangedMetrics > 0);
});

Deno.test("runs: number formatting and cutting", () => {
  assert.equal(fmtNumber(12.71480598449707), "12.71");
  assert.equal(fmtNumber(0.000123456), "1.235e-4");
  assert.equal(fmtNumber(300), "300");
  assert.equal(fmtNumber(1234567.89), "1.235e+6");
  assert.equal(fmtNumber(0.1), "0.1");
  assert.equal(fit("abcdefghij", 5), "ab…ij");
  assert.equal(fit("abc", 5), "abc");
});
