/**
 * Markdown rendering of the paper tables: each cell reads "ours (paper value) [refs]"; the refs
 * resolve in the provenance list at the end.
 *
 * @module
 */
import { oursText, paperText, refsText } from "./format.ts";
import type { PaperTable, Provenance } from "./types.ts";

/** Escapes text for a Markdown table cell. */
export function mdCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** One table as GitHub-flavoured Markdown. */
export function renderTableMarkdown(t: PaperTable): string {
  const lines = [
    `## ${mdCell(t.title)}`,
    "",
    mdCell(t.caption),
    "",
    `| | ${t.columns.map((c) => mdCell(c.label)).join(" | ")} |`,
    `|---|${t.columns.map(() => "---").join("|")}|`,
  ];
  let group = "";
  for (const row of t.rows) {
    if (row.group !== group) {
      group = row.group;
      lines.push(`| ***${mdCell(group)}*** |${t.columns.map(() => " ").join("|")}|`);
    }
    const cells = t.columns.map((c) => {
      const cell = row.cells[c.key], refs = refsText(cell.ours);
      const ours = cell.ours.status === "measured"
        ? `**${oursText(cell.ours)}**`
        : oursText(cell.ours);
      return mdCell(`${ours} (paper: ${paperText(cell.paper)})${refs ? ` [${refs}]` : ""}`);
    });
    lines.push(`| ${mdCell(row.label)} | ${cells.join(" | ")} |`);
  }
  return [...lines, "", ...t.notes.map((n) => `- ${mdCell(n)}`), ""].join("\n");
}

/** All tables plus the provenance of every cited evaluation. */
export function renderTablesMarkdown(
  title: string,
  tables: readonly PaperTable[],
  provenance: readonly Provenance[],
): string {
  const head = [
    `# ${mdCell(title)}`,
    "",
    "Each cell: **ours** (mean ± sd over seeds when several) (paper value) [evaluations].",
    "",
  ];
  const prov = [
    "## Evaluations",
    "",
    "| ref | variants | experiment | run | evaluation artifact |",
    "|---|---|---|---|---|",
    ...provenance.map((p) =>
      `| ${p.ref} | ${mdCell(p.variants.join(", "))} | ${mdCell(p.experiment)} | ${
        mdCell(p.runId)
      } | \`${p.artifactKey}\` |`
    ),
    "",
  ];
  return [...head, ...tables.map(renderTableMarkdown), ...prov].join("\n");
}
