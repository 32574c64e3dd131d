/**
 * Canonical JSON and SHA-256: the two primitives behind every cache key.
 *
 * Canonical JSON sorts object keys, drops `undefined` members and has no whitespace, so two
 * equal specs always serialise (and hash) to the same bytes whatever order they were built in.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** A JSON-compatible value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Serialises `value` with sorted keys; throws on values JSON cannot represent faithfully. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    // NaN/Infinity would silently become `null` and collide with a real null.
    if (!Number.isFinite(value)) throw new TypeError(`Cannot hash non-finite number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  throw new TypeError(`Cannot hash a value of type ${typeof value}`);
}

/** SHA-256 hex digest of a string (UTF-8) or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** SHA-256 hex of the canonical JSON of `value`: the content key of a spec. */
export function hashJson(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** Streams a file through SHA-256 and returns its digest and size in bytes. */
export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  using file = await Deno.open(path, { read: true });
  for await (const chunk of file.readable) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { sha256: hash.digest("hex"), size };
}
