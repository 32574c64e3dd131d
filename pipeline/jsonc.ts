/**
 * Reads JSON-with-comments experiment files and maps a dotted path back to `line:column`, so
 * every validation issue points at the exact spot in the file.
 *
 * @module
 */
import {
  findNodeAtLocation,
  getNodeValue,
  type Node,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from "jsonc-parser";
import type { Issue, PathSegment } from "./errors.ts";

/** A parsed JSONC document: its value and a locator for paths inside it. */
export interface JsoncDocument {
  readonly value: unknown;
  /** 1-based position of the key (or value) at `path`; the nearest existing parent otherwise. */
  locate(path: readonly PathSegment[]): { line: number; column: number } | undefined;
}

/** Parses `text`; returns the document or the syntax errors as issues (all of them). */
export function parseJsonc(text: string, source: string): JsoncDocument | Issue[] {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const lines = lineStarts(text);
  if (errors.length > 0 || tree === undefined) {
    if (errors.length === 0) return [{ source, path: [], message: "the file is empty" }];
    return errors.map((e) => ({
      source,
      path: [],
      message: `invalid JSONC: ${printParseErrorCode(e.error)}`,
      ...position(lines, e.offset),
    }));
  }
  // Plain objects (jsonc-parser builds null-prototype ones) so zod and spreads behave normally.
  const value = JSON.parse(JSON.stringify(getNodeValue(tree)));
  return { value, locate: (path) => locate(tree, lines, path) };
}

function locate(tree: Node, lines: number[], path: readonly PathSegment[]) {
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, path.slice(0, n) as PathSegment[]);
    if (node === undefined) continue;
    // Point at the key of an object member rather than its value.
    const at = node.parent?.type === "property" ? node.parent : node;
    return position(lines, at.offset);
  }
  return undefined;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return starts;
}

function position(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}
