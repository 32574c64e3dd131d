/**
 * `deno task notebook`: gets the notebooks ready to open. Installs the Deno kernelspec when it is
 * missing or broken (`deno jupyter --install`, with a stable deno: this one, unless it lives in a
 * package-manager cache such as npx's, which is cleared at will — then the `deno` on PATH; see
 * {@link stableDeno}), says which Jupyter is installed and how to start it, and opens nothing
 * that needs a display. `--execute` runs both notebooks headless with nbconvert (what CI does)
 * and writes the executed copies into the store (`<store>/notebooks/`).
 *
 * @module
 */
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ExperimentError, parseCommandArgs, STORE_ENV } from "../pipeline/mod.ts";
import { EXPERIMENT_ENV, Lab } from "../lab/lab.ts";
import {
  executeNotebook,
  findJupyter,
  installKernel,
  kernelStatus,
  outputsOf,
  readCells,
} from "../lab/jupyter.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** The notebooks, in the order to read them. */
export const NOTEBOOKS = ["notebooks/ablation.ipynb", "notebooks/explore_variant.ipynb"];

const HELP =
  `deno task notebook [--execute] [--experiment NAME] [--store DIR] [--out DIR] [--force-kernel]

Installs the Deno Jupyter kernel when missing and prints how to open the notebooks.
  --execute          run both notebooks headless (jupyter nbconvert) and check them for errors
  --experiment NAME  experiment the notebooks open (sets ${EXPERIMENT_ENV}; default quick/ablation)
  --store DIR        artifact store (sets ${STORE_ENV}; default $${STORE_ENV}, else .cache/)
  --out DIR          where --execute writes the executed copies (default <store>/notebooks/)
  --force-kernel     reinstall the kernelspec so it runs a stable deno (not one in npx's cache)`;

const INSTALL_HINT = `No Jupyter front end (jupyter lab / jupyter notebook) found. Either of:
  pip install jupyterlab                     JupyterLab 4: renders the Vega-Lite charts inline
  sudo apt-get install jupyter-notebook      Debian/Ubuntu: classic Notebook (charts show as SVG)
  VS Code + the Jupyter extension            open a .ipynb and pick the "Deno" kernel
For headless runs (CI): sudo apt-get install jupyter-nbconvert python3-nbclient`;

/** Entry point (`main.ts notebook`). */
export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseNotebookArgs(args);
  } catch (e) {
    if (!(e instanceof ExperimentError)) throw e;
    for (const issue of e.issues) console.error(`✖ ${issue.source}: ${issue.message}`);
    return 2;
  }
  const o = parsed.values;
  if (o.help) return console.log(HELP), 0;
  if (!await ensureKernel(o["force-kernel"])) return 1;
  const env: Record<string, string> = {};
  if (o.experiment) env[EXPERIMENT_ENV] = o.experiment;
  const store = storeDir(o.store);
  if (o.store) env[STORE_ENV] = store;
  const tools = await findJupyter();
  if (o.execute) {
    // Validate the experiment here, before starting Jupyter: errors name the file and the path.
    try {
      await Lab.open(o.experiment, { store: o.store });
    } catch (e) {
      if (!(e instanceof ExperimentError)) throw e;
      console.error(e.message);
      return 2;
    }
    return await executeAll(
      tools.nbconvert,
      env,
      o.out ? resolve(o.out) : join(store, "notebooks"),
    );
  }
  if (!tools.ui) console.log(INSTALL_HINT);
  printHowToOpen(tools.ui, env);
  return 0;
}

