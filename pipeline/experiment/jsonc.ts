/**
 * Reads JSON-with-comments experiment files and maps a dotted path back to `line:column`, so
 * every validation issue points at the exact spot in the file.
 *
 * @module
 */
import {
  createScanner,
  findNodeAtLocation,
  getNodePath,
  getNodeValue,
  type Node,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from "jsonc-parser";
import type { Issue, PathSegment } from "../common/errors.ts";

/** A parsed JSONC document: its value and a locator for paths inside it. */
export interface JsoncDocument {
  readonly value: unknown;
  /** 1-based position of the key (or value) at `path`; the nearest existing parent otherwise. */
  locate(path: readonly PathSegment[]): { line: number; column: number } | undefined;
}

/** Syntax errors shown per file; the rest are counted (a binary file has hundreds). */
export const MAX_SYNTAX_ERRORS = 5;

/**
 * Parses `text`; returns the document or the syntax errors as issues: one per position (a
 * parser's follow-up errors at the same spot are dropped), at most `MAX_SYNTAX_ERRORS` plus a
 * count of the rest; a file that is not text at all is one issue.
 */
export function parseJsonc(text: string, source: string): JsoncDocument | Issue[] {
  const lines = lineStarts(text);
  const nul = text.indexOf("\u0000");
  const binary = nul >= 0 ? nul : text.indexOf("\uFFFD");
  if (binary >= 0) {
    const what = text[binary] === "\u0000" ? "a NUL byte" : "bytes that are not UTF-8";
    return [{
      source,
      path: [],
      message: `not a text file (${what} at offset ${binary}): expected a JSONC experiment file`,
      ...position(lines, binary),
    }];
  }
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0 || tree === undefined) {
    if (errors.length === 0) return [{ source, path: [], message: "the file is empty" }];
    const distinct = errors.filter((e, i) => i === 0 || e.offset !== errors[i - 1].offset);
    const issues: Issue[] = distinct.slice(0, MAX_SYNTAX_ERRORS).map((e) => ({
      source,
      path: [],
      message: `invalid JSONC: ${syntaxMessage(e, text, lines)}`,
      ...position(lines, e.offset),
    }));
    const more = distinct.length - MAX_SYNTAX_ERRORS;
    if (more > 0) {
      issues.push({
        source,
        path: [],
        message: `… and ${more} more syntax error${more === 1 ? "" : "s"} in this file`,
      });
    }
    return issues;
  }
  // JSON has no Infinity: 1e400 would silently become null below.
  const overflows = numberNodes(tree).filter((n) => !Number.isFinite(n.value));
  if (overflows.length > 0) {
    return overflows.map((n) => ({
      source,
      path: getNodePath(n),
      message: `not a finite number: ${
        text.slice(n.offset, n.offset + n.length)
      } overflows a 64-bit float (the largest is about 1.8e308)`,
      ...position(lines, n.offset),
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

function numberNodes(node: Node): Node[] {
  if (node.type === "number") return [node];
  return (node.children ?? []).flatMap(numberNodes);
}

/** What a parse error means, in words (the parser's code in parentheses). */
function syntaxMessage(e: ParseError, text: string, lines: number[]): string {
  const code = printParseErrorCode(e.error);
  const words: Record<string, string> = {
    InvalidSymbol: "unexpected character (strings and keys need double quotes)",
    InvalidNumberFormat: "not a number",
    PropertyNameExpected: "expected a key in double quotes",
    ValueExpected: "expected a value",
    ColonExpected: 'expected ":" after the key',
    CommaExpected: 'expected "," between entries',
    CloseBraceExpected: 'expected "}"',
    CloseBracketExpected: 'expected "]"',
    EndOfFileExpected: "unexpected text after the end of the document",
    UnexpectedEndOfComment: "a /* comment is never closed",
    UnexpectedEndOfString: "a string is never closed",
  };
  let out = words[code] ?? code;
  if (code === "CloseBraceExpected" || code === "CloseBracketExpected") {
    const open = unclosedAt(text, code === "CloseBraceExpected" ? "{" : "[");
    if (open !== undefined) {
      const p = position(lines, open);
      out += `: the "${text[open]}" at line ${p.line}, column ${p.column} is never closed`;
    }
  }
  return `${out} (${code})`;
}

/** Offset of the innermost bracket of kind `open` still open at the end of `text`. */
function unclosedAt(text: string, open: "{" | "["): number | undefined {
  const scanner = createScanner(text, false);
  const stack: { kind: string; offset: number }[] = [];
  for (let t = scanner.scan(); t !== 17 /* EOF */; t = scanner.scan()) {
    if (t === 1 || t === 3) {
      stack.push({ kind: t === 1 ? "{" : "[", offset: scanner.getTokenOffset() });
    } else if (t === 2 || t === 4) stack.pop();
  }
  return stack.findLast((b) => b.kind === open)?.offset;
}
