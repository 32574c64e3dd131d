/**
 * `report`: fan-in over every evaluation of the experiment → the paper's Tables 1–5 with the
 * paper's values beside ours (terminal, Markdown, CSV, JSON), the paper claims checked on our
 * numbers, and one self-contained offline HTML report with charts and figures.
 *
 * Reads only its declared inputs (the evaluation artifacts); every `metrics.json` is validated
 * before any output is written.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { defineStage } from "../pipeline/stage.ts";
import type { ArtifactRef } from "../pipeline/stage.ts";
import {
  APPROACH_FRACTION,
  FAILS_TO_CONVERGE_FRACTION,
  NO_HELP_TOLERANCE,
  PRIOR_CLOSE_TOLERANCE,
} from "../reports/claims.ts";
import { renderHtml } from "../reports/html.ts";
import { renderTablesCsv } from "../reports/render_csv.ts";
import { renderTablesMarkdown } from "../reports/render_markdown.ts";
import { renderTablesText } from "../reports/render_text.ts";
import { type FigureMode, figureRefs } from "../reports/figure_select.ts";
import { buildReport, missingLines, provenanceRows } from "../reports/assemble.ts";
import { realDataSection } from "../reports/real_data.ts";
import { renderSvg } from "../reports/svg.ts";
import type { EvaluationInput, FigureBlock } from "../reports/types.ts";
import { loadVegaScripts } from "../reports/vendor.ts";
import { compactImage } from "../keypointgan/viz/compact_image.ts";
import { parseEvaluationRecord } from "./_evaluation_schema.ts";

const params = z.strictObject({
  /** Report title; empty = "KeypointGAN — <experiment>". */
  title: z.string().default(""),
  /**
   * Qualitative figures embedded in report.html: `main` = KeypointGAN and CycleGAN per dataset
   * (first seed, full prior), `all` = every evaluation (large files), `none`.
   */
  figures: z.enum(["main", "all", "none"]).default("main"),
});

/**
 * Reads and validates every evaluation (all of them before any work). A fan-in lists one element
 * per variant run; runs that share an evaluation artifact become one input with all their labels.
 */
async function readEvaluations(
  refs: readonly ArtifactRef[],
  experiment: string,
): Promise<EvaluationInput[]> {
  const byKey = new Map<string, { ref: ArtifactRef; labels: string[] }>();
  for (const ref of refs) {
    const entry = byKey.get(ref.key) ?? { ref, labels: [] };
    for (const label of ref.variant !== undefined ? [ref.variant] : ref.variants) {
      if (!entry.labels.includes(label)) entry.labels.push(label);
    }
    byKey.set(ref.key, entry);
  }
  return await Promise.all([...byKey.values()].map(async ({ ref, labels }, i) => {
    const file = join(ref.dir, "metrics.json");
    const record = parseEvaluationRecord(await Deno.readTextFile(file), file);
    const provenance = {
      ref: `E${i + 1}`,
      experiment,
      variants: labels,
      runId: ref.runId,
      artifactKey: ref.key,
    };
    return { record, provenance };
  }));
}

/** A figure's bytes for report.html: WebP where smaller (a fifth of the PNG, issue 18). */
async function png(dir: string, file: string): Promise<{ pngBase64: string; mime: string }> {
  const { bytes, mime } = await compactImage(await Deno.readFile(join(dir, file)));
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return { pngBase64: btoa(s), mime };
}

/** Model figures per evaluation ref, and one contact sheet per dataset artifact. */
async function readFigures(
  refs: readonly ArtifactRef[],
  inputs: readonly EvaluationInput[],
  mode: FigureMode,
) {
  const embed = figureRefs(inputs, mode);
  const figures = new Map<string, FigureBlock[]>(), sheets = new Map<string, FigureBlock>();
  for (const { record, provenance } of inputs) {
    const dir = refs.find((r) => r.key === provenance.artifactKey)!.dir;
    for (const f of record.figures) {
      if (f.kind === "dataset") {
        const title = `${record.dataset.kind}: ${record.dataset.name}`;
        if (!sheets.has(record.dataset.artifactKey)) {
          sheets.set(record.dataset.artifactKey, {
            title,
            caption: f.caption,
            ...await png(dir, f.file),
          });
        }
      } else if (embed.has(provenance.ref)) {
        const list = figures.get(provenance.ref) ?? [];
        list.push({ title: f.title, caption: f.caption, ...await png(dir, f.file) });
        figures.set(provenance.ref, list);
      }
    }
  }
  return { figures, contactSheets: [...sheets.values()] };
}

