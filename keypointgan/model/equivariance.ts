/**
 * An equivariance term on η∘Φ under random similarity warps T (rotation, scale, shift):
 * ‖η(Φ(T x)) − T(η(Φ(x)))‖². Not the paper's method (off by default, `train.equivariance` 0):
 * a Φ that draws one skeleton for every image pays for it, because T moves the body but not
 * a constant skeleton. Why it exists: the collapse of docs/results.md §2a–2b, which no
 * paper-faithful lever removed.
 *
 * Coordinates: keypoints are (x, y) in [−1, 1] with −1 the centre of pixel 0 and +1 that of
 * pixel S − 1 (soft_argmax.ts), so the point map and the image warp agree exactly.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Rng } from "../rng.ts";

/** Ranges of the random warps (uniform in ±range, scale in [1 − scale, 1 + scale]). */
export interface WarpRanges {
  /** Rotation in radians. */
  readonly rotation: number;
  readonly scale: number;
  /** Shift in normalised units (image width = 2). */
  readonly shift: number;
}

/** Moderate warps that keep a framed body in view. */
export const EQUIVARIANCE_WARPS: WarpRanges = { rotation: Math.PI / 12, scale: 0.1, shift: 0.1 };

/** B similarity maps u′ = A u + t in normalised coordinates. */
export interface Similarities {
  /** Row-major A per image, `[B·4]`. */
  readonly a: Float32Array;
  /** t per image, `[B·2]`. */
  readonly t: Float32Array;
}

/** Draw `n` warps from `rng`. */
export function sampleSimilarities(rng: Rng, n: number, r: WarpRanges): Similarities {
  const a = new Float32Array(n * 4), t = new Float32Array(n * 2);
  const sym = (range: number) => (2 * rng.uniform() - 1) * range; // uniform in ±range
  for (let i = 0; i < n; i++) {
    const th = sym(r.rotation), s = 1 + sym(r.scale);
    a.set([s * Math.cos(th), -s * Math.sin(th), s * Math.sin(th), s * Math.cos(th)], i * 4);
    t.set([sym(r.shift), sym(r.shift)], i * 2);
  }
  return { a, t };
}

/** T(k) for keypoints `[B, K, 2]` → `[B, K, 2]` (differentiable in k). */
export function warpKeypoints(k: tf.Tensor3D, w: Similarities): tf.Tensor3D {
  return tf.tidy(() => {
    const b = k.shape[0];
    const at = tf.transpose(tf.tensor3d(w.a, [b, 2, 2]), [0, 2, 1]); // [B, 2, 2] = Aᵀ
    return tf.add(tf.matMul(k, at), tf.tensor3d(w.t, [b, 1, 2])) as tf.Tensor3D;
  });
}

/**
 * T(x) for images `[B, S, S, C]` (bilinear, `fill` outside). tf.image.transform maps each
 * output pixel to the input pixel it samples, so it gets T⁻¹ in pixel units: with c the image
 * centre and h = (S − 1) / 2 pixels per normalised unit, p_in = c + A⁻¹(p_out − c − h t).
 */
export function warpImages(x: tf.Tensor4D, w: Similarities, fill: number): tf.Tensor4D {
  const [b, hgt, wid] = x.shape;
  const cx = (wid - 1) / 2, cy = (hgt - 1) / 2;
  const m = new Float32Array(b * 8);
  for (let i = 0; i < b; i++) {
    const [a00, a01, a10, a11] = w.a.subarray(i * 4, i * 4 + 4);
    const det = a00 * a11 - a01 * a10;
    const i00 = a11 / det, i01 = -a01 / det, i10 = -a10 / det, i11 = a00 / det;
    const ox = cx + w.t[i * 2] * cx, oy = cy + w.t[i * 2 + 1] * cy; // c + h t
    m.set([i00, i01, cx - i00 * ox - i01 * oy, i10, i11, cy - i10 * ox - i11 * oy, 0, 0], i * 8);
  }
  // One image per call: tfjs-backend-cpu 4.22's Transform kernel returns after the first image
  // of a batch (the rest stay `fill`); equivariance_test.ts would catch its return.
  return tf.tidy(() =>
    tf.concat(
      tf.split(x, b).map((xi, i) =>
        tf.image.transform(
          xi as tf.Tensor4D,
          tf.tensor2d(m.subarray(i * 8, i * 8 + 8), [1, 8]),
          "bilinear",
          "constant",
          fill,
        )
      ),
    ) as tf.Tensor4D
  );
}
