/**
 * Builds the report from the evaluations and writes its files into a folder: tables.txt, .md,
 * .csv, .json, claims.json, one SVG per chart under charts/ and the offline report.html.
 *
 * @module
 */
import { join } from "node:path";
import {
  APPROACH_FRACTION,
  FAILS_TO_CONVERGE_FRACTION,
  NO_HELP_TOLERANCE,
  PRIOR_CLOSE_TOLERANCE,
} from "./claims.ts";
import { renderHtml } from "./html.ts";
import { renderTablesCsv } from "./render_csv.ts";
import { renderTablesMarkdown } from "./render_markdown.ts";
import { renderTablesText } from "./render_text.ts";
import { buildReport, missingLines, provenanceRows } from "./assemble.ts";
import { realDataSection } from "./real_data.ts";
import { renderSvg } from "./svg.ts";
import type { EvaluationInput, FigureBlock } from "./types.ts";
import { loadVegaScripts } from "./vendor.ts";

const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";

/** What the report is built from, besides the evaluations. */
export interface ReportRequest {
  readonly experiment: string;
  /** Runs without an evaluation (their cells read "not run"). */
  readonly missing: readonly { variant: string; reason: string }[];
  /** Empty: "KeypointGAN — <experiment>". */
  readonly title: string;
  readonly figures: Map<string, FigureBlock[]>;
  readonly contactSheets: FigureBlock[];
  /** Progress over the charts and the HTML. */
  readonly progress: (done: number, total: number, what?: string) => void;
}

/** Builds the report and writes its files into `outDir`; returns it. */
export async function writeReport(
  outDir: string,
  inputs: readonly EvaluationInput[],
  req: ReportRequest,
): Promise<ReturnType<typeof buildReport>> {
  const { experiment, missing } = req;
  const extras = { figures: req.figures, contactSheets: req.contactSheets };
  const rep = buildReport(inputs, {
    experiment: experiment,
    missing,
    title: req.title || undefined,
    ...extras,
    extraSections: [realDataSection],
  });
  const prov = inputs.map((i) => i.provenance);
  const out = (f: string) => join(outDir, f);
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
      experiment: experiment,
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
    json({ experiment: experiment, thresholds, claims: rep.claims, evaluations }),
  );
  await Deno.mkdir(out("charts"));
  for (const [i, chart] of rep.charts.entries()) {
    await Deno.writeTextFile(
      out(`charts/${chart.id}.svg`),
      await renderSvg(chart.spec, chart.id),
    );
    req.progress(i + 1, rep.charts.length + 1, chart.id);
  }
  await Deno.writeTextFile(out("report.html"), renderHtml(rep, await loadVegaScripts()));
  req.progress(rep.charts.length + 1, rep.charts.length + 1);
  return rep;
}