function parseNotebookArgs(args: string[]) {
  return parseCommandArgs("notebook", {
    args,
    options: {
      execute: { type: "boolean", default: false },
      experiment: { type: "string" },
      store: { type: "string" },
      out: { type: "string" },
      "force-kernel": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}

/** The store the notebooks use: `--store`, else `$KEYPOINTGAN_STORE`, else `<repo>/.cache`. */
export function storeDir(flag: string | undefined, env = Deno.env.get(STORE_ENV)): string {
  const given = flag ?? env;
  return given ? resolve(given) : join(ROOT, ".cache");
}

/** A deno inside a package manager's cache (npx, npm's _cacache, pnpm dlx): it may vanish. */
export function isCachedDeno(path: string): boolean {
  return /[\\/](_npx|\.npm|_cacache|dlx|\.pnpm-store|\.cache[\\/]deno-npx)[\\/]/.test(path);
}

/**
 * The deno the kernelspec should start: this one, unless it sits in a cache (then the first
 * `deno` on PATH that is not, or `~/.deno/bin/deno`); undefined when there is none.
 */
export function stableDeno(
  current = Deno.execPath(),
  path = Deno.env.get("PATH") ?? "",
  home = Deno.env.get("HOME") ?? "",
): string | undefined {
  if (!isCachedDeno(current)) return current;
  const candidates = [
    ...path.split(":").filter(Boolean).map((d) => join(d, "deno")),
    ...(home ? [join(home, ".deno", "bin", "deno")] : []),
  ];
  return candidates.find((c) => existsFile(c) && !isCachedDeno(realPath(c)));
}

function existsFile(p: string): boolean {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
}

function realPath(p: string): string {
  try {
    return Deno.realPathSync(p);
  } catch {
    return p;
  }
}

const STABLE_HINT = "install a deno that stays put, e.g. `npm install -g deno@" +
  Deno.version.deno +
  "` or `curl -fsSL https://deno.land/install.sh | sh`, then run `deno task notebook --force-kernel`";

/**
 * Installs the kernelspec when missing, broken (its deno is gone) or forced, with a stable deno;
 * says when it runs another deno or one in a cache.
 */
async function ensureKernel(force: boolean): Promise<boolean> {
  const k = await kernelStatus();
  const broken = k.installed && k.deno !== undefined && k.deno !== "deno" && !existsFile(k.deno);
  const deno = stableDeno();
  if (!k.installed || force || broken) {
    if (broken) console.log(`⚠ the Deno kernel at ${k.dir} starts ${k.deno}, which is gone`);
    if (deno === undefined) {
      console.log(
        `⚠ this deno (${Deno.execPath()}) lives in a package cache that may be cleared; ` +
          `the kernel installed now breaks then: ${STABLE_HINT}`,
      );
    }
    const r = await installKernel(undefined, force || broken, deno ?? Deno.execPath());
    if (r.code !== 0) {
      console.error(`✖ deno jupyter --install failed:\n${r.stderr.trim()}`);
      return false;
    }
    console.log(`✔ Deno kernel installed (runs ${deno ?? Deno.execPath()})`);
  } else if (k.deno && isCachedDeno(realPath(k.deno))) {
    console.log(
      `⚠ the Deno kernel at ${k.dir} starts ${k.deno}, inside a package cache that may be ` +
        `cleared; ${deno ? "--force-kernel points it at " + deno : STABLE_HINT}`,
    );
  } else if (k.deno && !sameFile(k.deno, Deno.execPath())) {
    console.log(
      `ℹ Deno kernel at ${k.dir} runs ${k.deno}, not this deno (${Deno.execPath()}); ` +
        `--force-kernel points it here.`,
    );
  } else console.log(`✔ Deno kernel: ${k.dir} (runs ${k.deno ?? "deno"})`);
  return true;
}

/** Same file after following links (`/usr/bin/deno` → the npm package's binary). */
function sameFile(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return Deno.realPathSync(p);
    } catch {
      return p;
    }
  };
  return real(a) === real(b);
}

function printHowToOpen(ui: "lab" | "notebook" | undefined, env: Record<string, string>): void {
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v} `).join("");
  const nb = relative(Deno.cwd(), join(ROOT, "notebooks")) || ".";
  console.log(`
Open the notebooks (kernel "Deno"):
  ${vars}jupyter ${ui ?? "lab"} ${nb}/${ui ? "" : "        (after installing Jupyter)"}
  then ablation.ipynb (the paper, step by step) and explore_variant.ipynb (a new variant).
  Headless / remote: add --no-browser and open the printed URL through an SSH tunnel.
Experiment: $${EXPERIMENT_ENV} (default quick, else ablation; smoke = seconds).
Store: $KEYPOINTGAN_STORE, else .cache/ — the same cache as deno task ablation.`);
}

/** Runs every notebook headless; 0 when none has an error output. */
async function executeAll(
  nbconvert: boolean,
  env: Record<string, string>,
  outDir: string,
): Promise<number> {
  if (!nbconvert) {
    console.error(
      "✖ jupyter nbconvert not found: sudo apt-get install jupyter-nbconvert python3-nbclient",
    );
    return 1;
  }
  await Deno.mkdir(outDir, { recursive: true });
  let failed = 0;
  for (const nb of NOTEBOOKS) {
    const output = join(outDir, nb.replace(/^notebooks\//, ""));
    const t0 = performance.now();
    const r = await executeNotebook(join(ROOT, nb), { output, env });
    const secs = ((performance.now() - t0) / 1000).toFixed(0);
    const errors = r.code === 0 ? outputsOf(await readCells(output)).errors : [r.stderr.trim()];
    if (errors.length) failed++;
    console.log(`${errors.length ? "✖" : "✔"} ${nb} → ${output} (${secs}s)`);
    for (const e of errors) console.log(`    ${e.split("\n").slice(-12).join("\n    ")}`);
  }
  return failed ? 1 : 0;
}
