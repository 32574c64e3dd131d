/**
 * Worker entry of `generateParallel`: receives `{ spec, indices }`, rebuilds the generator from
 * the spec, renders the listed segments (consecutive segments of a video share one video
 * object) and posts each back with its buffers transferred, then `{ kind: "done" }`.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { makeSynthetic } from "./spec.ts";
import type { SyntheticSpec } from "./spec.ts";
import { renderSegment } from "./synthetic.ts";
import type { SyntheticVideo } from "./synthetic.ts";
import type { WorkerReply } from "./parallel.ts";

self.onmessage = (e: MessageEvent<{ spec: SyntheticSpec; indices: number[] }>) => {
  try {
    const { gen, segments } = makeSynthetic(e.data.spec);
    let lastId = -1;
    let video: SyntheticVideo | undefined;
    for (const index of e.data.indices) {
      const seg = segments[index];
      if (lastId !== seg.video.id || !video) [lastId, video] = [seg.video.id, gen.video(seg.video)];
      const r = renderSegment(gen, seg, e.data.spec.imageSize, video);
      const reply: WorkerReply = {
        kind: "segment",
        index,
        keypoints: r.keypoints,
        images: r.images,
      };
      const transfer = r.images ? [r.keypoints.buffer, r.images.buffer] : [r.keypoints.buffer];
      self.postMessage(reply, transfer);
    }
    self.postMessage({ kind: "done" } satisfies WorkerReply);
  } catch (err) {
    self.postMessage(
      { kind: "error", message: (err as Error).stack ?? String(err) } satisfies WorkerReply,
    );
  }
};
