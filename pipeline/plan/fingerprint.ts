/**
 * Code fingerprint of a stage: the SHA-256 of its source file and of every local module it
 * imports, transitively (static and literal dynamic imports, `export … from`, and files named
 * by `new URL("./x", import.meta.url)`), plus the pinned versions (deno.json `imports`) of the
 * npm packages those modules use. `import type` is skipped (erased at run time), and so is the
 * engine itself (`pipeline/`): an engine change that alters artifacts bumps `STORE_FORMAT`.
 *
 * Paths are relative to the project root, so one store can serve several clones.
 *
 * @module
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { hashJson, sha256Hex } from "../common/hash.ts";

/** What a stage's code is: file hashes and package pins; `hash` goes into the cache key. */
export interface Fingerprint {
  readonly hash: string;
  /** Project-relative path → sha256 of the file. */
  readonly files: Readonly<Record<string, string>>;
  /** Bare specifier → pinned target (`zod` → `npm:zod@4.1.12`). */
  readonly packages: Readonly<Record<string, string>>;
}

const STATIC = /\b(?:import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"'\n]+)["']/g;
const DYNAMIC = /\bimport\s*\(\s*["']([^"'\n]+)["']\s*[,)]/g;
const URL_REF = /new\s+URL\(\s*["'](\.{1,2}\/[^"'\n]+)["']\s*,\s*import\.meta\.url\s*\)/g;
/** The engine: `pipeline/` and its subfolders (this file is in `pipeline/plan/`). */
const ENGINE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");

interface FileInfo {
  readonly stamp: string;
  readonly sha: string;
  readonly specifiers: readonly string[];
}

/** Computes fingerprints; file contents are cached by (mtime, size), so re-planning is cheap. */
export class Fingerprinter {
  readonly #root: string;
  readonly #imports: Record<string, string>;
  readonly #files = new Map<string, FileInfo>();

  constructor(root: string) {
    this.#root = root;
    this.#imports = readImportMap(root);
  }

  /** Fingerprint of the module at `entry` (absolute path) and everything it imports. */
  of(entry: string): Fingerprint {
    const files: Record<string, string> = {};
    const packages: Record<string, string> = {};
    const queue = [resolve(entry)];
    while (queue.length > 0) {
      const path = queue.pop()!;
      const rel = relative(this.#root, path);
      if (rel in files || path.startsWith(ENGINE_DIR + sep)) continue;
      const info = this.#read(path);
      files[rel] = info.sha;
      for (const spec of info.specifiers) {
        const local = this.#local(path, spec);
        if (local) queue.push(local);
        else if (local === undefined && !spec.startsWith("node:")) {
          packages[spec] = this.#pin(spec);
        }
      }
    }
    const sorted = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort());
    return {
      hash: hashJson({ files, packages }),
      files: sorted(files),
      packages: sorted(packages),
    };
  }

  #read(path: string): FileInfo {
    const st = statSync(path);
    const stamp = `${st.mtimeMs}:${st.size}`;
    const cached = this.#files.get(path);
    if (cached?.stamp === stamp) return cached;
    const bytes = readFileSync(path);
    const code = /\.[cm]?[jt]sx?$/.test(path) ? new TextDecoder().decode(bytes) : "";
    const info = { stamp, sha: sha256Hex(bytes), specifiers: scanSpecifiers(code) };
    this.#files.set(path, info);
    return info;
  }

  /** Absolute path of a local specifier ("" when the file is missing); undefined for packages. */
  #local(from: string, spec: string): string | undefined {
    if (!/^(\.{1,2}\/|\/|file:)/.test(spec)) return undefined;
    const path = spec.startsWith("file:") ? fileURLToPath(spec) : resolve(dirname(from), spec);
    // A commented-out import of a deleted file is not a dependency; a live one fails at run time.
    return existsSync(path) && statSync(path).isFile() ? path : "";
  }

  #pin(spec: string): string {
    if (/^(npm|jsr|https?):/.test(spec)) return spec;
    if (spec in this.#imports) return this.#imports[spec];
    const prefix = Object.keys(this.#imports).find((k) => k.endsWith("/") && spec.startsWith(k));
    if (prefix) return this.#imports[prefix] + spec.slice(prefix.length);
    const base = Object.keys(this.#imports).find((k) => spec.startsWith(k + "/"));
    return base ? `${this.#imports[base]}${spec.slice(base.length)}` : "unmapped";
  }
}

/** Runtime import specifiers of a module's source text (type-only imports excluded). */
export function scanSpecifiers(code: string): string[] {
  const out = new Set<string>();
  for (const m of code.matchAll(STATIC)) if (!m[1]) out.add(m[2]);
  for (const m of code.matchAll(DYNAMIC)) out.add(m[1]);
  for (const m of code.matchAll(URL_REF)) out.add(m[1]);
  return [...out];
}

function readImportMap(root: string): Record<string, string> {
  for (const name of ["deno.json", "deno.jsonc"]) {
    const p = join(root, name);
    if (!existsSync(p)) continue;
    try {
      return JSON.parse(readFileSync(p, "utf8")).imports ?? {};
    } catch {
      return {}; // deno.jsonc with comments: packages show as "unmapped" but files still count
    }
  }
  return {};
}
