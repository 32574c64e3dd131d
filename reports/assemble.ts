/**
 * Assembles the report from evaluations: summary, Tables 1–5, paper claims, charts,
 * qualitative figures, dataset contact sheets and provenance. Further sections (e.g. issue 9's
 * "Real data") plug in as {@link SectionBuilder}s and render everywhere without renderer changes.
 *
 * @module
 */
import { buildCharts } from "./charts.ts";
import { checkClaims } from "./claims.ts";
import { buildTables } from "./tables.ts";
import type {
  ChartBlock,
  ClaimResult,
  EvaluationInput,
  FigureBlock,
  PaperTable,
  ProvenanceRow,
  Report,
  Section,
} from "./types.ts";

/** What every section builder sees. */
export interface ReportContext {
  readonly experiment: string;
  readonly inputs: readonly EvaluationInput[];
  readonly tables: readonly PaperTable[];
  readonly claims: readonly ClaimResult[];
  readonly charts: readonly ChartBlock[];
  /** Evaluation ref → its qualitative figures (PNG). */
  readonly figures: ReadonlyMap<string, readonly FigureBlock[]>;
  /** One contact sheet per dataset. */
  readonly contactSheets: readonly FigureBlock[];
  /** Runs whose evaluation is missing (their training failed or was skipped). */
  readonly missing: readonly MissingRun[];
}

/** A run of the experiment without an evaluation, and why. */
export interface MissingRun {
  readonly variant: string;
  readonly reason: string;
}

/** "label — reason" lines for the runs without an evaluation. */
export function missingLines(missing: readonly MissingRun[]): string[] {
  return missing.map((m) => `${m.variant} — ${m.reason}`);
}

/** Builds one report section, or null when the evaluations have nothing for it. */
export type SectionBuilder = (ctx: ReportContext) => Section | null;

const uniq = <T>(xs: readonly T[]) => [...new Set(xs)];

function summarySection(ctx: ReportContext): Section {
  const recs = ctx.inputs.map((i) => i.record);
  const datasets = uniq(
    recs.map((r) =>
      `${r.dataset.kind}: "${r.dataset.name}" — ${r.dataset.counts.train} training / ${r.dataset.counts.test} test ` +
      `frames at ${r.dataset.imageSize}×${r.dataset.imageSize}, prior: ${r.dataset.priorSource} ` +
      `(${r.dataset.counts.prior} poses)`
    ),
  );
  const list = (f: (r: (typeof recs)[number]) => unknown) =>
    uniq(recs.map((r) => String(f(r) ?? "unknown"))).join(", ");
  const held = ctx.claims.filter((c) => c.verdict === "holds").length;
  const notHeld = ctx.claims.filter((c) => c.verdict === "does not hold").length;
  return {
    id: "summary",
    title: "Summary",
    blocks: [{
      type: "text",
      paragraphs: [
        `Experiment "${ctx.experiment}": ${ctx.inputs.length} evaluations. Tier: ${
          list((r) => r.model.tier)
        }; ` +
        `backend: ${list((r) => r.model.backend)}; perceptual network: ${
          list((r) => r.model.perceptual)
        }; ` +
        `training steps: ${list((r) => r.model.steps)}.`,
        ...(ctx.missing.length
          ? [
            `${ctx.missing.length} run(s) have no evaluation (failed or skipped; their cells read ` +
            `"not run"): ${missingLines(ctx.missing).join("; ")}.`,
          ]
          : []),
        ...datasets.map((d) => `Dataset ${d}.`),
        "Each table cell shows our value (mean ± sd over seeds when there are several), the paper's value, " +
        "and the evaluations behind our number (see Provenance). The paper's values were measured on its " +
        "datasets at its scale; ours on the datasets above.",
        `Paper claims: ${held} hold, ${notHeld} do not hold, ${
          ctx.claims.length - held - notHeld
        } not measured in this run.`,
      ],
    }],
  };
}

const tablesSection: SectionBuilder = (ctx) => ({
  id: "tables",
  title: "Paper tables",
  blocks: ctx.tables.map((table) => ({ type: "table" as const, table })),
});

const claimsSection: SectionBuilder = (ctx) => ({
  id: "claims",
  title: "Paper claims",
  blocks: [{ type: "claims", claims: ctx.claims }],
});

const chartsSection: SectionBuilder = (ctx) => {
  const charts = ctx.charts;
  if (charts.length === 0) return null;
  return {
    id: "charts",
    title: "Charts",
    blocks: charts.map((chart) => ({ type: "chart" as const, chart })),
  };
};

