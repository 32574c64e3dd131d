/**
 * Trainable jobs for the generic loop: the KeypointGAN iteration and η pretraining. A job owns
 * its model state and samples its own batches from a seeded RNG, so its whole state (tensors +
 * JSON) can be checkpointed and restored exactly.
 *
 * @module
 */
import { tf } from "../tf.ts";
import { Adam, type AdamConfig } from "./adam.ts";
import type { ArchConfig } from "./arch.ts";
import { type BatchSource, disposeBatch } from "./batches.ts";
import { mse } from "./losses.ts";
import type { Monitor } from "./monitor.ts";
import { initKeypointRegressor, keypointRegressor } from "./networks.ts";
import { ParamStore } from "./params.ts";
import { type RenderOptions, renderSkeleton } from "./render.ts";
import { Rng, type RngState } from "../rng.ts";
import { lrAt, type LrSchedule } from "./schedule.ts";
import type { Trainer } from "./trainer.ts";

/** What the training loop needs from a job. */
export interface Job {
  readonly lossNames: readonly string[];
  /** One iteration on a freshly sampled batch. */
  step(): Record<string, number>;
  /** Optional held-out errors of the current weights (logged, never trained on). */
  monitor?(): Record<string, number>;
  /** Every tensor of the state (for checkpoints). */
  stateTensors(): Record<string, tf.Tensor>;
  /** JSON part of the state. */
  stateJson(): Record<string, unknown>;
  /** Restore both parts. */
  load(tensors: Readonly<Record<string, tf.Tensor>>, json: Record<string, unknown>): void;
}

/** Shared: restore store variables saved under `param/`. */
function loadParams(store: ParamStore, tensors: Readonly<Record<string, tf.Tensor>>): void {
  for (const [name] of store.entries()) {
    const t = tensors[`param/${name}`];
    if (!t) throw new Error(`Cannot resume: the checkpoint has no tensor param/${name}`);
    store.assign(name, t);
  }
}

function paramTensors(store: ParamStore): Record<string, tf.Tensor> {
  return Object.fromEntries(store.entries().map(([n, v]) => [`param/${n}`, v]));
}

/** The KeypointGAN iteration (or the supervised baseline) over a batch source. */
export class GanJob implements Job {
  readonly trainer: Trainer;
  readonly #source: BatchSource;
  readonly #batch: number;
  readonly #rng: Rng;

  readonly #monitor: Monitor | null;

  constructor(
    trainer: Trainer,
    source: BatchSource,
    batch: number,
    seed: number,
    monitor: Monitor | null = null,
  ) {
    this.trainer = trainer;
    this.#monitor = monitor;
    this.#source = source;
    this.#batch = batch;
    this.#rng = Rng.derive(seed, "batches");
  }

  get lossNames(): readonly string[] {
    return this.trainer.lossNames;
  }

  /**
   * Held-out errors of the evaluated model: the weight average when it is on (`val_err`, …),
   * with the live weights' errors beside it (`val_err_live`, …) to show what averaging changes.
   */
  monitor(): Record<string, number> {
    const m = this.#monitor, { store, average } = this.trainer;
    if (!m) return {};
    if (!average) return m(store);
    const live = Object.entries(m(store)).map(([k, v]) => [`${k}_live`, v]);
    return { ...average.with(store, () => m(store)), ...Object.fromEntries(live) };
  }

  step(): Record<string, number> {
    const b = this.#source.sample(this.#batch, this.#rng, this.trainer.cfg.flags.supervised);
    try {
      return this.trainer.step(b);
    } finally {
      disposeBatch(b);
    }
  }

  stateTensors(): Record<string, tf.Tensor> {
    const t = this.trainer;
    const out: Record<string, tf.Tensor> = paramTensors(t.store);
    for (const o of Object.values(t.opts)) Object.assign(out, prefixed("opt/", o.stateTensors()));
    t.poolA.images.forEach((img, i) => (out[`poolA/${i}`] = img));
    t.poolB.images.forEach((img, i) => (out[`poolB/${i}`] = img));
    for (const [n, v] of t.average?.entries() ?? []) out[`avg/${n}`] = v;
    return out;
  }

  stateJson(): Record<string, unknown> {
    const t = this.trainer;
    return {
      iteration: t.iteration,
      optSteps: Object.fromEntries(Object.entries(t.opts).map(([k, o]) => [k, o.step])),
      batchRng: this.#rng.getState(),
      poolRng: t.rng.getState(),
      ema: t.rec.ema,
      pools: [t.poolA.images.length, t.poolB.images.length],
    };
  }

