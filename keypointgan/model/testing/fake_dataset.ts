/**
 * A tiny in-memory `Dataset` for model tests: a few "videos" of a coloured stick figure whose
 * joints move, rasterised with soft discs along the skeleton's edges. Not a data generator for
 * experiments (that is keypointgan/data/); just enough structure for shapes and learning tests.
 *
 * @module
 */
import type { Dataset, DatasetHeader, Split } from "../../data/types.ts";
import { Rng } from "../../rng.ts";

/** 5-point chain skeleton used by the fake data. */
export const FAKE_EDGES: readonly (readonly [number, number])[] = [[0, 1], [1, 2], [1, 3], [1, 4]];
export const FAKE_K = 5;

function pose(rng: Rng, t: number, phase: number): Float32Array {
  const p = new Float32Array(FAKE_K * 2);
  const cx = 0.1 * Math.sin(t * 0.7 + phase);
  const base = [[0, -0.6], [0, 0], [-0.5, 0.4], [0.5, 0.4], [0, 0.7]];
  base.forEach(([x, y], k) => {
    const a = k >= 2 ? 0.3 * Math.sin(t + phase + k) : 0;
    p[2 * k] = x + cx + a + 0.02 * rng.normal();
    p[2 * k + 1] = y + 0.5 * a * (k === 4 ? 0 : 1);
  });
  return p;
}

function rasterise(
  p: Float32Array,
  size: number,
  color: number[],
  bg: number[],
  out: Uint8Array,
  off: number,
) {
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const u = -1 + (2 * c) / (size - 1), v = -1 + (2 * r) / (size - 1);
      let d = Infinity;
      for (const [i, j] of FAKE_EDGES) {
        const ax = p[2 * i], ay = p[2 * i + 1], dx = p[2 * j] - ax, dy = p[2 * j + 1] - ay;
        const t = Math.min(
          1,
          Math.max(0, ((u - ax) * dx + (v - ay) * dy) / Math.max(dx * dx + dy * dy, 1e-6)),
        );
        d = Math.min(d, Math.hypot(u - ax - t * dx, v - ay - t * dy));
      }
      const m = Math.max(0, Math.min(1, (0.12 - d) / 0.05));
      for (let ch = 0; ch < 3; ch++) {
        out[off + (r * size + c) * 3 + ch] = Math.round(255 * (m * color[ch] + (1 - m) * bg[ch]));
      }
    }
  }
}

function split(rng: Rng, videos: number, frames: number, size: number, firstVideo: number): Split {
  const n = videos * frames;
  const images = new Uint8Array(n * size * size * 3);
  const keypoints = new Float32Array(n * FAKE_K * 2);
  const video = new Int32Array(n), frame = new Int32Array(n);
  for (let v = 0; v < videos; v++) {
    const color = [rng.uniform(), rng.uniform(), rng.uniform()],
      bg = [rng.uniform(), rng.uniform(), rng.uniform()];
    const phase = 6.28 * rng.uniform();
    for (let f = 0; f < frames; f++) {
      const i = v * frames + f;
      const p = pose(rng, f, phase);
      keypoints.set(p, i * FAKE_K * 2);
      rasterise(p, size, color, bg, images, i * size * size * 3);
      video[i] = firstVideo + v;
      frame[i] = f;
    }
  }
  return {
    count: n,
    images,
    keypoints,
    video,
    frame,
    activity: new Int32Array(n),
    subject: video.slice(),
  };
}

/** A deterministic fake dataset (train/test videos, prior from other videos). */
export function fakeDataset(size = 32, seed = 0, videos = 4, frames = 6): Dataset {
  const rng = new Rng(seed);
  const train = split(rng, videos, frames, size, 0);
  const test = split(rng, 2, frames, size, 100);
  const priorSplit = split(rng, 4, 8, 8, 200);
  const header: DatasetHeader = {
    format: "keypointgan-dataset",
    formatVersion: 1,
    kind: "humans",
    name: "fake",
    imageSize: size,
    numPoints: FAKE_K,
    skeleton: "fake5",
    pairMode: "video",
    maxGap: 3,
    activities: [],
    subjects: Array.from({ length: 200 }, (_, i) => `id${i}`),
    originalSize: size,
    extraSplits: [],
    evalSplits: ["test"],
    postprocessSplit: "train",
    source: { generator: "model-test-fake" },
    arrays: {},
  };
  const prior = {
    count: priorSplit.count,
    keypoints: priorSplit.keypoints,
    video: priorSplit.video,
    frame: priorSplit.frame,
    source: "fake",
  };
  return { header, train, test, prior, extra: {} };
}
