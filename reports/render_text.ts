/**
 * Terminal rendering of the paper tables with cli-table3: each cell shows ours on the first
 * line, the paper's value on the second and the evaluation refs on the third; the legend of
 * refs (experiment, variant, run id, artifact key) follows the tables.
 *
 * @module
 */
import Table from "cli-table3";
import { oursText, paperText, refsText } from "./format.ts";
import type { PaperTable, Provenance } from "./types.ts";

/** Wraps long text at spaces so cli-table3 columns stay narrow. */
function wrap(text: string, width: number): string {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) out.push(line), line = word;
    else line = line ? `${line} ${word}` : word;
  }
  return [...out, line].join("\n");
}

function cellText(t: PaperTable, rowIndex: number, key: string, width: number): string {
  const c = t.rows[rowIndex].cells[key];
  const refs = refsText(c.ours);
  return [
    wrap(`ours ${oursText(c.ours)}`, width),
    wrap(`paper: ${paperText(c.paper)}`, width),
    ...(refs ? [wrap(`[${refs}]`, width)] : []),
  ].join("\n");
}

/** One table as text (no colours, so it reads the same in a file and a terminal). */
export function renderTableText(t: PaperTable): string {
  const width = t.columns.length > 3 ? 14 : 22;
  const table = new Table({
    head: ["", ...t.columns.map((c) => c.label)],
    style: { head: [], border: [] },
    wordWrap: false,
  });
  let group = "";
  t.rows.forEach((row, i) => {
    if (row.group !== group) {
      group = row.group;
      table.push([{ colSpan: t.columns.length + 1, content: group }]);
    }
    table.push([wrap(row.label, 28), ...t.columns.map((c) => cellText(t, i, c.key, width))]);
  });
  const notes = t.notes.map((n) => wrap(`* ${n}`, 100)).join("\n");
  return `${t.title}\n${wrap(t.caption, 100)}\n${table.toString()}\n${notes}\n`;
}

/** All tables plus the legend of the evaluation refs they cite. */
export function renderTablesText(
  tables: readonly PaperTable[],
  provenance: readonly Provenance[],
): string {
  const cited = new Set(
    tables.flatMap((t) =>
      t.rows.flatMap((r) =>
        Object.values(r.cells).flatMap((c) => c.ours.status === "measured" ? c.ours.refs : [])
      )
    ),
  );
  const legend = provenance.filter((p) => cited.has(p.ref)).map((p) =>
    `[${p.ref}] ${
      p.variants.join(", ")
    } · experiment ${p.experiment} · run ${p.runId} · evaluation ${p.artifactKey.slice(0, 12)}`
  );
  return [...tables.map(renderTableText), "Evaluations cited:", ...legend, ""].join("\n");
}
