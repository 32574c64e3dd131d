/**
 * Terminal tables (cli-table3) and small formatters shared by the CLI commands.
 *
 * @module
 */
import Table from "cli-table3";

/**
 * A table with a header row; plain (uncoloured) borders so logs and pipes stay readable.
 * `colWidths` (cell widths including padding) wraps longer cells onto more lines.
 */
export function table(
  head: string[],
  rows: (string | number)[][],
  opts: { colWidths?: number[] } = {},
): string {
  const t = new Table({
    head,
    style: { head: [], border: [] },
    ...(opts.colWidths
      ? { colWidths: opts.colWidths, wordWrap: true, wrapOnWordBoundary: true }
      : {}),
    // No rule between body rows: long plans stay compact.
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const r of rows) t.push(r.map(String));
  return t.toString();
}

/** `850ms`, `12.3s`, `4m05s`, `2h03m`. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** `12 B`, `3.4 MB`. */
export function bytes(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) [n, i] = [n / 1000, i + 1];
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

/** A node's variants for a table cell: `base`, `a, b +3`, or `(all 12)` for fan-in nodes. */
export function variantsCell(variants: readonly string[], all?: number): string {
  if (all !== undefined && variants.length === all && all > 1) return `(all ${all})`;
  if (variants.length <= 2) return variants.join(", ");
  return `${variants.slice(0, 2).join(", ")} +${variants.length - 2}`;
}
