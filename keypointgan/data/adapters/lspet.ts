/**
 * LSPET (Leeds Sports Pose Extended, 14 joints) adapter — designed, not wired. LSPET is not in
 * ../shared/data; this reads the same layout as the other shared datasets would:
 * `lspet/images/<id>.jpg` (square crops) + `lspet/landmarks.json`
 * `{ "<image path>": [[x, y, visible] × 14] }` in the LSP joint order below. An LSP dataset
 * needs a 14-joint skeleton in keypointgan/skeletons.ts and a protocol in keypointgan/eval
 * before `prepare_data` can offer it (the `humans` kind is the 32-joint H3.6M layout).
 *
 * @module
 */
import { join } from "node:path";
import type { Split } from "../types.ts";
import {
  DatasetFormatError,
  loadSquareImage,
  pixelsToNormalized,
  readJsonFile,
  requireDir,
} from "./common.ts";

/** LSP joint order (Johnson & Everingham 2010). */
export const LSP_JOINTS = [
  "r_ankle",
  "r_knee",
  "r_hip",
  "l_hip",
  "l_knee",
  "l_ankle",
  "r_wrist",
  "r_elbow",
  "r_shoulder",
  "l_shoulder",
  "l_elbow",
  "l_wrist",
  "neck",
  "head_top",
] as const;

/** LSPET images as one split (every image its own video) plus per-joint visibility `[N, 14]`. */
export async function readLspet(
  root: string,
  size: number,
): Promise<{ split: Split; visible: Uint8Array }> {
  const dir = join(root, "lspet");
  await requireDir(dir, "lspet");
  const file = join(dir, "landmarks.json");
  const json = await readJsonFile(file);
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new DatasetFormatError(
      file,
      "(root)",
      '{ "<image path>": [[x, y, visible] × 14] }',
      json,
    );
  }
  const keys = Object.keys(json).sort();
  const n = keys.length, K = LSP_JOINTS.length;
  const split: Split = {
    count: n,
    images: new Uint8Array(n * size * size * 3),
    keypoints: new Float32Array(n * K * 2),
    video: Int32Array.from(keys, (_, i) => i),
    frame: new Int32Array(n),
    activity: new Int32Array(n),
    subject: Int32Array.from(keys, (_, i) => i),
  };
  const visible = new Uint8Array(n * K);
  for (let i = 0; i < n; i++) {
    const rec = (json as Record<string, unknown>)[keys[i]];
    const path = `[${JSON.stringify(keys[i])}]`;
    if (!Array.isArray(rec) || rec.length !== K) {
      throw new DatasetFormatError(file, path, `an array of ${K} [x, y, visible] joints`, rec);
    }
    const pts = new Float32Array(2 * K);
    rec.forEach((p, j) => {
      if (
        !Array.isArray(p) || p.length !== 3 ||
        !p.every((v) => typeof v === "number" && Number.isFinite(v))
      ) {
        throw new DatasetFormatError(file, `${path}[${j}]`, "[x, y, visible] numbers", p);
      }
      [pts[2 * j], pts[2 * j + 1], visible[i * K + j]] = [p[0], p[1], p[2] > 0 ? 1 : 0];
    });
    const src = await loadSquareImage(dir, keys[i], size, split.images, i * size * size * 3);
    pixelsToNormalized(pts, src, size, split.keypoints, i * K * 2);
  }
  return { split, visible };
}
