/**
 * β — the differentiable skeleton renderer (digest §3.1; paper §3.1, eq. 2).
 *
 * For every edge (i, j) and pixel u on the grid linspace(−1, 1, S)²:
 *   t = clamp(⟨u − p_i, p_j − p_i⟩ / max(‖p_j − p_i‖², 1e-6), 0, 1),
 *   d = sqrt(‖u − p_i − t (p_j − p_i)‖² + 1e-6),
 *   edge image = exp(−d / σ²);
 * the skeleton image is the max over edges mapped to [−1, 1] by 2v − 1. The official code does
 * not square the distance; `distance: "squared"` gives the paper's other reading exp(−d² / σ²).
 *
 * @module
 */
import { tf } from "../tf.ts";
import { FIRST_MAX_GRAD, SKELETON_EDGES, SKELETON_EDGES_GRAD } from "../native/kernels_misc.ts";

/** Renderer options (defaults = released config). */
export interface RenderOptions {
  /** Line width σ in normalised units; the config's 0.2 (code default 0.4). */
  readonly sigma: number;
  /** `linear` = official code; `squared` = exp(−d²/σ²), the paper's possible reading. */
  readonly distance: "linear" | "squared";
}

export const DEFAULT_RENDER: RenderOptions = { sigma: 0.2, distance: "linear" };

/**
 * Render skeleton images from keypoints.
 * @param points `[B, K, 2]` (x = column, y = row) in [−1, 1]
 * @param edges pairs of keypoint indices
 * @returns `[B, S, S, 1]` in [−1, 1]
 */
export function renderSkeleton(
  points: tf.Tensor3D,
  edges: readonly (readonly [number, number])[],
  size: number,
  opts: RenderOptions = DEFAULT_RENDER,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [b] = points.shape;
    const e = edges.length;
    const pa = tf.gather(points, edges.map(([i]) => i), 1) as tf.Tensor3D; // [B, E, 2]
    const pb = tf.gather(points, edges.map(([, j]) => j), 1) as tf.Tensor3D; // [B, E, 2]
    const inv = 1 / (opts.sigma * opts.sigma);
    const edgeImages = tf.getKernel(SKELETON_EDGES, tf.getBackend())
      ? fusedEdgeImages(pa, pb, tf.linspace(-1, 1, size), inv, opts.distance === "linear")
      : edgeImageChain(pa, pb, size, inv, opts.distance === "linear");
    const v = e === 1 ? tf.squeeze(edgeImages, [1]) : maxOverEdges(edgeImages); // [B, S, S]
    return tf.reshape(tf.sub(tf.mul(v, 2), 1), [b, size, size, 1]) as tf.Tensor4D;
  });
}

/** Edge images `[B, E, S, S]` as a chain of TF.js kernels (any backend). */
function edgeImageChain(
  pa: tf.Tensor3D,
  pb: tf.Tensor3D,
  size: number,
  inv: number,
  linear: boolean,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, e] = pa.shape;
    const d = tf.sub(pb, pa) as tf.Tensor3D; // [B, E, 2]
    const col = (t: tf.Tensor3D, c: number) =>
      tf.reshape(tf.slice(t, [0, 0, c], [-1, -1, 1]), [b, e, 1, 1]);
    const [ax, ay, dx, dy] = [col(pa, 0), col(pa, 1), col(d, 0), col(d, 1)]; // [B, E, 1, 1]
    const grid = tf.linspace(-1, 1, size);
    const ux = tf.reshape(grid, [1, 1, 1, size]); // x varies along columns
    const uy = tf.reshape(grid, [1, 1, size, 1]); // y varies along rows
    const rx = tf.sub(ux, ax); // [B, E, 1, S]
    const ry = tf.sub(uy, ay); // [B, E, S, 1]
    const len2 = tf.maximum(tf.add(tf.square(dx), tf.square(dy)), 1e-6);
    const t = tf.clipByValue(tf.div(tf.add(tf.mul(rx, dx), tf.mul(ry, dy)), len2), 0, 1); // [B, E, S, S]
    const ex = tf.sub(rx, tf.mul(t, dx));
    const ey = tf.sub(ry, tf.mul(t, dy));
    const dist2 = tf.add(tf.square(ex), tf.square(ey)); // [B, E, S, S]
    const arg = linear ? tf.sqrt(tf.add(dist2, 1e-6)) : dist2;
    return tf.exp(tf.mul(arg, -inv)) as tf.Tensor4D; // [B, E, S, S]
  });
}

/**
 * The same edge images in one native kernel (the chain's float32 roundings), with a fused
 * gradient kernel w.r.t. both edge ends (≈ 35 kernels on `[B, E, S, S]` in autodiff).
 */
function fusedEdgeImages(
  pa: tf.Tensor3D,
  pb: tf.Tensor3D,
  grid: tf.Tensor1D,
  inv: number,
  linear: boolean,
): tf.Tensor4D {
  const attrs = { inv, linear };
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [a, bEnd, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([a, bEnd, grid]); // the gradient runs after renderSkeleton's tidy freed `grid`
    return {
      value: tf.engine().runKernel(SKELETON_EDGES, { pa: a, pb: bEnd, grid }, attrs) as tf.Tensor,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        tf.engine().runKernel(
          SKELETON_EDGES_GRAD,
          { dy: dy as tf.Tensor, pa: saved[0], pb: saved[1], grid: saved[2] },
          attrs,
        ) as tf.Tensor[],
    };
  });
  return op(pa, pb) as tf.Tensor4D;
}

/**
 * Max over axis 1 with PyTorch's gradient: only the (first) arg-max edge receives it; tf.max
 * would send the full gradient to every tied edge (pixels nearest a shared joint). On backends
 * with the fused gradient kernel (`native`): one Max forward and one kernel backward. Elsewhere
 * the arg-max edge is selected by a one-hot mask. The same values and gradients either way.
 */
function maxOverEdges(edgeImages: tf.Tensor): tf.Tensor {
  if (!tf.getKernel(FIRST_MAX_GRAD, tf.getBackend())) {
    const e = edgeImages.shape[1]!;
    const mask = tf.transpose(tf.oneHot(tf.argMax(edgeImages, 1), e), [0, 3, 1, 2]);
    return tf.sum(tf.mul(edgeImages, mask), 1);
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([x]);
    return {
      value: tf.max(x, 1),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        tf.engine().runKernel(FIRST_MAX_GRAD, { x: saved[0], dy: dy as tf.Tensor }, {
          axis: 1,
        }) as tf.Tensor,
    };
  });
  return op(edgeImages);
}
