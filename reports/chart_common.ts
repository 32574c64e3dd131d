/**
 * Shared bits of the report's Vega-Lite specs.
 *
 * @module
 */

/** Vega-Lite schema URL (an identifier; nothing is fetched). */
export const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
/** Colour of our values, and of the paper's (or the baseline's). */
export const OURS = "#1f77b4", PAPER = "#bbbbbb";

/** A Vega-Lite spec or a data row. */
export type Spec = Record<string, unknown>;
