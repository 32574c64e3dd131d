/**
 * The named parameter store the networks read their weights from. Networks are plain
 * functions over this store (no tf.layers), so checkpoints, the browser export and the
 * parameter counts all see the same flat `name → tensor` map.
 *
 * Names are `<net>/<layer>/<kind>`, e.g. `phi/enc0/conv0/w`. Kinds: `w` conv filter
 * `[kh, kw, cin, cout]`, `b` bias, `gamma`/`beta` BatchNorm affine, `mean`/`var` BatchNorm
 * running statistics (not trainable).
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Rng } from "../rng.ts";

/** The official init (digest §2.6): conv weights N(0, 0.02), BN weight N(1, 0.02), biases 0. */
export const INIT_STD = 0.02;

/** A flat map of named variables, split into trainable and running-statistics entries. */
export class ParamStore {
  readonly #vars = new Map<string, tf.Variable>();
  readonly #trainable = new Set<string>();

  /** Create (or replace) a variable from raw data. */
  add(name: string, shape: number[], data: Float32Array, trainable = true): tf.Variable {
    this.#vars.get(name)?.dispose();
    const v = tf.variable(tf.tensor(data, shape, "float32"), trainable, uniqueVarName(name));
    this.#vars.set(name, v);
    if (trainable) this.#trainable.add(name);
    else this.#trainable.delete(name);
    return v;
  }

  /** The variable called `name`; throws naming the missing entry. */
  get(name: string): tf.Variable {
    const v = this.#vars.get(name);
    if (!v) throw new Error(`Cannot find parameter ${name}: it was never created`);
    return v;
  }

  has(name: string): boolean {
    return this.#vars.has(name);
  }

  /** Names in creation order, optionally only those under `prefix`. */
  names(prefix = ""): string[] {
    return [...this.#vars.keys()].filter((n) => n.startsWith(prefix));
  }

  /** Trainable variables under any of the prefixes (e.g. ["phi/", "psi/"] for G). */
  trainable(prefixes: readonly string[]): tf.Variable[] {
    return this.names().filter((n) =>
      this.#trainable.has(n) && prefixes.some((p) => n.startsWith(p))
    )
      .map((n) => this.get(n));
  }

  /** `[name, variable]` pairs of the trainable variables under any of the prefixes. */
  trainableEntries(prefixes: readonly string[]): [string, tf.Variable][] {
    return this.names().filter((n) =>
      this.#trainable.has(n) && prefixes.some((p) => n.startsWith(p))
    )
      .map((n) => [n, this.get(n)]);
  }

  /** Every variable (trainable or not) by name, in creation order. */
  entries(): [string, tf.Variable][] {
    return [...this.#vars.entries()];
  }

  isTrainable(name: string): boolean {
    return this.#trainable.has(name);
  }

  /** Number of trainable scalars under `prefix` (what `deno task summary` prints). */
  count(prefix: string): number {
    let n = 0;
    for (const name of this.names(prefix)) {
      if (this.#trainable.has(name)) n += this.get(name).size;
    }
    return n;
  }

  /** Overwrite a variable's value (shapes must match). */
  assign(name: string, value: tf.Tensor): void {
    const v = this.get(name);
    if (!tf.util.arraysEqual(v.shape, value.shape)) {
      throw new Error(
        `Cannot load ${name}: shape [${value.shape}] does not match the model's [${v.shape}]`,
      );
    }
    v.assign(value);
  }

  dispose(): void {
    for (const v of this.#vars.values()) v.dispose();
    this.#vars.clear();
    this.#trainable.clear();
  }
}

let varCounter = 0;
/** TF.js variable names must be unique per process; ours stay readable with a suffix. */
function uniqueVarName(name: string): string {
  return `${name}#${varCounter++}`;
}

/** Create a conv filter `[k, k, cin, cout]` ~ N(0, 0.02) and an optional zero bias. */
export function initConv(
  store: ParamStore,
  name: string,
  k: number,
  cin: number,
  cout: number,
  bias: boolean,
  rng: Rng,
): void {
  store.add(`${name}/w`, [k, k, cin, cout], rng.normals(k * k * cin * cout, 0, INIT_STD));
  if (bias) store.add(`${name}/b`, [cout], new Float32Array(cout));
}

/** Create BatchNorm affine params (γ ~ N(1, 0.02), β = 0) and running stats (0, 1). */
export function initBatchNorm(store: ParamStore, name: string, c: number, rng: Rng): void {
  store.add(`${name}/gamma`, [c], rng.normals(c, 1, INIT_STD));
  store.add(`${name}/beta`, [c], new Float32Array(c));
  store.add(`${name}/mean`, [c], new Float32Array(c), false);
  store.add(`${name}/var`, [c], new Float32Array(c).fill(1), false);
}
