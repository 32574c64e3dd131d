/**
 * Follows a Slurm job's output file in the shared store (`--output`): the job's exec-node
 * prints its event lines there (channel.ts), so the controller reads the same protocol a
 * `--jobs` worker speaks on its stdout. The file is opened afresh on every read, which on NFS
 * revalidates its size (close-to-open consistency) instead of trusting a cached one.
 *
 * @module
 */

/** Reads a growing text file line by line. */
export class OutputTail {
  readonly path: string;
  #offset = 0;
  #partial = "";
  readonly #decoder = new TextDecoder();
  /** The last lines read (for a failure's tail). */
  readonly recent: string[] = [];

  constructor(path: string) {
    this.path = path;
  }

  /** Complete lines appended since the last call (none while the file does not exist). */
  async read(): Promise<string[]> {
    let file;
    try {
      file = await Deno.open(this.path, { read: true });
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return [];
      throw e;
    }
    try {
      await file.seek(this.#offset, Deno.SeekMode.Start);
      const buf = new Uint8Array(64 * 1024);
      while (true) {
        const n = await file.read(buf);
        if (n === null || n === 0) break;
        this.#offset += n;
        this.#partial += this.#decoder.decode(buf.subarray(0, n), { stream: true });
      }
    } finally {
      file.close();
    }
    const parts = this.#partial.split("\n");
    this.#partial = parts.pop() ?? "";
    for (const l of parts) {
      this.recent.push(l);
      if (this.recent.length > 50) this.recent.shift();
    }
    return parts;
  }

  /** An unterminated last line, once the job has ended. */
  flush(): string[] {
    const rest = this.#partial;
    this.#partial = "";
    if (rest !== "") this.recent.push(rest);
    return rest === "" ? [] : [rest];
  }
}
