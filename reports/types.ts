/**
 * The report's data model: evaluation inputs (records + provenance), paper tables with our
 * value beside the paper's in every cell, claims and report sections. Every renderer (terminal,
 * Markdown, CSV, JSON, HTML) draws from these plain objects.
 *
 * @module
 */
import type { EvaluationRecord } from "../keypointgan/eval/record.ts";

/** Where one evaluation came from: enough to find and re-run it. */
export interface Provenance {
  /** Short stable id used by cells ("E3"). */
  readonly ref: string;
  readonly experiment: string;
  /** Experiment variant labels whose chain reaches the evaluation. */
  readonly variants: readonly string[];
  /** Id of the run that computed the evaluation artifact. */
  readonly runId: string;
  /** Content key of the evaluation artifact. */
  readonly artifactKey: string;
}

/** One evaluation as the report sees it. */
export interface EvaluationInput {
  readonly record: EvaluationRecord;
  readonly provenance: Provenance;
}

/** Our side of a cell. */
export type OursCell =
  | {
    readonly status: "measured";
    readonly mean: number;
    /** Sample standard deviation over seeds; null with a single seed. */
    readonly sd: number | null;
    /** One value per seed, in provenance order. */
    readonly values: readonly number[];
    readonly refs: readonly string[];
    /** How many of the seeds' models collapsed (their spread below the threshold); absent = 0. */
    readonly collapsed?: number;
  }
  | {
    /** `not_run`: this experiment has no such evaluation; `not_reproduced`: a published method;
     * `failed`: computed but unavailable (e.g. the post-processing fit); `not_applicable`. */
    readonly status: "not_run" | "not_reproduced" | "failed" | "not_applicable";
    /** Short text for the cell. */
    readonly note: string;
    /** The full reason (failures), shown once in the table's notes. */
    readonly detail?: string;
  };

/** The paper's side of a cell. */
export type PaperCell =
  | { readonly kind: "value"; readonly value: number }
  /** The paper prints a dash. */
  | { readonly kind: "dash" }
  /** The paper has a value we do not have (e.g. Table 5 in our copy). */
  | { readonly kind: "missing" }
  /** The paper states a result in words (e.g. "fails to converge"). */
  | { readonly kind: "text"; readonly text: string }
  /** The row is ours only (baselines, extra variants). */
  | { readonly kind: "none" };

/** A cell: ours beside the paper's. */
export interface Cell {
  readonly ours: OursCell;
  readonly paper: PaperCell;
}

/** One row of a paper table. */
export interface TableRow {
  readonly label: string;
  /** The paper's row group ("fully supervised", …) or "ours, not in the paper". */
  readonly group: string;
  /** Column key → cell. */
  readonly cells: Readonly<Record<string, Cell>>;
}

/** A paper table reproduced. */
export interface PaperTable {
  /** `table1` … `table5` (or a section-specific id). */
  readonly id: string;
  readonly title: string;
  /** What is measured, in which unit, and which flavour (e.g. flip-invariant). */
  readonly caption: string;
  readonly columns: readonly { readonly key: string; readonly label: string }[];
  readonly rows: readonly TableRow[];
  /** Footnotes: protocol details, caveats, which configuration was picked. */
  readonly notes: readonly string[];
}

/** Whether a paper claim holds on our data. */
export type Verdict = "holds" | "does not hold" | "not measured in this run";

/** One qualitative claim of the paper, checked against our measurements. */
export interface ClaimResult {
  readonly id: string;
  /** The claim as the paper makes it. */
  readonly claim: string;
  /** Where the paper makes it. */
  readonly source: string;
  /** How we decide, in words (thresholds included). */
  readonly rule: string;
  readonly verdict: Verdict;
  /** Our numbers, in words. */
  readonly evidence: string;
  /** Evaluation refs behind the evidence. */
  readonly refs: readonly string[];
}

/** A chart: a Vega-Lite spec with its data inlined. */
export interface ChartBlock {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly spec: Record<string, unknown>;
}

/** A PNG image embedded in the report. */
export interface FigureBlock {
  readonly title: string;
  readonly caption: string;
  /** Base64 image bytes: PNG, unless `mime` says otherwise. */
  readonly pngBase64: string;
  /** `image/webp` for a figure the report stage re-encoded to keep report.html small. */
  readonly mime?: string;
}

/** A report block. */
export type Block =
  | { readonly type: "text"; readonly paragraphs: readonly string[] }
  | { readonly type: "table"; readonly table: PaperTable }
  | { readonly type: "claims"; readonly claims: readonly ClaimResult[] }
  | { readonly type: "chart"; readonly chart: ChartBlock }
  | { readonly type: "figures"; readonly title: string; readonly figures: readonly FigureBlock[] }
  | { readonly type: "provenance"; readonly rows: readonly ProvenanceRow[] };

/** One evaluation in the provenance appendix. */
export interface ProvenanceRow extends Provenance {
  readonly dataset: string;
  readonly variant: string;
  readonly priorSize: number;
  readonly seed: number | null;
  readonly tier: string | null;
  readonly backend: string | null;
  readonly perceptual: string | null;
  readonly steps: number | null;
  readonly dataKey: string;
  readonly trainKey: string;
  /** Train params that vary between the report's evaluations, "k=v, …". */
  readonly params: string;
}

/** A report section (Tables, Paper claims, Charts, …; later e.g. "Real data"). */
export interface Section {
  readonly id: string;
  readonly title: string;
  readonly blocks: readonly Block[];
}

/** The whole report. */
export interface Report {
  readonly title: string;
  readonly experiment: string;
  readonly sections: readonly Section[];
  /** The paper tables, claims and charts also shown in `sections` (for the other outputs). */
  readonly tables: readonly PaperTable[];
  readonly claims: readonly ClaimResult[];
  readonly charts: readonly ChartBlock[];
}
