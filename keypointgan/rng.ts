/**
 * A small seeded random number generator (xoshiro128**), independent of TF.js's global RNG,
 * so that weight initialisation, batch sampling and the fake pool are identical across
 * backends and can be checkpointed (the whole state is four uint32 words).
 *
 * @module
 */

/** Serializable RNG state: four uint32 words plus a cached normal deviate. */
export interface RngState {
  readonly s: readonly [number, number, number, number];
  readonly spare: number | null;
}

/** SplitMix32 step, used only to expand a seed into the xoshiro state. */
function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** xoshiro128** generator with uniform, integer and normal draws. */
export class Rng {
  #s: Uint32Array;
  #spare: number | null = null;

  /** Seed with any integer; different seeds give independent-looking streams. */
  constructor(seed: number) {
    const sm = splitmix32(seed);
    this.#s = new Uint32Array([sm(), sm(), sm(), sm()]);
    if (this.#s.every((w) => w === 0)) this.#s[0] = 1;
  }

  /** A new generator whose stream is derived from this one's seed and a label. */
  static derive(seed: number, label: string): Rng {
    let h = seed >>> 0;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
    return new Rng(h);
  }

  /** Next raw uint32. */
  nextU32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n >= 1)) throw new RangeError(`Cannot draw an integer below ${n}: n must be >= 1`);
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal deviate (Box–Muller, both deviates used). */
  normal(): number {
    if (this.#spare !== null) {
      const v = this.#spare;
      this.#spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** `n` normal deviates with the given mean and standard deviation. */
  normals(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** Snapshot of the state (for checkpoints). */
  getState(): RngState {
    const s = this.#s;
    return { s: [s[0], s[1], s[2], s[3]], spare: this.#spare };
  }

  /** Restore a snapshot taken with `getState`. */
  setState(state: RngState): void {
    this.#s = new Uint32Array(state.s);
    this.#spare = state.spare;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
