/**
 * Builds the paper's tables from evaluations: every cell holds our value (mean ± sd over seeds)
 * beside the paper's, with refs to the evaluations behind it.
 *
 * @module
 */
import { PAPER_TABLES } from "./paper/mod.ts";
import type { OursSpec, TableSpec } from "./paper/spec.ts";
import { type Config, findConfigs, groupConfigs, measure } from "./configurations.ts";
import type { Cell, EvaluationInput, OursCell, PaperTable, TableRow } from "./types.ts";
import { nonOfficialSettings } from "../keypointgan/model/levers.ts";

function oursCell(configs: readonly Config[], spec: OursSpec): OursCell {
  if (spec === "not_reproduced") return { status: "not_reproduced", note: "not reproduced" };
  if ("notApplicable" in spec) return { status: "not_applicable", note: spec.notApplicable };
  return measure(configs, spec.from, spec.metric);
}

/** Notes about what the measured cells of one row drew from (ambiguities, prior sizes). */
function rowNotes(configs: readonly Config[], spec: TableSpec, rowIndex: number): string[] {
  const row = spec.rows[rowIndex], notes = new Set<string>();
  for (const col of spec.columns) {
    const o = row.ours(col.key);
    if (o === "not_reproduced" || "notApplicable" in o) continue;
    const found = findConfigs(configs, o.from);
    if (found.length > 1) {
      const labels = found.map((c) => c.members[0].provenance.variants.join("+")).join("; ");
      notes.add(
        `"${row.label}" (${o.from.kind}): ${found.length} configurations match (${labels}); the first is shown.`,
      );
    }
    const size = o.from.priorSize ?? 0, used = found[0]?.record.model.priorUsed;
    if (size > 0 && used !== undefined && used < size) {
      notes.add(
        `"${row.label}" (${o.from.kind}): the prior holds only ${used} poses, so this row uses all of them.`,
      );
    }
  }
  return [...notes];
}

/** Which dataset each kind's cells came from, once per table. */
function datasetNotes(configs: readonly Config[], table: PaperTable): string[] {
  const refs = new Set(
    table.rows.flatMap((r) => Object.values(r.cells)).flatMap((c) =>
      c.ours.status === "measured" ? c.ours.refs : []
    ),
  );
  const seen = new Map<string, string>();
  for (const c of configs) {
    for (const m of c.members) {
      if (!refs.has(m.provenance.ref)) continue;
      const d = m.record.dataset;
      const tier = m.record.model.tier ? `, ${m.record.model.tier} tier` : "";
      seen.set(
        c.datasetId,
        `Ours: ${d.kind} from dataset "${d.name}" (${d.counts.test} test images, ${d.imageSize}×${d.imageSize}${tier}; prior: ${d.priorSource}, ${d.counts.prior} poses).`,
      );
    }
  }
  return [...seen.values()];
}

/**
 * One note per set of non-official training settings (`nonOfficialSettings`), naming the rows
 * (and datasets) whose models used it. Cells that read the mean pose of the labels are not a
 * trained model and carry no note, though they cite the evaluation they were read from.
 */
function settingNotes(configs: readonly Config[], table: PaperTable, spec: TableSpec): string[] {
  const rowsBySetting = new Map<string, Map<string, Set<string>>>();
  table.rows.forEach((row, i) => {
    const refs = new Set(
      Object.entries(row.cells).flatMap(([col, c]) => {
        const o = spec.rows[i].ours(col);
        const meanPose = typeof o === "object" && "metric" in o &&
          o.metric.predictor === "mean_pose";
        return c.ours.status === "measured" && !meanPose ? c.ours.refs : [];
      }),
    );
    for (const c of configs) {
      const m = c.members.find((m) => refs.has(m.provenance.ref));
      const settings = m ? nonOfficialSettings(m.record.model.params) : [];
      if (!m || !settings.length) continue;
      const key = settings.join(", ");
      const rows = rowsBySetting.get(key) ?? new Map<string, Set<string>>();
      rows.set(row.label, (rows.get(row.label) ?? new Set()).add(m.record.dataset.kind));
      rowsBySetting.set(key, rows);
    }
  });
  return [...rowsBySetting].map(([settings, rows]) =>
    `Trained with ${settings}: ${
      [...rows].map(([label, kinds]) => `"${label}" (${[...kinds].join(", ")})`).join("; ")
    }.`
  );
}

/** Builds one table from its spec. */
export function buildTable(configs: readonly Config[], spec: TableSpec): PaperTable {
  const rows: TableRow[] = spec.rows.map((row) => ({
    label: row.label,
    group: row.group,
    cells: Object.fromEntries(spec.columns.map((col): [string, Cell] => [
      col.key,
      { ours: oursCell(configs, row.ours(col.key)), paper: row.paper[col.key] ?? { kind: "none" } },
    ])),
  }));
  const table: PaperTable = {
    id: spec.id,
    title: spec.title,
    caption: spec.caption,
    columns: spec.columns,
    rows,
    notes: [...spec.notes, ...spec.rows.flatMap((_, i) => rowNotes(configs, spec, i))],
  };
  const failures = new Set(
    rows.flatMap((r) => Object.values(r.cells)).flatMap((c) =>
      c.ours.status === "failed" && c.ours.detail ? [c.ours.detail] : []
    ),
  );
  return {
    ...table,
    notes: [
      ...table.notes,
      ...failures,
      ...settingNotes(configs, table, spec),
      ...datasetNotes(configs, table),
    ],
  };
}

/** Tables 1–5 (or the given specs) from a list of evaluations. */
export function buildTables(
  inputs: readonly EvaluationInput[],
  specs: readonly TableSpec[] = PAPER_TABLES,
): PaperTable[] {
  const configs = groupConfigs(inputs);
  return specs.map((spec) => buildTable(configs, spec));
}