  load(tensors: Readonly<Record<string, tf.Tensor>>, json: Record<string, unknown>): void {
    const t = this.trainer;
    loadParams(t.store, tensors);
    t.average?.load(tensors, "avg/");
    const optSteps = json.optSteps as Record<string, number>;
    for (const [k, o] of Object.entries(t.opts)) {
      o.loadState(optSteps[k], unprefixed("opt/", tensors));
    }
    t.iteration = json.iteration as number;
    this.#rng.setState(json.batchRng as RngState);
    t.rng.setState(json.poolRng as RngState);
    t.rec.ema = json.ema as number[] | null;
    const [na, nb] = json.pools as [number, number];
    t.poolA.load(Array.from({ length: na }, (_, i) => tensors[`poolA/${i}`] as tf.Tensor3D));
    t.poolB.load(Array.from({ length: nb }, (_, i) => tensors[`poolB/${i}`] as tf.Tensor3D));
  }
}

/** Settings of η pretraining (digest §4 "Pre-training η"). */
export interface PretrainConfig {
  readonly arch: ArchConfig;
  readonly edges: readonly (readonly [number, number])[];
  readonly render: RenderOptions;
  readonly adam: AdamConfig;
  readonly schedule: LrSchedule;
  readonly batch: number;
  readonly seed: number;
}

/** η pretraining: MSE(η(β(p̄)), p̄) on prior keypoints only. */
export class PretrainJob implements Job {
  readonly cfg: PretrainConfig;
  readonly store = new ParamStore();
  readonly lossNames = ["eta_pretrain"] as const;
  readonly #adam: Adam;
  readonly #rng: Rng;
  readonly #source: BatchSource;
  iteration = 0;

  constructor(cfg: PretrainConfig, source: BatchSource) {
    this.cfg = cfg;
    // Same derivation as the Trainer's init stream is not needed: η starts from its own seed.
    initKeypointRegressor(this.store, cfg.arch, Rng.derive(cfg.seed, "eta-init"));
    this.#adam = new Adam("eta", cfg.adam);
    this.#rng = Rng.derive(cfg.seed, "prior-batches");
    this.#source = source;
  }

  step(): Record<string, number> {
    this.iteration += 1;
    const p = this.#source.samplePrior(this.cfg.batch, this.#rng); // [B, K, 2]
    const entries = this.store.trainableEntries(["eta/"]);
    const byTf = new Map(entries.map(([n, v]) => [v.name, n]));
    const { value, grads } = tf.variableGrads(() => {
      const y = renderSkeleton(p, this.cfg.edges, this.cfg.arch.imageSize, this.cfg.render);
      return mse(keypointRegressor(this.store, y), p);
    }, entries.map(([, v]) => v));
    const named: tf.NamedTensorMap = {};
    for (const [k, g] of Object.entries(grads)) named[byTf.get(k)!] = g;
    this.#adam.apply(Object.fromEntries(entries), named, lrAt(this.cfg.schedule, this.iteration));
    const loss = value.dataSync()[0];
    tf.dispose([p, value, ...Object.values(grads)]);
    return { eta_pretrain: loss };
  }

  stateTensors(): Record<string, tf.Tensor> {
    return { ...paramTensors(this.store), ...prefixed("opt/", this.#adam.stateTensors()) };
  }

  stateJson(): Record<string, unknown> {
    return { iteration: this.iteration, optStep: this.#adam.step, rng: this.#rng.getState() };
  }

  load(tensors: Readonly<Record<string, tf.Tensor>>, json: Record<string, unknown>): void {
    loadParams(this.store, tensors);
    this.#adam.loadState(json.optStep as number, unprefixed("opt/", tensors));
    this.iteration = json.iteration as number;
    this.#rng.setState(json.rng as RngState);
  }

  dispose(): void {
    this.store.dispose();
    this.#adam.dispose();
  }
}

function prefixed(p: string, m: Record<string, tf.Tensor>): Record<string, tf.Tensor> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [p + k, v]));
}

function unprefixed(p: string, m: Readonly<Record<string, tf.Tensor>>): Record<string, tf.Tensor> {
  return Object.fromEntries(
    Object.entries(m).filter(([k]) => k.startsWith(p)).map(([k, v]) => [k.slice(p.length), v]),
  );
}
