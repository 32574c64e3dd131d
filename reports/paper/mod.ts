/**
 * The paper's Tables 1–5, in order.
 *
 * @module
 */
import type { TableSpec } from "./spec.ts";
import { TABLE1 } from "./table1.ts";
import { TABLE2 } from "./table2.ts";
import { TABLE3 } from "./table3.ts";
import { TABLE4 } from "./table4.ts";
import { TABLE5 } from "./table5.ts";

/** Tables 1–5 of the paper as specs. */
export const PAPER_TABLES: readonly TableSpec[] = [TABLE1, TABLE2, TABLE3, TABLE4, TABLE5];
