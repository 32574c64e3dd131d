/**
 * CycleGAN's `ImagePool` (digest §4): D sees fakes from a buffer of the last `size` generated
 * images; once full, each new image is swapped with a random stored one with probability 0.5.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Rng } from "../rng.ts";

export class FakePool {
  readonly size: number;
  readonly #images: tf.Tensor3D[] = [];

  constructor(size: number) {
    this.size = size;
  }

  /** Images currently stored (for checkpoints). */
  get images(): readonly tf.Tensor3D[] {
    return this.#images;
  }

  /**
   * Push a batch `[B, H, W, C]` (treated as constant) and return the batch D should see.
   * The caller owns the returned tensor.
   */
  query(batch: tf.Tensor4D, rng: Rng): tf.Tensor4D {
    if (this.size <= 0) return tf.clone(batch);
    const items = tf.unstack(batch) as tf.Tensor3D[];
    const out: tf.Tensor3D[] = [];
    for (const img of items) {
      if (this.#images.length < this.size) {
        this.#images.push(tf.keep(img.clone()));
        out.push(img);
      } else if (rng.uniform() > 0.5) {
        const j = rng.int(this.size);
        out.push(this.#images[j]);
        this.#images[j] = tf.keep(img.clone());
      } else {
        out.push(img);
      }
    }
    const result = tf.stack(out) as tf.Tensor4D;
    for (const img of items) img.dispose();
    // Swapped-out stored images were handed to `out` and are now copied into `result`.
    for (const t of out) if (!items.includes(t) && !this.#images.includes(t)) t.dispose();
    return result;
  }

  /** Replace the contents (from a checkpoint). */
  load(images: tf.Tensor3D[]): void {
    this.dispose();
    for (const t of images) this.#images.push(tf.keep(t.clone()));
  }

  dispose(): void {
    for (const t of this.#images) t.dispose();
    this.#images.length = 0;
  }
}
