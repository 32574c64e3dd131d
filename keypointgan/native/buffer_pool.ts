/**
 * A pool of float32 buffers for kernel outputs and scratch space.
 *
 * Why: a training step allocates and frees the same few dozen multi-megabyte tensors every
 * step. Fresh `Float32Array`s cost page faults and zeroing (≈ 4 ms per 16 MB measured here,
 * against ≈ 1 ms to refill an existing one), and V8 frees their memory only at GC time, so
 * resident memory balloons. Reusing exact-size buffers removes both costs.
 *
 * Safety: a buffer goes back to the pool only when no tensor refers to it any more. The
 * backend counts, per ArrayBuffer, how many tensor entries use it (views made by `Slice` share
 * their input's ArrayBuffer), and `readSync` hands out copies of pooled buffers so that user
 * code holding a `dataSync()` result never sees it reused.
 *
 * @module
 */

/** Smallest buffer worth pooling (elements); smaller ones are cheap to allocate. */
const MIN_POOLED = 4096;

interface Owned {
  readonly array: Float32Array;
  refs: number;
}

/** Counters for `deno task bench` and tests. */
export interface PoolStats {
  /** Bytes currently parked in the pool. */
  pooledBytes: number;
  /** Allocations served from the pool / freshly allocated. */
  hits: number;
  misses: number;
}

/** Exact-size free lists of Float32Arrays with per-ArrayBuffer reference counts. */
export class BufferPool {
  readonly #free = new Map<number, Float32Array[]>();
  readonly #owned = new WeakMap<ArrayBufferLike, Owned>();
  readonly #capBytes: number;
  #pooledBytes = 0;
  #hits = 0;
  #misses = 0;

  readonly #poison: boolean;

  /**
   * @param capBytes most bytes kept parked; beyond that, freed buffers go to the GC.
   * @param poison fill reused buffers with NaN (debugging: a kernel that reads an output element
   *   before writing it then yields NaN instead of a result that depends on earlier work).
   */
  constructor(capBytes = 2 ** 31, poison = false) {
    this.#capBytes = capBytes;
    this.#poison = poison;
  }

  /** A float32 buffer of exactly `n` elements with UNSPECIFIED contents. */
  take(n: number): Float32Array {
    if (n < MIN_POOLED) return new Float32Array(n);
    const list = this.#free.get(n);
    const reused = list?.pop();
    if (reused) {
      this.#hits++;
      this.#pooledBytes -= reused.byteLength;
      this.#owned.set(reused.buffer, { array: reused, refs: 0 });
      if (this.#poison) reused.fill(NaN);
      return reused;
    }
    this.#misses++;
    const fresh = new Float32Array(n);
    this.#owned.set(fresh.buffer, { array: fresh, refs: 0 });
    return fresh;
  }

  /** A zero-filled float32 buffer of `n` elements. */
  takeZeroed(n: number): Float32Array {
    const a = this.take(n);
    a.fill(0);
    return a;
  }

  /** Return a scratch buffer obtained from `take` that no tensor refers to. */
  give(a: Float32Array): void {
    const owned = this.#owned.get(a.buffer);
    if (!owned || owned.refs !== 0 || owned.array !== a) return;
    this.#park(owned);
  }

  /** A tensor entry now stores `values` (called by the backend's write/move). */
  retain(values: unknown): void {
    const owned = this.#ownedOf(values);
    if (owned) owned.refs++;
  }

  /** A tensor entry storing `values` was deleted; park the buffer if it was the last one. */
  release(values: unknown): void {
    const owned = this.#ownedOf(values);
    if (!owned) return;
    owned.refs--;
    if (owned.refs === 0) this.#park(owned);
  }

  /** True when `values` lives in a buffer this pool may hand out again. */
  isPooled(values: unknown): boolean {
    return this.#ownedOf(values) !== undefined;
  }

  /** Drop every parked buffer (memory goes back at the next GC). */
  clear(): void {
    this.#free.clear();
    this.#pooledBytes = 0;
  }

  stats(): PoolStats {
    return { pooledBytes: this.#pooledBytes, hits: this.#hits, misses: this.#misses };
  }

  #ownedOf(values: unknown): Owned | undefined {
    if (!ArrayBuffer.isView(values)) return undefined;
    return this.#owned.get(values.buffer);
  }

  #park(owned: Owned): void {
    const a = owned.array;
    this.#owned.delete(a.buffer);
    if (this.#pooledBytes + a.byteLength > this.#capBytes) return;
    let list = this.#free.get(a.length);
    if (!list) this.#free.set(a.length, list = []);
    list.push(a);
    this.#pooledBytes += a.byteLength;
  }
}
