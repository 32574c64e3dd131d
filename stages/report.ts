/**
 * `report`: fan-in over every evaluation of the experiment → the paper's Tables 1–5 with the
 * paper's values beside ours (terminal, Markdown, CSV, JSON), the paper claims checked on our
 * numbers, and one self-contained offline HTML report with charts and figures.
 *
 * Reads only its declared inputs (the evaluation artifacts); every `metrics.json` is validated
 * before any output is written. Glue: reading in reports/report_inputs.ts, building and writing
 * in reports/report_files.ts.
 *
 * @module
 */
import { z } from "zod";
import { type ArtifactRef, defineStage } from "../pipeline/stage.ts";
import { readEvaluations, readFigures } from "../reports/report_inputs.ts";
import { writeReport } from "../reports/report_files.ts";

const params = z.strictObject({
  /** Report title; empty = "KeypointGAN — <experiment>". */
  title: z.string().default(""),
  /**
   * Qualitative figures embedded in report.html: `main` = KeypointGAN and CycleGAN per dataset
   * (first seed, full prior), `all` = every evaluation (large files), `none`.
   */
  figures: z.enum(["main", "all", "none"]).default("main"),
});

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
    const rep = await writeReport(ctx.outDir, inputs, {
      experiment: ctx.experiment,
      missing,
      title: ctx.params.title,
      ...extras,
      progress: ctx.progress,
    });
    const count = (v: string) => rep.claims.filter((c) => c.verdict === v).length;
    return {
      evaluations: inputs.length,
      claimsHold: count("holds"),
      claimsFail: count("does not hold"),
      claimsUnmeasured: count("not measured in this run"),
    };
  },
});
