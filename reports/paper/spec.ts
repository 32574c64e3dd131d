/**
 * How a paper table is declared: row and column names in the paper's order, the paper's values
 * (from ../shared/paper/keypointgan-paper-summary.txt), and where our value for each row comes
 * from. Rows for published methods we do not re-implement carry `"not_reproduced"`; rows we add
 * (baselines, extra variants) have no paper value.
 *
 * @module
 */
import type { MetricRef, Selector } from "../configurations.ts";
import type { PaperCell } from "../types.ts";

/** Where a row's value comes from, for one column. */
export type OursSpec =
  | { readonly from: Selector; readonly metric: MetricRef }
  | "not_reproduced"
  | { readonly notApplicable: string };

/** A row of a table spec. */
export interface RowSpec {
  readonly label: string;
  readonly group: string;
  /** Column key → the paper's value. */
  readonly paper: Readonly<Record<string, PaperCell>>;
  /** Column key → where ours comes from. */
  readonly ours: (column: string) => OursSpec;
}

/** A table spec. */
export interface TableSpec {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly columns: readonly { readonly key: string; readonly label: string }[];
  readonly rows: readonly RowSpec[];
  readonly notes: readonly string[];
}

/** A numeric paper value. */
export const V = (value: number): PaperCell => ({ kind: "value", value });
/** The paper prints a dash. */
export const DASH: PaperCell = { kind: "dash" };
/** The paper has a value our copy lacks. */
export const MISSING: PaperCell = { kind: "missing" };
/** Our row only. */
export const NONE: PaperCell = { kind: "none" };

/** The same paper cell in every column. */
export function same(columns: readonly string[], cell: PaperCell): Record<string, PaperCell> {
  return Object.fromEntries(columns.map((c) => [c, cell]));
}

/** Paper values by column, in column order. */
export function values(columns: readonly string[], cells: PaperValues) {
  return Object.fromEntries(
    columns.map((c, i) => [c, typeof cells[i] === "number" ? V(cells[i]) : cells[i]]),
  );
}

/** Group of the rows we add (baselines measured on the same data). */
export const OURS_ONLY = "ours, not in the paper (baselines on the same data)";
/** Our side of a published method we do not re-implement. */
export const notReproduced = () => "not_reproduced" as const;

/** Paper values of a row, in column order. */
export type PaperValues = readonly (number | PaperCell)[];
