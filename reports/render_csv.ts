/**
 * CSV rendering: one line per table cell (long format), with our mean, sd, seed count, the
 * paper's value and the provenance of our number — ready for pandas, R or a spreadsheet.
 *
 * @module
 */
import type { OursCell, PaperTable, Provenance } from "./types.ts";

/** RFC 4180 field quoting. */
export function csvField(v: string | number | null): string {
  if (v === null) return "";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const HEADER = [
  "table",
  "group",
  "row",
  "column",
  "ours_mean",
  "ours_sd",
  "ours_seeds",
  "ours_status",
  "ours_note",
  "paper_value",
  "paper_status",
  "variants",
  "run_ids",
  "artifact_keys",
];

function oursFields(o: OursCell): (string | number | null)[] {
  return o.status === "measured"
    ? [o.mean, o.sd, o.values.length, o.status, ""]
    : [null, null, 0, o.status, o.note];
}

/** All cells of all tables as CSV (header included). */
export function renderTablesCsv(
  tables: readonly PaperTable[],
  provenance: readonly Provenance[],
): string {
  const byRef = new Map(provenance.map((p) => [p.ref, p]));
  const lines = [HEADER.join(",")];
  for (const t of tables) {
    for (const row of t.rows) {
      for (const col of t.columns) {
        const c = row.cells[col.key];
        const prov = c.ours.status === "measured"
          ? c.ours.refs.map((r) => byRef.get(r)!).filter(Boolean)
          : [];
        const paper = c.paper.kind === "value" ? c.paper.value : null;
        const paperStatus = c.paper.kind === "text" ? c.paper.text : c.paper.kind;
        lines.push(
          [
            t.id,
            row.group,
            row.label,
            col.key,
            ...oursFields(c.ours),
            paper,
            paperStatus,
            prov.map((p) => p.variants.join("+")).join(";"),
            [...new Set(prov.map((p) => p.runId))].join(";"),
            prov.map((p) => p.artifactKey).join(";"),
          ].map(csvField).join(","),
        );
      }
    }
  }
  return lines.join("\n") + "\n";
}
