/**
 * Runs side by side: evaluations as one measurement grid plus the paper rows they fill (the
 * report's table builder), and their training curves in one Vega-Lite chart (the report's
 * chart builder), one colour per run.
 *
 * @module
 */
import { lossCurvesSpec, lossPoints } from "../reports/charts_runs.ts";
import {
  chartBundle,
  type Displayable,
  displayable,
  JUPYTER_DISPLAY,
  labHtml,
  type MimeBundle,
} from "./display.ts";
import { type ArtifactHandle, CurvesHandle, EvaluationHandle } from "./handles.ts";
import { evaluationHtml } from "./tables_html.ts";

/** A comparison: shows the tables (evaluations) or the curves (training runs). */
export class Comparison implements Displayable {
  constructor(
    readonly labels: readonly string[],
    /** Loss curves of every run (Vega-Lite). */
    readonly curves: Displayable,
    readonly tables?: { readonly html: string; readonly text: string },
  ) {}

  [JUPYTER_DISPLAY](): MimeBundle | Promise<MimeBundle> {
    if (!this.tables) return this.curves[JUPYTER_DISPLAY]();
    return { "text/html": labHtml(this.tables.html), "text/plain": this.tables.text };
  }
}

/** Compares evaluations, or training (η pretraining) runs; other artifacts are an error. */
export async function compare(handles: readonly ArtifactHandle[]): Promise<Comparison> {
  if (handles.length === 0) throw new Error("compare needs at least one handle");
  const labels = handles.map((h) => h.label);
  const title = `curves of ${labels.join(" vs ")}`;
  if (handles.every((h) => h instanceof EvaluationHandle)) {
    const items = await Promise.all(
      handles.map(async (handle) => ({ handle, record: await handle.record() })),
    );
    const points = items.flatMap(({ handle, record }) =>
      lossPoints(record.training, handle.label, handle.key.slice(0, 12))
    );
    const curves = displayable(await chartBundle(lossCurvesSpec(points), title));
    return new Comparison(labels, curves, evaluationHtml(items));
  }
  if (handles.every((h) => h instanceof CurvesHandle)) {
    const all = await Promise.all(
      handles.map(async (h) => lossPoints(await h.curves(), h.label, h.key.slice(0, 12))),
    );
    return new Comparison(
      labels,
      displayable(await chartBundle(lossCurvesSpec(all.flat()), title)),
    );
  }
  const stages = [...new Set(handles.map((h) => h.stage))].join(", ");
  throw new Error(
    `compare takes evaluate handles or train/pretrain_regressor handles, not a mix (${stages})`,
  );
}