const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";

/** The `report` stage. */
export default defineStage({
  name: "report",
  version: 1,
  description:
    "Paper Tables 1–5 (ours beside the paper), paper claims, and the offline HTML report",
  params,
  // Partial: a failed training must not hide every other table; its cells read "not run" and
  // the report names it (and is recomputed on the next run until complete).
  inputs: { evaluations: { stage: "evaluate", from: "all", partial: true } },
  outputs: [
    "tables.txt",
    "tables.md",
    "tables.csv",
    "tables.json",
    "claims.json",
    "report.html",
    "charts/",
  ],
  display: "tables.txt",
  cost: () => 5,
  async run(ctx) {
    const refs = ctx.inputs.evaluations as ArtifactRef[];
    const inputs = await readEvaluations(refs, ctx.experiment);
    const extras = await readFigures(refs, inputs, ctx.params.figures);
    const missing = (ctx.missing.evaluations ?? []).map((m) => ({
      variant: m.variant,
      reason: m.reason,
    }));
    const rep = buildReport(inputs, {
      experiment: ctx.experiment,
      missing,
      title: ctx.params.title || undefined,
      ...extras,
      extraSections: [realDataSection],
    });
    const prov = inputs.map((i) => i.provenance);
    const out = (f: string) => join(ctx.outDir, f);
    // The store's location is the user's, not part of the artifact; the CLI prints the folder.
    const where = "HTML report: report.html beside this file (tables.md, .csv, .json, claims.json)";
    const gone = missing.length
      ? `Runs without an evaluation (cells read "not run"):\n${
        missingLines(missing).map((l) => `  ✖ ${l}`).join("\n")
      }\n`
      : "";
    await Deno.writeTextFile(
      out("tables.txt"),
      `${renderTablesText(rep.tables, prov)}\n${gone}${where}\n`,
    );
    await Deno.writeTextFile(out("tables.md"), renderTablesMarkdown(rep.title, rep.tables, prov));
    await Deno.writeTextFile(out("tables.csv"), renderTablesCsv(rep.tables, prov));
    const evaluations = provenanceRows(inputs);
    await Deno.writeTextFile(
      out("tables.json"),
      json({
        format: "keypointgan-tables",
        experiment: ctx.experiment,
        tables: rep.tables,
        evaluations,
      }),
    );
    const thresholds = {
      NO_HELP_TOLERANCE,
      PRIOR_CLOSE_TOLERANCE,
      FAILS_TO_CONVERGE_FRACTION,
      APPROACH_FRACTION,
    };
    await Deno.writeTextFile(
      out("claims.json"),
      json({ experiment: ctx.experiment, thresholds, claims: rep.claims, evaluations }),
    );
    await Deno.mkdir(out("charts"));
    for (const [i, chart] of rep.charts.entries()) {
      await Deno.writeTextFile(
        out(`charts/${chart.id}.svg`),
        await renderSvg(chart.spec, chart.id),
      );
      ctx.progress(i + 1, rep.charts.length + 1, chart.id);
    }
    await Deno.writeTextFile(out("report.html"), renderHtml(rep, await loadVegaScripts()));
    ctx.progress(rep.charts.length + 1, rep.charts.length + 1);
    const count = (v: string) => rep.claims.filter((c) => c.verdict === v).length;
    return {
      evaluations: inputs.length,
      claimsHold: count("holds"),
      claimsFail: count("does not hold"),
      claimsUnmeasured: count("not measured in this run"),
    };
  },
});
