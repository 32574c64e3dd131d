/**
 * Cell text shared by every renderer: our value (mean ± sd over seeds), the paper's value, and
 * the refs to the evaluations behind a number.
 *
 * @module
 */
import type { Cell, OursCell, PaperCell } from "./types.ts";

/** Two decimals, as the paper prints its tables. */
export function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(2) : String(v);
}

/** "2.91", "2.91 ± 0.10" (several seeds), or the reason there is no number ("not run"). */
export function oursText(o: OursCell): string {
  if (o.status !== "measured") return o.note;
  const value = o.sd === null ? fmt(o.mean) : `${fmt(o.mean)} ± ${fmt(o.sd)}`;
  if (!o.collapsed) return value;
  return `${value} (collapsed${o.values.length > 1 ? ` ${o.collapsed}/${o.values.length}` : ""})`;
}

/** The paper's side: its number, a dash, or why there is none. */
export function paperText(p: PaperCell): string {
  switch (p.kind) {
    case "value":
      return fmt(p.value);
    case "dash":
      return "—";
    case "missing":
      return "not in our copy of the paper";
    case "text":
      return p.text;
    case "none":
      return "n/a (our row)";
  }
}

/** Refs of the evaluations behind our number, runs compacted: "E3–E5,E9" (empty when none). */
export function refsText(o: OursCell): string {
  if (o.status !== "measured") return "";
  const nums = o.refs.map((r) => Number(r.slice(1)));
  if (!o.refs.every((r, i) => r === `E${nums[i]}`)) return o.refs.join(",");
  const parts: string[] = [];
  for (let i = 0; i < nums.length;) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j] + 1) j++;
    parts.push(
      j - i >= 2 ? `E${nums[i]}–E${nums[j]}` : nums.slice(i, j + 1).map((n) => `E${n}`).join(","),
    );
    i = j + 1;
  }
  return parts.join(",");
}

/** Number of seeds behind our number ("n=3"), empty for a single seed or no number. */
export function seedsText(o: OursCell): string {
  return o.status === "measured" && o.values.length > 1 ? `n=${o.values.length}` : "";
}

/** One-line cell text: "2.91 ± 0.10 (paper: 2.73)". */
export function cellLine(c: Cell): string {
  return `${oursText(c.ours)} (paper: ${paperText(c.paper)})`;
}
