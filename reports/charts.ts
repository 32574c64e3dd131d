/**
 * The report's charts (Vega-Lite specs, data inlined): per-activity bars ours vs paper (Table 1),
 * ablation bars with seed error bars (Table 4), the prior-size curve (Table 5), the error
 * distribution per keypoint, and training curves of every loss per variant.
 *
 * @module
 */
import type { DatasetKind } from "../keypointgan/data/types.ts";
import { learningChart } from "./charts_learning.ts";
import { keypointChart, trainingChart } from "./charts_runs.ts";
import { ablationChart, activityChart, priorChart } from "./charts_tables.ts";
import type { ChartBlock, EvaluationInput, PaperTable } from "./types.ts";

export { ablationChart, activityChart, keypointChart, priorChart, trainingChart };

/** Every chart the evaluations support, in report order. */
export function buildCharts(
  inputs: readonly EvaluationInput[],
  tables: readonly PaperTable[],
): ChartBlock[] {
  const table = (id: string) => tables.find((t) => t.id === id);
  const kinds: DatasetKind[] = ["humans", "faces", "cats"];
  return [
    table("table1") ? activityChart(table("table1")!) : null,
    table("table4") ? ablationChart(inputs, table("table4")!) : null,
    priorChart(inputs),
    ...kinds.map((k) => keypointChart(inputs, k)),
    ...kinds.map((k) => learningChart(inputs, k)),
    ...kinds.map((k) => trainingChart(inputs, k)),
  ].filter((c): c is ChartBlock => c !== null);
}
