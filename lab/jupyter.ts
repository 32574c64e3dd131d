/**
 * Jupyter plumbing shared by `deno task notebook` and the CI test: find `jupyter`, check and
 * install the Deno kernelspec (`deno jupyter --install`, run with THIS deno so the kernel runs
 * the same binary), execute a notebook headless with nbconvert, and read an executed notebook's
 * outputs (errors, MIME types) or a committed one's leftovers (outputs, execution counts).
 *
 * @module
 */
import { basename, dirname, resolve } from "node:path";

/** Result of a child process. */
export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command; a missing program gives code 127 instead of throwing. */
export async function sh(
  cmd: string,
  args: string[],
  opts: Deno.CommandOptions = {},
): Promise<Ran> {
  try {
    const out = await new Deno.Command(cmd, { ...opts, args, stdin: "null" }).output();
    const text = new TextDecoder();
    return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return { code: 127, stdout: "", stderr: `${cmd}: not found` };
    }
    throw e;
  }
}

/** The Jupyter tools found on PATH. */
export interface JupyterTools {
  /** `jupyter --version` output, or undefined when `jupyter` is missing. */
  readonly versions?: string;
  /** `jupyter nbconvert` is there (headless execution). */
  readonly nbconvert: boolean;
  /** A notebook UI (`jupyter lab` or `jupyter notebook`). */
  readonly ui?: "lab" | "notebook";
}

/** What Jupyter pieces this machine has. */
export async function findJupyter(env?: Record<string, string>): Promise<JupyterTools> {
  const v = await sh("jupyter", ["--version"], { env });
  if (v.code !== 0) return { nbconvert: false };
  const has = async (sub: string) => (await sh("jupyter", [sub, "--version"], { env })).code === 0;
  const ui = await has("lab") ? "lab" : await has("notebook") ? "notebook" : undefined;
  return { versions: v.stdout.trim(), nbconvert: await has("nbconvert"), ui };
}

/** The Deno kernelspec as `deno jupyter` reports it. */
export interface KernelStatus {
  readonly installed: boolean;
  /** Directory of the kernelspec (when installed). */
  readonly dir?: string;
  /** The deno binary the kernelspec starts (its `argv[0]`). */
  readonly deno?: string;
}

/** Asks this deno whether its kernelspec is installed (`deno jupyter` prints where). */
export async function kernelStatus(env?: Record<string, string>): Promise<KernelStatus> {
  const r = await sh(Deno.execPath(), ["jupyter"], { env });
  const dir = /already installed at (.+?)\s*$/m.exec(r.stdout + r.stderr)?.[1];
  if (dir === undefined) return { installed: false };
  try {
    const spec = JSON.parse(await Deno.readTextFile(`${dir}/kernel.json`));
    return { installed: true, dir, deno: spec.argv?.[0] };
  } catch {
    return { installed: true, dir };
  }
}

/**
 * `deno jupyter --install` with `deno` (default this deno; the kernelspec then starts that
 * binary; `force` replaces a kernelspec of another deno).
 */
export async function installKernel(
  env?: Record<string, string>,
  force = false,
  deno = Deno.execPath(),
): Promise<Ran> {
  return await sh(deno, ["jupyter", "--install", ...(force ? ["--force"] : [])], {
    env,
  });
}

/** Options of {@link executeNotebook}. */
export interface ExecuteOptions {
  /** Where the executed copy goes (a file path). */
  readonly output: string;
  /** Environment of nbconvert and so of the kernel (experiment, store, XDG_DATA_HOME …). */
  readonly env?: Record<string, string>;
  /** Seconds one cell may take. @default 1800 */
  readonly cellTimeout?: number;
}

/**
 * Executes a notebook headless (`jupyter nbconvert --to notebook --execute`) in its own
 * directory, so its relative imports resolve; the executed copy goes to `opts.output`.
 */
export async function executeNotebook(input: string, opts: ExecuteOptions): Promise<Ran> {
  const out = resolve(opts.output);
  return await sh("jupyter", [
    "nbconvert",
    "--to",
    "notebook",
    "--execute",
    `--ExecutePreprocessor.timeout=${opts.cellTimeout ?? 1800}`,
    "--output-dir",
    dirname(out),
    "--output",
    basename(out),
    resolve(input),
  ], { env: opts.env, cwd: dirname(resolve(input)) });
}

interface Cell {
  readonly cell_type: string;
  readonly id?: string;
  readonly source: string | string[];
  readonly outputs?: readonly Output[];
  readonly execution_count?: number | null;
}
interface Output {
  readonly output_type: string;
  readonly data?: Record<string, unknown>;
  readonly ename?: string;
  readonly evalue?: string;
  readonly name?: string;
  readonly text?: string | string[];
}

/** The cells of a notebook file (nbformat 4). */
export async function readCells(path: string): Promise<Cell[]> {
  const nb = JSON.parse(await Deno.readTextFile(path));
  if (nb.nbformat !== 4 || !Array.isArray(nb.cells)) {
    throw new Error(`${path}: not an nbformat 4 notebook`);
  }
  return nb.cells;
}

/** Per-cell leftovers a committed notebook must not have: outputs and execution counts. */
export function leftovers(cells: readonly Cell[]): string[] {
  return cells.flatMap((c, i) => {
    const where = `cell ${i + 1}${c.id ? ` (${c.id})` : ""}`;
    return [
      ...(c.outputs?.length ? [`${where}: ${c.outputs.length} output(s)`] : []),
      ...(c.execution_count != null ? [`${where}: execution_count ${c.execution_count}`] : []),
    ];
  });
}

/** What an executed notebook showed: errors (with the cell) and the MIME types displayed. */
export function outputsOf(
  cells: readonly Cell[],
): { errors: string[]; mimes: Map<string, number> } {
  const errors: string[] = [], mimes = new Map<string, number>();
  cells.forEach((c, i) => {
    for (const o of c.outputs ?? []) {
      if (o.output_type === "error") errors.push(`cell ${i + 1}: ${o.ename}: ${o.evalue}`);
      for (const m of Object.keys(o.data ?? {})) mimes.set(m, (mimes.get(m) ?? 0) + 1);
    }
  });
  return { errors, mimes };
}

/** The source of every code cell (for finding which cell showed what). */
export function sourceOf(cell: Cell): string {
  return typeof cell.source === "string" ? cell.source : cell.source.join("");
}
