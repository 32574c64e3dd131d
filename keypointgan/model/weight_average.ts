/**
 * An exponential moving average of the generator side's weights — Φ, η and Ψ, BatchNorm running
 * statistics included (Polyak averaging; Yazıcı et al. 2019 for GANs). Not in the official code:
 * training never reads it, so the G → D → η trajectory is bit for bit the same with it on or off;
 * what changes is the model that is monitored, exported and evaluated. Why: at the constant lr
 * KeypointGAN's weights still move between checkpoints, and the last one can fall on a jump of the
 * held-out error (docs/results.md §2f); the average over the last few hundred steps does not.
 *
 * The decay ramps up as min(decay, (1 + t) / (10 + t)) (TF's `ExponentialMovingAverage` with
 * `num_updates`), so the pretrained η and the random init do not linger in the average.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { ParamStore } from "./params.ts";

/** The networks whose weights are averaged: everything that makes a prediction or an image. */
export const AVERAGED_PREFIXES = ["phi/", "eta/", "psi/"] as const;

/** Shadow copies of the averaged variables, keyed by store name. */
export class WeightAverage {
  readonly decay: number;
  readonly #shadows = new Map<string, tf.Variable>();

  /** Shadows start as copies of the store's current values. */
  constructor(store: ParamStore, decay: number) {
    if (!(decay > 0 && decay < 1)) {
      throw new RangeError(`Cannot average weights with decay ${decay}: expected 0 < decay < 1`);
    }
    this.decay = decay;
    for (const [name, v] of store.entries()) {
      if (AVERAGED_PREFIXES.some((p) => name.startsWith(p))) {
        const copy = tf.clone(v);
        this.#shadows.set(name, tf.variable(copy, false));
        copy.dispose(); // the variable holds its own reference to the data
      }
    }
  }

  /** The decay used at iteration `t` (1-based). */
  decayAt(t: number): number {
    return Math.min(this.decay, (1 + t) / (10 + t));
  }

  /** shadow ← d · shadow + (1 − d) · live, after iteration `t`. */
  update(store: ParamStore, t: number): void {
    const d = this.decayAt(t);
    tf.tidy(() => {
      for (const [name, s] of this.#shadows) {
        s.assign(tf.add(tf.mul(s, d), tf.mul(store.get(name), 1 - d)));
      }
    });
  }

  /** Restart the shadows from the store's values (after η is loaded into a fresh trainer). */
  reset(store: ParamStore): void {
    for (const [name, s] of this.#shadows) s.assign(store.get(name));
  }

  /** `[name, shadow]` pairs (for checkpoints). */
  entries(): [string, tf.Variable][] {
    return [...this.#shadows.entries()];
  }

  /** Restore shadows from `tensors[prefix + name]`; throws naming a missing one. */
  load(tensors: Readonly<Record<string, tf.Tensor>>, prefix: string): void {
    for (const [name, s] of this.#shadows) {
      const t = tensors[prefix + name];
      if (!t) throw new Error(`Cannot resume: the checkpoint has no tensor ${prefix}${name}`);
      s.assign(t);
    }
  }

  /**
   * Run `f` with the averaged values in the store, then put the live values back exactly (so a
   * monitor can score the average mid-training without touching the trajectory).
   */
  with<T>(store: ParamStore, f: () => T): T {
    const live = new Map<string, tf.Tensor>();
    for (const [name, s] of this.#shadows) {
      const v = store.get(name);
      live.set(name, tf.clone(v));
      v.assign(s);
    }
    try {
      return f();
    } finally {
      for (const [name, t] of live) store.get(name).assign(t);
      tf.dispose([...live.values()]);
    }
  }

  /** Replace the store's values by the averages for good (at the end of training). */
  adopt(store: ParamStore): void {
    for (const [name, s] of this.#shadows) store.get(name).assign(s);
  }

  dispose(): void {
    for (const s of this.#shadows.values()) s.dispose();
    this.#shadows.clear();
  }
}
