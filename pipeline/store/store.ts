/**
 * The content-addressed artifact store (multi-entry, like DVC's run cache):
 *
 * ```
 * <store>/artifacts/<key>/   the artifact: its files + manifest.json (written last)
 * <store>/tmp/<key>.<id>/    where a running stage writes; renamed into artifacts/ on success
 * <store>/work/<key>/        resumable stage state; survives crashes, removed after success
 * <store>/failed/<key>.json  the last failure of a node (never an artifact)
 * <store>/locks/<key>.lock   held while a node computes (see lock.ts)
 * <store>/logs/<run>/…       one log per computed node
 * <store>/index/<exp>/<variant>/<stage>.json   last key per (experiment, variant, stage)
 * <store>/ledger.jsonl       one line per run (see ledger.ts)
 * ```
 *
 * An artifact counts only if its manifest validates and every file matches its recorded size
 * and SHA-256; anything else is a miss (with the reason), never an exception.
 *
 * @module
 */
import { join } from "node:path";
import { hashFile } from "../common/hash.ts";
import { listTree, readJson, removeIfExists, writeAtomic } from "../common/fsutil.ts";
import { type Manifest, manifestSchema } from "./manifest.ts";

/** Result of checking an artifact. */
export type Verified =
  | { readonly status: "ok"; readonly manifest: Manifest; readonly dir: string }
  | { readonly status: "missing" }
  | { readonly status: "corrupt"; readonly reason: string };

/** Environment variable naming the default store directory. */
export const STORE_ENV = "KEYPOINTGAN_STORE";

/** An opened store directory. */
export class Store {
  readonly dir: string;
  /** Files verified in this process: key → stat stamp, so re-checks skip re-hashing. */
  readonly #verified = new Map<string, string>();

  constructor(dir: string) {
    this.dir = dir;
  }

  artifactDir(key: string): string {
    return join(this.dir, "artifacts", key);
  }
  workDir(key: string): string {
    return join(this.dir, "work", key);
  }
  failedPath(key: string): string {
    return join(this.dir, "failed", `${key}.json`);
  }
  lockPath(key: string): string {
    return join(this.dir, "locks", `${key}.lock`);
  }
  logPath(runId: string, stage: string, key: string): string {
    return join(this.dir, "logs", runId, `${stage}.${key.slice(0, 12)}.log`);
  }
  get ledgerPath(): string {
    return join(this.dir, "ledger.jsonl");
  }

  /** A fresh, empty staging directory for computing `key`. */
  async stagingDir(key: string): Promise<string> {
    const dir = join(this.dir, "tmp", `${key}.${crypto.randomUUID().slice(0, 8)}`);
    await Deno.mkdir(dir, { recursive: true });
    return dir;
  }

  /** Checks the artifact of `key`: manifest schema, key, and every file's size and hash. */
  async verify(key: string): Promise<Verified> {
    const dir = this.artifactDir(key);
    const raw = await readJson(join(dir, "manifest.json"));
    if (raw === undefined) {
      const exists = await Deno.stat(dir).then(() => true, () => false);
      return exists
        ? { status: "corrupt", reason: "manifest.json missing or unreadable" }
        : { status: "missing" };
    }
    const parsed = manifestSchema.safeParse(raw);
    if (!parsed.success) {
      return { status: "corrupt", reason: `invalid manifest (${parsed.error.issues[0].message})` };
    }
    const manifest = parsed.data;
    if (manifest.key !== key) {
      return { status: "corrupt", reason: "manifest key does not match its directory" };
    }
    const problem = await this.#checkFiles(key, dir, manifest);
    if (problem !== undefined) {
      this.#verified.delete(key);
      return { status: "corrupt", reason: problem };
    }
    return { status: "ok", manifest, dir };
  }

  async #checkFiles(key: string, dir: string, manifest: Manifest): Promise<string | undefined> {
    const { files } = await listTree(dir);
    const listed = Object.keys(manifest.files);
    const extra = files.find((f) => f !== "manifest.json" && !(f in manifest.files));
    if (extra !== undefined) return `unexpected file ${extra}`;
    const stats: string[] = [];
    for (const f of listed) {
      const st = await Deno.stat(join(dir, f)).catch(() => undefined);
      if (st === undefined) return `file ${f} is missing`;
      if (st.size !== manifest.files[f].size) {
        return `file ${f} has ${st.size} bytes, expected ${manifest.files[f].size}`;
      }
      stats.push(`${f}:${st.size}:${st.mtime?.getTime()}`);
    }
    const stamp = stats.join("|");
    if (this.#verified.get(key) === stamp) return undefined;
    for (const f of listed) {
      if ((await hashFile(join(dir, f))).sha256 !== manifest.files[f].sha256) {
        return `file ${f} was altered (sha256)`;
      }
    }
    this.#verified.set(key, stamp);
    return undefined;
  }

  /**
   * Makes `staging` the artifact of `key`: hashes its files, writes the manifest last, then
   * renames the directory into place (replacing an older or corrupt copy).
   */
  async commit(key: string, staging: string, manifest: Omit<Manifest, "files">): Promise<Manifest> {
    const { files } = await listTree(staging);
    const entries: Manifest["files"] = {};
    for (const f of files) entries[f] = await hashFile(join(staging, f));
    const full: Manifest = { ...manifest, files: entries };
    await Deno.writeTextFile(join(staging, "manifest.json"), JSON.stringify(full, null, 2) + "\n");
    const target = this.artifactDir(key);
    await Deno.mkdir(join(this.dir, "artifacts"), { recursive: true });
    const old = join(this.dir, "tmp", `${key}.replaced.${crypto.randomUUID().slice(0, 8)}`);
    const hadOld = await Deno.rename(target, old).then(() => true, () => false);
    await Deno.rename(staging, target);
    if (hadOld) await removeIfExists(old);
    this.#verified.delete(key);
    return full;
  }

  /** Removes an artifact (a corrupt one before recomputing it). */
  async discard(key: string): Promise<void> {
    this.#verified.delete(key);
    await removeIfExists(this.artifactDir(key));
  }

  /** Records a node's failure. */
  async recordFailure(key: string, record: FailureRecord): Promise<void> {
    await writeAtomic(this.failedPath(key), JSON.stringify(record, null, 2) + "\n");
  }

  /** The last recorded failure of `key`, if any. */
  async readFailure(key: string): Promise<FailureRecord | undefined> {
    return await readJson(this.failedPath(key)) as FailureRecord | undefined;
  }
}

/** What `failed/<key>.json` holds. */
export interface FailureRecord {
  readonly key: string;
  readonly stage: string;
  readonly experiment: string;
  readonly variants: readonly string[];
  readonly runId: string;
  readonly at: string;
  readonly error: string;
  readonly stack: string;
  readonly log: string;
  readonly logTail: readonly string[];
}
