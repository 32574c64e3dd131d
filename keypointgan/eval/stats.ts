/**
 * Small descriptive statistics shared by the evaluation and the report (pure, float64).
 *
 * @module
 */

/** Arithmetic mean; NaN for an empty list. */
export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length > 0 ? s / values.length : NaN;
}

/** Sample standard deviation (n − 1 in the denominator); null below two values. */
export function sampleSd(values: ArrayLike<number>): number | null {
  if (values.length < 2) return null;
  const m = mean(values);
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i] - m) ** 2;
  return Math.sqrt(s / (values.length - 1));
}

/** Quantile q ∈ [0, 1] of already sorted values, linear between order statistics (R type 7). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q, lo = Math.floor(h), hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Five-number summary plus mean: what the per-keypoint box plots draw. */
export interface Distribution {
  readonly mean: number;
  readonly q05: number;
  readonly q25: number;
  readonly median: number;
  readonly q75: number;
  readonly q95: number;
}

/** Summarises a list of values (5 %, 25 %, 50 %, 75 %, 95 % quantiles and the mean). */
export function distribution(values: ArrayLike<number>): Distribution {
  const sorted = Float64Array.from(values).sort();
  return {
    mean: mean(sorted),
    q05: quantileSorted(sorted, 0.05),
    q25: quantileSorted(sorted, 0.25),
    median: quantileSorted(sorted, 0.5),
    q75: quantileSorted(sorted, 0.75),
    q95: quantileSorted(sorted, 0.95),
  };
}
