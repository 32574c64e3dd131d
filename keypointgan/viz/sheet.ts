/**
 * Contact sheets: labelled rows of image cells, each optionally overlaid with skeletons
 * (ground truth and/or predictions), encoded as one PNG.
 *
 * @module
 */
import { createCanvas } from "@napi-rs/canvas";
import type { Skeleton } from "../skeletons.ts";
import { drawSkeleton, imageBox } from "./draw.ts";
import type { SkeletonStyle } from "./draw.ts";
import { pixelsToCanvas } from "./png.ts";

/** One cell: an RGB image `[S, S, 3]` with optional skeleton overlays and a caption. */
export interface SheetCell {
  readonly image: Uint8Array;
  readonly imageSize: number;
  readonly overlays?: readonly {
    readonly keypoints: ArrayLike<number>;
    readonly style: SkeletonStyle;
    readonly offset?: number;
  }[];
  readonly caption?: string;
}

/** A labelled row of cells. */
export interface SheetRow {
  readonly label: string;
  readonly cells: readonly SheetCell[];
}

/** Layout of a sheet. */
export interface SheetOptions {
  /** Title drawn above the rows. */
  readonly title?: string;
  /** Cell side in pixels (images are scaled to it). */
  readonly cellSize: number;
  /** Width reserved for row labels, in pixels. */
  readonly labelWidth?: number;
  readonly skeleton: Skeleton;
  /** Smooth (bilinear) or blocky (nearest) upscaling of the images. */
  readonly smooth?: boolean;
}

/** Draw rows of cells into one PNG (bytes). Deterministic for the same inputs. */
export function contactSheet(rows: readonly SheetRow[], opts: SheetOptions): Uint8Array {
  const c = opts.cellSize, gap = 2, labelW = opts.labelWidth ?? 90;
  const titleH = opts.title ? 22 : 4;
  const captionH = rows.some((r) => r.cells.some((x) => x.caption)) ? 12 : 0;
  const cols = Math.max(1, ...rows.map((r) => r.cells.length));
  const width = labelW + cols * (c + gap) + gap;
  const height = titleH + rows.length * (c + captionH + gap) + gap;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#1b1d22";
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = "#e8e8e8";
  ctx.font = "bold 13px DejaVu Sans";
  if (opts.title) ctx.fillText(opts.title, 6, 15);
  ctx.imageSmoothingEnabled = opts.smooth ?? true;
  rows.forEach((row, r) => {
    const y = titleH + r * (c + captionH + gap);
    ctx.fillStyle = "#cfcfcf";
    ctx.font = "11px DejaVu Sans";
    wrapLabel(row.label, labelW - 8).forEach((line, i) => ctx.fillText(line, 4, y + 12 + 13 * i));
    row.cells.forEach((cell, i) => {
      const x = labelW + gap + i * (c + gap);
      ctx.drawImage(pixelsToCanvas(cell.image, cell.imageSize, cell.imageSize), x, y, c, c);
      for (const o of cell.overlays ?? []) {
        drawSkeleton(
          ctx,
          o.keypoints,
          opts.skeleton,
          imageBox(x, y, c, cell.imageSize),
          o.style,
          o.offset ?? 0,
        );
      }
      if (cell.caption) {
        ctx.fillStyle = "#a8a8a8";
        ctx.font = "9px DejaVu Sans";
        ctx.fillText(cell.caption, x + 1, y + c + 10);
      }
    });
  });
  return new Uint8Array(canvas.toBuffer("image/png"));
}

/** Split a label into lines of at most ~`width` pixels (7 px per character). */
function wrapLabel(label: string, width: number): string[] {
  const max = Math.max(4, Math.floor(width / 6.5));
  const lines: string[] = [];
  let line = "";
  for (const word of label.split(/\s+/)) {
    if (line && (line + " " + word).length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
