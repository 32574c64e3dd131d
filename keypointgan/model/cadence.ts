/**
 * Checkpoints and held-out errors are written with a metrics row, so their cadences must be
 * multiples of `logEvery`. One check for the training loop and for experiment validation (which
 * runs it before any stage, so a bad `--set` fails before the upstream stages have run).
 *
 * @module
 */

/** The cadences of a training run (steps; 0 or unset = off). */
export interface Cadence {
  readonly logEvery: number;
  readonly checkpointEvery?: number;
  readonly evalEvery?: number;
}

/** What is wrong with `c`, naming the param and two valid values; undefined when nothing is. */
export function cadenceProblem(c: Cadence): string | undefined {
  const log = c.logEvery;
  for (const k of ["checkpointEvery", "evalEvery"] as const) {
    const v = c[k];
    if (typeof v !== "number" || v === 0 || v % log === 0) continue;
    const lo = Math.max(log, v - (v % log));
    return `${k} ${v} must be a multiple of logEvery ${log} (e.g. ${lo} or ${
      lo + log
    }, or set logEvery)`;
  }
  return undefined;
}
