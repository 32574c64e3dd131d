/**
 * Keyframed parameter tracks for the face and cat motions: random keyframes at random gaps,
 * eased transitions with a hold at each key, and random blink events.
 *
 * @module
 */
import type { Rng } from "../rng.ts";

/** A keyframed vector-valued track. */
export interface Track {
  readonly times: readonly number[];
  readonly values: readonly Float64Array[];
  readonly hold: number;
}

/** Keys from t ≤ 0 to past `duration`, every U(gap) seconds, each drawn by `sample`. */
export function makeTrack(
  rng: Rng,
  duration: number,
  gap: readonly [number, number],
  hold: number,
  sample: (rng: Rng) => Float64Array,
): Track {
  const draw = () => gap[0] + (gap[1] - gap[0]) * rng.uniform();
  const times: number[] = [], values: Float64Array[] = [];
  let t = -draw() * rng.uniform();
  while (times.length < 2 || times[times.length - 2] <= duration) {
    times.push(t);
    values.push(sample(rng));
    t += draw();
  }
  return { times, values, hold };
}

/** The track's value at time t (smoothstep between keys after holding each for `hold`). */
export function evalTrack(track: Track, t: number, out: Float64Array): Float64Array {
  const { times, values, hold } = track;
  let i = 0;
  while (i < times.length - 2 && times[i + 1] <= t) i++;
  const s = Math.min(1, Math.max(0, (t - times[i]) / (times[i + 1] - times[i])));
  const h = Math.min(1, Math.max(0, (s - hold) / (1 - hold)));
  const e = h * h * (3 - 2 * h);
  for (let c = 0; c < out.length; c++) {
    out[c] = values[i][c] + e * (values[i + 1][c] - values[i][c]);
  }
  return out;
}

/** Event start times with exponential gaps of mean `mean` seconds over [0, duration]. */
export function events(rng: Rng, duration: number, mean: number): number[] {
  const out: number[] = [];
  let t = -Math.log(1 - rng.uniform()) * mean * rng.uniform();
  while (t < duration) {
    out.push(t);
    t += 0.3 - Math.log(1 - rng.uniform()) * mean;
  }
  return out;
}

/** 1 inside any event [s, s + length), with soft 30 % edges; else 0. */
export function eventValue(starts: readonly number[], length: number, t: number): number {
  for (const s of starts) {
    const u = (t - s) / length;
    if (u >= 0 && u < 1) return Math.min(1, Math.min(u, 1 - u) / 0.3 + 0.34);
  }
  return 0;
}
