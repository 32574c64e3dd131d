/**
 * Assembles a synthetic dataset from a video generator and a layout of video segments: the
 * first half of every training video becomes the `train` split (pairs are sampled from it), the
 * second half becomes the unpaired prior (keypoints only, never rendered), test subjects' videos
 * become `test` — the split of the official code (digest §5.2–5.3).
 *
 * Every video draws from its own seeded stream (`dataSeed`, dataset, video id), so the result is
 * independent of the order or parallelism in which videos are generated.
 *
 * @module
 */
import type { Skeleton } from "../skeletons.ts";
import type { DatasetContent, DatasetKind, DatasetMeta, PairMode, Prior, Split } from "./types.ts";

/** One video of a generator, identified by a dataset-wide id. */
export interface VideoSpec {
  readonly id: number;
  /** Index into the dataset's subject list. */
  readonly subject: number;
  readonly subjectName: string;
  /** Index into the generator's activities (0 when it has none). */
  readonly activity: number;
  /** Total frames of the video (both halves). */
  readonly frames: number;
}

/** A generated video: keypoints and images per frame, computed on demand. */
export interface SyntheticVideo {
  /** Keypoints of `frame`, `[K, 2]` in [−1, 1], written at `out[offset …]`. */
  keypoints(frame: number, out: Float32Array, offset: number): void;
  /** Image of `frame`, `[S, S, 3]` uint8, written at `out[offset …]`. */
  render(frame: number, out: Uint8Array, offset: number): void;
  /** The video's background alone (no body, no sensor noise), `[S, S, 3]`: for tests. */
  background(out: Uint8Array, offset: number): void;
}

/** A procedural dataset family. */
export interface SyntheticGenerator {
  readonly kind: DatasetKind;
  readonly name: string;
  readonly skeleton: Skeleton;
  readonly activities: readonly string[];
  /** Side of the notional original frame the crop represents (pixel protocols). */
  readonly originalSize: number;
  /** Knobs and constants recorded in `dataset.json` `source`. */
  readonly provenance: Readonly<Record<string, unknown>>;
  video(spec: VideoSpec): SyntheticVideo;
}

/** Which split a segment of a video goes to. */
export type Role = "train" | "prior" | "test";

/** Frames [start, end) of a video assigned to one split. */
export interface Segment {
  readonly video: VideoSpec;
  readonly role: Role;
  readonly start: number;
  readonly end: number;
}

/** Segments of a video used for pairs: first half → train, second half → prior. */
export function halves(video: VideoSpec): Segment[] {
  const half = Math.floor(video.frames / 2);
  return [
    { video, role: "train", start: 0, end: half },
    { video, role: "prior", start: half, end: video.frames },
  ];
}

/** All frames of a video in one role. */
export function whole(video: VideoSpec, role: Role): Segment {
  return { video, role, start: 0, end: video.frames };
}

function emptySplit(n: number, size: number, k: number): Split {
  return {
    count: n,
    images: new Uint8Array(n * size * size * 3),
    keypoints: new Float32Array(n * k * 2),
    video: new Int32Array(n),
    frame: new Int32Array(n),
    activity: new Int32Array(n),
    subject: new Int32Array(n),
  };
}

/** Options of `buildSynthetic`. */
export interface BuildOptions {
  readonly imageSize: number;
  readonly pairMode: PairMode;
  readonly maxGap: number;
  readonly subjects: readonly string[];
  /** Called after each segment with the frames done and the total. */
  readonly progress?: (done: number, total: number) => void;
  /** Checked between videos; throwing aborts generation. */
  readonly signal?: AbortSignal;
  /** `Prior.source` label (default "synthetic:second-half"). */
  readonly priorSource?: string;
}

/** The rendered content of one segment: keypoints `[n, K, 2]` and (unless prior) images. */
export interface RenderedSegment {
  readonly keypoints: Float32Array;
  readonly images: Uint8Array | null;
}

/** Render one segment (prior segments get keypoints only: the prior has no images). */
export function renderSegment(
  gen: SyntheticGenerator,
  seg: Segment,
  size: number,
  video?: SyntheticVideo,
): RenderedSegment {
  const K = gen.skeleton.numPoints, n = seg.end - seg.start;
  const v = video ?? gen.video(seg.video);
  const keypoints = new Float32Array(n * K * 2);
  const images = seg.role === "prior" ? null : new Uint8Array(n * size * size * 3);
  for (let f = seg.start; f < seg.end; f++) {
    v.keypoints(f, keypoints, (f - seg.start) * K * 2);
    images && v.render(f, images, (f - seg.start) * size * size * 3);
  }
  return { keypoints, images };
}

/** Generate all segments in this thread (see `generateParallel` for workers). */
export function buildSynthetic(
  gen: SyntheticGenerator,
  segments: readonly Segment[],
  opts: BuildOptions,
): DatasetContent {
  const rendered: RenderedSegment[] = [];
  const total = segments.reduce((a, s) => a + s.end - s.start, 0);
  let done = 0, lastId = -1;
  let video: SyntheticVideo | undefined;
  for (const seg of segments) {
    opts.signal?.throwIfAborted();
    if (lastId !== seg.video.id || !video) [lastId, video] = [seg.video.id, gen.video(seg.video)];
    rendered.push(renderSegment(gen, seg, opts.imageSize, video));
    done += seg.end - seg.start;
    opts.progress?.(done, total);
  }
  return assemble(gen, segments, rendered, opts);
}

/** Lay rendered segments out into the train / test splits and the prior, in segment order. */
export function assemble(
  gen: SyntheticGenerator,
  segments: readonly Segment[],
  rendered: readonly RenderedSegment[],
  opts: BuildOptions,
): DatasetContent {
  const S = opts.imageSize, K = gen.skeleton.numPoints;
  const count = (role: Role) =>
    segments.filter((s) => s.role === role).reduce((a, s) => a + s.end - s.start, 0);
  const splits: Record<"train" | "test", Split> = {
    train: emptySplit(count("train"), S, K),
    test: emptySplit(count("test"), S, K),
  };
  const np = count("prior");
  const prior: Prior = {
    count: np,
    keypoints: new Float32Array(np * K * 2),
    video: new Int32Array(np),
    frame: new Int32Array(np),
    source: opts.priorSource ?? "synthetic:second-half",
  };
  const cursor = { train: 0, test: 0, prior: 0 };
  segments.forEach((seg, k) => {
    const r = rendered[k], n = seg.end - seg.start, at = cursor[seg.role];
    cursor[seg.role] += n;
    const target = seg.role === "prior" ? prior : splits[seg.role];
    target.keypoints.set(r.keypoints, at * K * 2);
    for (let f = 0; f < n; f++) {
      target.video[at + f] = seg.video.id;
      target.frame[at + f] = seg.start + f;
    }
    if (seg.role === "prior") return;
    const s = splits[seg.role];
    s.images.set(r.images!, at * S * S * 3);
    s.activity.fill(seg.video.activity, at, at + n);
    s.subject.fill(seg.video.subject, at, at + n);
  });
  const meta: DatasetMeta = {
    kind: gen.kind,
    name: gen.name,
    imageSize: S,
    numPoints: K,
    skeleton: gen.skeleton.name,
    pairMode: opts.pairMode,
    maxGap: opts.maxGap,
    activities: gen.activities,
    subjects: opts.subjects,
    originalSize: gen.originalSize,
    evalSplits: ["test"],
    postprocessSplit: "train",
    source: { generator: gen.name, ...gen.provenance },
  };
  return { meta, train: splits.train, test: splits.test, prior };
}
