/**
 * Training curves for the report: the train stage logs one JSON object per logged step
 * (`metrics.jsonl`: `{ step, t, <lossName>: value, … }`); the evaluate stage condenses them into
 * its own artifact so the report reads only its declared inputs.
 *
 * @module
 */
import type { HeldOutCurve, TrainingCurves } from "./record.ts";

/** Parses `metrics.jsonl`; a malformed line is an error naming the file and line. */
export function parseJsonLines(text: string, file: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new Error(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      throw new Error(`${file}:${i + 1}: expected a JSON object`);
    }
    if (typeof (v as { step?: unknown }).step !== "number") {
      throw new Error(`${file}:${i + 1}: expected a numeric "step"`);
    }
    out.push(v as Record<string, unknown>);
  });
  return out;
}

/**
 * Averages each loss over at most `maxPoints` buckets of consecutive logged steps, so a
 * 100k-step run and a 50-step run give charts of the same size. Non-finite values are skipped.
 */
export function condenseCurves(
  rows: readonly Record<string, unknown>[],
  lossNames: readonly string[],
  maxPoints = 100,
): TrainingCurves {
  const buckets = Math.min(maxPoints, rows.length);
  const step: number[] = [], values: Record<string, (number | null)[]> = {};
  for (const name of lossNames) values[name] = [];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * rows.length) / buckets),
      hi = Math.floor(((b + 1) * rows.length) / buckets);
    const slice = rows.slice(lo, hi);
    step.push(Math.round(slice.reduce((s, r) => s + (r.step as number), 0) / slice.length));
    for (const name of lossNames) {
      const xs = slice.map((r) => r[name]).filter((v): v is number => Number.isFinite(v));
      values[name].push(xs.length > 0 ? round6(xs.reduce((s, v) => s + v, 0) / xs.length) : null);
    }
  }
  return { lossNames, step, values };
}

/** Six significant digits: plenty for a chart, and keeps metrics.json small. */
function round6(v: number): number {
  return Number(v.toPrecision(6));
}

/** The monitor's held-out rows of `metrics.jsonl` as a learning curve (null when none). */
export function heldOutCurve(rows: readonly Record<string, unknown>[]): HeldOutCurve | null {
  const metric = rows.some((r) => Number.isFinite(r.val_err_min)) ? "val_err_min" : "val_err";
  const held = rows.filter((r) => Number.isFinite(r[metric]));
  if (held.length === 0) return null;
  return {
    metric,
    step: held.map((r) => r.step as number),
    error: held.map((r) => round6(r[metric] as number)),
    spread: held.map((
      r,
    ) => (Number.isFinite(r.val_spread) ? round6(r.val_spread as number) : null)),
  };
}
