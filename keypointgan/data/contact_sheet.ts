/**
 * The dataset contact sheet written by `prepare_data`: frames of several training and test
 * videos with their ground-truth skeletons, and prior skeletons rendered on black — one PNG to
 * check at a glance that bodies, faces or cats move, vary, and carry the right keypoints.
 *
 * @module
 */
import { SKELETONS } from "../skeletons.ts";
import type { Skeleton } from "../skeletons.ts";
import { contactSheet } from "../viz/sheet.ts";
import type { SheetCell, SheetRow } from "../viz/sheet.ts";
import { GT_STYLE, renderSkeletonThumb } from "../viz/draw.ts";
import type { DatasetHeader, DatasetMeta, Prior, Split } from "./types.ts";

/** What the sheet shows. */
export interface SheetLayout {
  /** Videos (rows) per split. */
  readonly trainRows: number;
  readonly testRows: number;
  /** Frames (columns) per row, and rows of prior skeletons. */
  readonly columns: number;
  readonly priorRows: number;
  /** Cell side in pixels. */
  readonly cellSize: number;
}

/** Defaults: 4 training videos, 2 test videos, 2 rows of prior skeletons, 8 columns. */
export const DEFAULT_SHEET: SheetLayout = {
  trainRows: 4,
  testRows: 2,
  columns: 8,
  priorRows: 2,
  cellSize: 96,
};

/** Frame indices of each video in a split, in order. */
function videosOf(split: Split): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (let i = 0; i < split.count; i++) {
    const list = m.get(split.video[i]) ?? [];
    list.push(i);
    m.set(split.video[i], list);
  }
  return m;
}

/** `n` indices spread evenly over `items`. */
function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.floor(((i + 0.5) * items.length) / n)]);
}

function cell(
  split: Split,
  i: number,
  size: number,
  k: number,
  caption?: string,
  overlay = true,
): SheetCell {
  return {
    image: split.images.subarray(i * size * size * 3, (i + 1) * size * size * 3),
    imageSize: size,
    overlays: overlay ? [{ keypoints: split.keypoints, style: GT_STYLE, offset: i * k * 2 }] : [],
    caption,
  };
}

/** Rows for `count` videos of a split (videos spread over the split), `columns` frames each. */
function splitRows(
  name: string,
  split: Split,
  header: DatasetMeta,
  skeleton: Skeleton,
  count: number,
  columns: number,
): SheetRow[] {
  const S = header.imageSize, K = skeleton.numPoints;
  const videos = [...videosOf(split).entries()];
  // Videos with several frames make better rows; image datasets get one row of many images.
  const multi = videos.filter(([, f]) => f.length > 1);
  if (multi.length === 0) {
    const picks = spread(videos.map(([, f]) => f[0]), count * columns);
    return Array.from({ length: Math.ceil(picks.length / columns) }, (_, r) => ({
      label: `${name} images`,
      cells: picks.slice(r * columns, (r + 1) * columns).map((i) => cell(split, i, S, K)),
    }));
  }
  return pickVaried(split, multi, count).map(([video, frames]) => {
    const first = frames[0];
    const act = header.activities[split.activity[first]];
    const subj = header.subjects[split.subject[first]] ?? "";
    return {
      label: `${name} video ${video} ${subj}${act ? ` ${act}` : ""}`,
      // The first frame without overlay shows the appearance; the others carry ground truth.
      cells: spread(frames, columns).map((i, c) =>
        cell(split, i, S, K, `f${split.frame[i]}`, c > 0)
      ),
    };
  });
}

/** `count` videos, preferring ones whose subject and activity are not shown yet. */
function pickVaried(
  split: Split,
  videos: [number, number[]][],
  count: number,
): [number, number[]][] {
  const out: [number, number[]][] = [];
  const seenS = new Set<number>(), seenA = new Set<number>();
  const order = spread(videos, videos.length);
  for (let pass = 0; pass < 3 && out.length < count; pass++) {
    for (const v of order) {
      if (out.length >= count || out.includes(v)) continue;
      const s = split.subject[v[1][0]], a = split.activity[v[1][0]];
      const fresh = (seenS.has(s) ? 0 : 1) + (seenA.has(a) ? 0 : 1);
      if (fresh >= 2 - pass) {
        out.push(v);
        seenS.add(s);
        seenA.add(a);
      }
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}

function priorRows(
  prior: Prior,
  skeleton: Skeleton,
  rows: number,
  columns: number,
  cellSize: number,
): SheetRow[] {
  const K = skeleton.numPoints;
  const picks = spread(Array.from({ length: prior.count }, (_, i) => i), rows * columns);
  return Array.from({ length: Math.ceil(picks.length / columns) }, (_, r) => ({
    label: `prior (${prior.source})`,
    cells: picks.slice(r * columns, (r + 1) * columns).map((i) => ({
      image: renderSkeletonThumb(prior.keypoints, skeleton, cellSize, undefined, i * K * 2),
      imageSize: cellSize,
    })),
  }));
}

/** The contact sheet PNG of a dataset. */
export function datasetContactSheet(
  header: DatasetMeta | DatasetHeader,
  splits: { train: Split; test: Split; prior: Prior; extra?: Readonly<Record<string, Split>> },
  layout: SheetLayout = DEFAULT_SHEET,
): Uint8Array {
  const skeleton = SKELETONS[header.kind];
  const rows = [
    ...splitRows("train", splits.train, header, skeleton, layout.trainRows, layout.columns),
    ...splitRows("test", splits.test, header, skeleton, layout.testRows, layout.columns),
    ...Object.entries(splits.extra ?? {}).flatMap(([name, s]) =>
      splitRows(name, s, header, skeleton, 1, layout.columns)
    ),
    ...priorRows(splits.prior, skeleton, layout.priorRows, layout.columns, layout.cellSize),
  ];
  const title = `${header.name}: ${splits.train.count} train frames, ${splits.test.count} test, ` +
    `${splits.prior.count} prior poses, ${header.imageSize}px, pairs: ${header.pairMode}`;
  return contactSheet(rows, { title, cellSize: layout.cellSize, skeleton, labelWidth: 110 });
}
