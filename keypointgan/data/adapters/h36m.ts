/**
 * The Human3.6M mocap prior (`h36m-prior/`): 3D poses `[N, 32, 3]` (mm, body-centred, root
 * rotation removed, y up) → 2D prior keypoints through random cameras and the same `frameBody`
 * framing as the synthetic humans, so the prior is compatible with the synthetic images.
 * Subjects S9 and S11 are test subjects: they are refused unless explicitly allowed.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Rng } from "../../rng.ts";
import { H36M_PARENTS } from "../../skeletons.ts";
import { frameBody, sampleBodyCamera } from "../framing.ts";
import type { BodyCameraRanges } from "../framing.ts";
import type { Prior } from "../types.ts";
import { DatasetFormatError, readJsonFile, requireDir } from "./common.ts";

/** The Simplified-H3.6M activities as named in the mocap sequences. */
export const SIX_ACTIVITIES = [
  "directions",
  "discussion",
  "greeting",
  "posing",
  "waiting",
  "walking",
];
/** Subjects held out for testing in the paper's H3.6M protocols. */
export const H36M_TEST_SUBJECTS = ["S9", "S11"];

/** What to take from the mocap and how to project it. */
export interface H36mPriorOptions {
  readonly subjects: readonly string[];
  /** Activity prefixes to keep (e.g. SIX_ACTIVITIES), or null for all. */
  readonly activities: readonly string[] | null;
  readonly imageSize: number;
  readonly camera: BodyCameraRanges;
  readonly seed: number;
  /** Allow S9/S11 (only for priors never compared with a test set from those subjects). */
  readonly allowTestSubjects?: boolean;
}

interface Sequence {
  readonly subject: string;
  readonly sequence: string;
  readonly start: number;
  readonly count: number;
}

function validateHeader(file: string, json: unknown): { n: number; sequences: Sequence[] } {
  const fail = (path: string, expected: string, got: unknown): never => {
    throw new DatasetFormatError(file, path, expected, got);
  };
  if (typeof json !== "object" || json === null) fail("(root)", "an object", json);
  const h = json as Record<string, unknown>;
  const shape = h.shape as number[];
  if (
    !Array.isArray(shape) || shape.length !== 3 || shape[1] !== 32 || shape[2] !== 3 ||
    !Number.isInteger(shape[0])
  ) {
    fail("shape", "[N, 32, 3]", h.shape);
  }
  if (h.dtype !== "float32-le") fail("dtype", '"float32-le"', h.dtype);
  const parents = h.parents as number[];
  if (
    !Array.isArray(parents) || parents.some((p, i) => p !== H36M_PARENTS[i]) ||
    parents.length !== 32
  ) {
    fail("parents", "the H3.6M 32-joint tree (keypointgan/skeletons.ts H36M_PARENTS)", h.parents);
  }
  if (!Array.isArray(h.sequences)) {
    fail("sequences", "an array of { subject, sequence, start, count }", h.sequences);
  }
  const sequences = (h.sequences as unknown[]).map((s, i) => {
    const r = s as Record<string, unknown>;
    const ok = typeof r?.subject === "string" && typeof r.sequence === "string" &&
      Number.isInteger(r.start) &&
      Number.isInteger(r.count) && (r.start as number) >= 0 &&
      (r.start as number) + (r.count as number) <= shape[0];
    if (!ok) {
      fail(`sequences[${i}]`, `{ subject, sequence, start, count } within [0, ${shape[0]})`, s);
    }
    return r as unknown as Sequence;
  });
  return { n: shape[0], sequences };
}

/** Read the mocap and project every selected pose once with its own random camera. */
export async function readH36mPrior(root: string, o: H36mPriorOptions): Promise<Prior> {
  const dir = join(root, "h36m-prior");
  await requireDir(dir, "h36m-prior");
  const leaked = o.subjects.filter((s) => H36M_TEST_SUBJECTS.includes(s));
  if (leaked.length > 0 && !o.allowTestSubjects) {
    throw new RangeError(
      `h36m prior: subjects ${leaked.join(", ")} are test subjects; keep them out of the prior`,
    );
  }
  const headerFile = join(dir, "poses.json");
  const { n, sequences } = validateHeader(headerFile, await readJsonFile(headerFile));
  const posesFile = join(dir, "poses.f32");
  let bytes: Uint8Array;
  try {
    bytes = await readFile(posesFile);
  } catch (e) {
    throw new DatasetFormatError(
      posesFile,
      "(file)",
      "the float32 pose array described by poses.json",
      (e as Error).message,
    );
  }
  if (bytes.byteLength !== n * 32 * 3 * 4) {
    throw new DatasetFormatError(
      posesFile,
      "(size)",
      `${n * 32 * 3 * 4} bytes for [${n}, 32, 3] float32`,
      bytes.byteLength,
    );
  }
  const poses = new Float32Array(new Uint8Array(bytes).buffer);
  const keep = sequences.filter((s) =>
    o.subjects.includes(s.subject) &&
    (o.activities === null || o.activities.includes(s.sequence.replace(/_\d+$/, "")))
  );
  if (keep.length === 0) {
    throw new DatasetFormatError(
      headerFile,
      "sequences",
      `sequences of subjects ${o.subjects.join(",")}`,
      "none selected",
    );
  }
  const total = keep.reduce((a, s) => a + s.count, 0);
  const keypoints = new Float32Array(total * 64);
  let i = 0;
  for (const s of keep) {
    for (let f = 0; f < s.count; f++, i++) {
      const camera = sampleBodyCamera(
        Rng.derive(o.seed, `h36m/${s.subject}/${s.sequence}/${f}`),
        o.camera,
      );
      frameBody(
        poses.subarray((s.start + f) * 96, (s.start + f + 1) * 96),
        camera,
        o.imageSize,
        keypoints,
        i * 64,
      );
    }
  }
  const acts = o.activities === null ? "all" : o.activities.join("+");
  return {
    count: total,
    keypoints,
    video: new Int32Array(total).fill(-1),
    frame: new Int32Array(total).fill(-1),
    source: `h36m-mocap:${o.subjects.join(",")}:${acts}`,
  };
}
