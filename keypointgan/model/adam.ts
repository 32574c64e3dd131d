/**
 * Adam exactly as PyTorch's `torch.optim.Adam` (bias-corrected, ε added after the square
 * root), with `clip_grad_norm_` applied to the optimiser's whole parameter group before the
 * update (digest §5.1). Moments live in a `ParamStore`-like map so checkpoints save them by
 * name.
 *
 * @module
 */
import { tf } from "../tf.ts";

/** Hyper-parameters of one optimiser. */
export interface AdamConfig {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  /** PyTorch default 1e-8. */
  readonly eps: number;
  /** Global gradient-norm clip (≤ 0 disables). */
  readonly clip: number;
}

/** One optimiser over a named group of variables. */
export class Adam {
  readonly name: string;
  readonly config: AdamConfig;
  /** Number of updates done (PyTorch's `step`). */
  step = 0;
  readonly #m = new Map<string, tf.Variable>();
  readonly #v = new Map<string, tf.Variable>();

  constructor(name: string, config: AdamConfig) {
    this.name = name;
    this.config = config;
  }

  /**
   * Clip the gradients' global norm and apply one update at learning rate `lr`.
   * Returns the pre-clip gradient norm (for logging).
   */
  apply(vars: Readonly<Record<string, tf.Variable>>, grads: tf.NamedTensorMap, lr: number): number {
    const names = Object.keys(grads).sort();
    const norm = tf.tidy(() =>
      tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]))))).dataSync()[0]
    );
    const { beta1, beta2, eps, clip } = this.config;
    const scale = clip > 0 && clip / (norm + 1e-6) < 1 ? clip / (norm + 1e-6) : 1;
    this.step += 1;
    const bc1 = 1 - beta1 ** this.step;
    const bc2 = 1 - beta2 ** this.step;
    for (const n of names) {
      const p = vars[n];
      const m = this.#moment(this.#m, n, p);
      const v = this.#moment(this.#v, n, p);
      tf.tidy(() => {
        const g = scale === 1 ? grads[n] : tf.mul(grads[n], scale);
        const m1 = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const v1 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        const denom = tf.add(tf.div(tf.sqrt(v1), Math.sqrt(bc2)), eps);
        m.assign(m1);
        v.assign(v1);
        p.assign(tf.sub(p, tf.mul(tf.div(m1, denom), lr / bc1)));
      });
    }
    return norm;
  }

  #moment(map: Map<string, tf.Variable>, name: string, p: tf.Variable): tf.Variable {
    let t = map.get(name);
    if (!t) {
      t = tf.variable(tf.zerosLike(p), false);
      map.set(name, t);
    }
    return t;
  }

  /** All state tensors by name (`<opt>/m/<param>`, `<opt>/v/<param>`), for checkpoints. */
  stateTensors(): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {};
    for (const [n, t] of this.#m) out[`${this.name}/m/${n}`] = t;
    for (const [n, t] of this.#v) out[`${this.name}/v/${n}`] = t;
    return out;
  }

  /** Restore moments saved by `stateTensors` (tensors are copied). */
  loadState(step: number, tensors: Readonly<Record<string, tf.Tensor>>): void {
    this.step = step;
    for (const [key, t] of Object.entries(tensors)) {
      const m = key.match(/^([^/]+)\/(m|v)\/(.+)$/);
      if (!m || m[1] !== this.name) continue;
      const map = m[2] === "m" ? this.#m : this.#v;
      map.get(m[3])?.dispose();
      map.set(m[3], tf.variable(t.clone(), false));
    }
  }

  dispose(): void {
    for (const t of [...this.#m.values(), ...this.#v.values()]) t.dispose();
    this.#m.clear();
    this.#v.clear();
  }
}
