/** The report's stylesheet (inlined into report.html). @module */

/** CSS of the HTML report: readable tables, ours in bold beside the paper's value in grey. */
export const REPORT_CSS = `
:root { --ours: #1f4e79; --paper: #777; --line: #ddd; --bg: #fafafa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #222; background: #fff; }
header { padding: 16px 28px; border-bottom: 1px solid var(--line); background: var(--bg); position: sticky; top: 0; z-index: 2; }
header h1 { margin: 0 0 6px; font-size: 22px; }
nav a { color: var(--ours); text-decoration: none; }
main { padding: 8px 28px 40px; max-width: 1400px; }
section { margin-top: 28px; }
h2 { border-bottom: 2px solid var(--ours); padding-bottom: 4px; }
h3 { margin: 22px 0 6px; font-size: 16px; }
p.caption, figcaption, .small, ul.notes { color: #555; font-size: 12.5px; }
ul.notes { margin: 6px 0 0; padding-left: 18px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; }
table.paper-table td, table.paper-table th { border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; }
table.paper-table thead th { background: var(--bg); }
table.paper-table th.row { text-align: left; font-weight: normal; max-width: 340px; }
table.paper-table tr.group th { text-align: left; background: #eef3f8; font-style: italic; font-weight: 600; }
table.paper-table td { min-width: 92px; }
td .ours { display: block; font-weight: 700; color: var(--ours); white-space: nowrap; }
td .ours.missing { font-weight: 400; color: #999; font-style: italic; white-space: normal; }
td .paper { display: block; color: var(--paper); font-size: 12px; }
td .refs { display: block; font-size: 11px; }
td .refs a, table.provenance a { color: #888; }
table.claims td, table.claims th, table.provenance td, table.provenance th { border: 1px solid var(--line); padding: 5px 8px; vertical-align: top; text-align: left; }
table.claims thead th, table.provenance thead th { background: var(--bg); }
.verdict { display: inline-block; padding: 2px 8px; border-radius: 10px; font-size: 12px; white-space: nowrap; }
.verdict.holds { background: #d8f0d8; color: #16661a; }
.verdict.fails { background: #f8d8d6; color: #9b1c14; }
.verdict.unmeasured { background: #eee; color: #666; }
table.provenance { font-size: 12px; width: 100%; }
table.provenance td { overflow-wrap: anywhere; }
table.claims td { overflow-wrap: anywhere; }
table.provenance tr:target { background: #fff6cc; }
.chart-block { margin: 18px 0; }
.chart { min-height: 40px; overflow-x: auto; }
.figures { display: flex; flex-wrap: wrap; gap: 14px; }
figure.png { margin: 0; max-width: min(100%, 900px); }
figure.png img { max-width: 100%; border: 1px solid var(--line); }
footer { padding: 14px 28px; color: #888; font-size: 12px; border-top: 1px solid var(--line); }
`;