const figuresSection: SectionBuilder = (ctx) => {
  const blocks = ctx.inputs.flatMap(({ provenance: p, record: r }) => {
    const figures = ctx.figures.get(p.ref) ?? [];
    const title = `${p.ref} · ${p.variants.join(", ")} (${r.dataset.kind}, ${r.model.variant})`;
    return figures.length > 0 ? [{ type: "figures" as const, title, figures }] : [];
  });
  return blocks.length > 0 ? { id: "figures", title: "Qualitative figures", blocks } : null;
};

const datasetsSection: SectionBuilder = (ctx) =>
  ctx.contactSheets.length > 0
    ? {
      id: "datasets",
      title: "Datasets",
      blocks: [{ type: "figures", title: "Contact sheets", figures: ctx.contactSheets }],
    }
    : null;

/** The train params every evaluation shares, and the names of those that vary between them. */
export function splitParams(inputs: readonly EvaluationInput[]): {
  common: Record<string, unknown>;
  varying: string[];
} {
  const keys = [...new Set(inputs.flatMap((i) => Object.keys(i.record.model.params)))].sort();
  const same = (k: string) =>
    inputs.every((i) =>
      JSON.stringify(i.record.model.params[k]) === JSON.stringify(inputs[0].record.model.params[k])
    );
  const common = Object.fromEntries(
    keys.filter(same).map((k) => [k, inputs[0].record.model.params[k]]),
  );
  return { common, varying: keys.filter((k) => !same(k)) };
}

const kv = (params: Readonly<Record<string, unknown>>, keys: readonly string[]) =>
  keys.map((k) => `${k}=${JSON.stringify(params[k])}`).join(", ");

/** One provenance row per evaluation. */
export function provenanceRows(inputs: readonly EvaluationInput[]): ProvenanceRow[] {
  const { varying } = splitParams(inputs);
  return inputs.map(({ provenance: p, record: r }) => ({
    ...p,
    dataset: `${r.dataset.kind}: ${r.dataset.name}`,
    variant: r.model.variant,
    priorSize: r.model.priorSize,
    seed: r.model.seed,
    tier: r.model.tier,
    backend: r.model.backend,
    perceptual: r.model.perceptual,
    steps: r.model.steps,
    dataKey: r.dataset.artifactKey,
    trainKey: r.model.artifactKey,
    params: kv(r.model.params, varying),
  }));
}

const provenanceSection: SectionBuilder = (ctx) => {
  const { common } = splitParams(ctx.inputs);
  const shared = `Train params shared by every evaluation: ${kv(common, Object.keys(common))}.`;
  return {
    id: "provenance",
    title: "Provenance",
    blocks: [
      {
        type: "text",
        paragraphs: [shared, "The table lists the train params that vary between them."],
      },
      { type: "provenance", rows: provenanceRows(ctx.inputs) },
    ],
  };
};

/** Options of {@link buildReport}. */
export interface ReportOptions {
  readonly experiment: string;
  readonly title?: string;
  readonly figures?: ReadonlyMap<string, readonly FigureBlock[]>;
  readonly contactSheets?: readonly FigureBlock[];
  /** Sections inserted before Provenance (e.g. "Real data"). */
  readonly extraSections?: readonly SectionBuilder[];
  /** Runs without an evaluation (partial fan-in), listed in the summary. */
  readonly missing?: readonly MissingRun[];
}

/** The whole report as data. */
export function buildReport(inputs: readonly EvaluationInput[], opts: ReportOptions): Report {
  const tables = buildTables(inputs);
  const ctx: ReportContext = {
    experiment: opts.experiment,
    inputs,
    tables,
    claims: checkClaims(inputs),
    charts: buildCharts(inputs, tables),
    figures: opts.figures ?? new Map(),
    contactSheets: opts.contactSheets ?? [],
    missing: opts.missing ?? [],
  };
  const build = (bs: readonly SectionBuilder[]) =>
    bs.map((b) => b(ctx)).filter((s): s is Section => s !== null);
  const base = [summarySection, tablesSection, claimsSection, chartsSection, figuresSection];
  const extra = build(opts.extraSections ?? []);
  // Tables of extra sections (e.g. "Real data") also reach the text, Markdown, CSV and JSON outputs.
  const extraTables = extra.flatMap((s) =>
    s.blocks.flatMap((b) => b.type === "table" ? [b.table] : [])
  );
  return {
    title: opts.title ?? `KeypointGAN — ${opts.experiment}`,
    experiment: opts.experiment,
    sections: [...build([...base, datasetsSection]), ...extra, ...build([provenanceSection])],
    tables: [...tables, ...extraTables],
    claims: ctx.claims,
    charts: ctx.charts,
  };
}
