/**
 * The notebooks (issue 11): committed clean (no outputs, no execution counts), and executed
 * headless on the `smoke` experiment by Debian's `jupyter nbconvert` + nbclient with the Deno
 * kernel — no error output, and the displays the notebooks promise (Vega-Lite loss curves, PNG
 * contact sheet and figures, HTML tables with the paper's values).
 *
 * The execution test installs `jupyter-nbconvert` and `python3-nbclient` with apt-get when they are
 * missing (as root), installs the kernelspec with THIS deno (`Deno.execPath() jupyter --install`,
 * under a temporary XDG_DATA_HOME, so the user's kernels are untouched), and shares one temporary
 * store between both notebooks. Skipped, saying why, only where the packages cannot be installed.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  executeNotebook,
  findJupyter,
  installKernel,
  leftovers,
  outputsOf,
  readCells,
  sh,
  sourceOf,
} from "../lab/jupyter.ts";
import { NOTEBOOKS } from "../cli/notebook.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const PACKAGES = ["jupyter-nbconvert", "python3-nbclient"];

Deno.test("committed notebooks: nbformat 4, Deno kernel, cell ids, no outputs or execution counts", async () => {
  for (const nb of NOTEBOOKS) {
    const path = join(ROOT, nb);
    const doc = JSON.parse(await Deno.readTextFile(path));
    assert.equal(doc.metadata?.kernelspec?.name, "deno", `${nb}: kernelspec`);
    const cells = await readCells(path);
    assert.deepEqual(leftovers(cells), [], `${nb} was committed with outputs: clear them`);
    assert.ok(cells.every((c) => typeof c.id === "string"), `${nb}: every cell needs an id`);
    assert.ok(cells.some((c) => sourceOf(c).includes('from "../lab/lab.ts"')), nb);
    // Every display is explicit (see lab/display.ts show): a cell's bare last value can be lost.
    const lastLine = (c: Cells[number]) =>
      sourceOf(c).trim().split("\n").pop()!.replace(/\s*\/\/.*$/, "");
    const bare = cells.filter((c) => c.cell_type === "code" && !/[;}]$/.test(lastLine(c)));
    assert.deepEqual(bare.map(sourceOf), [], `${nb}: end display cells with await show(x)`);
    const logs = cells.filter((c) =>
      c.cell_type === "code" && /console\.(log|error)/.test(sourceOf(c))
    );
    assert.deepEqual(logs.map(sourceOf), [], `${nb}: show("text") instead of console output`);
  }
});

Deno.test("leftovers/outputsOf see outputs, counts, errors and MIME types", () => {
  const cells = [
    { cell_type: "code", id: "a", source: "1", execution_count: 3, outputs: [] },
    {
      cell_type: "code",
      source: ["x"],
      execution_count: null,
      outputs: [
        { output_type: "error", ename: "TypeError", evalue: "boom" },
        { output_type: "display_data", data: { "image/png": "", "text/plain": "" } },
      ],
    },
  ];
  assert.deepEqual(leftovers(cells), ["cell 1 (a): execution_count 3", "cell 2: 2 output(s)"]);
  const o = outputsOf(cells);
  assert.deepEqual(o.errors, ["cell 2: TypeError: boom"]);
  assert.deepEqual([...o.mimes.keys()], ["image/png", "text/plain"]);
});

/** Installs the Debian packages when nbconvert is missing; the reason when it cannot. */
async function ensureJupyter(): Promise<string | undefined> {
  if ((await findJupyter()).nbconvert) return undefined;
  const root = Deno.uid?.() === 0;
  if (!root || (await sh("apt-get", ["--version"])).code !== 0) {
    return `jupyter nbconvert is missing and apt-get is unavailable or not root: install ${
      PACKAGES.join(" ")
    }`;
  }
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  await sh("apt-get", ["update", "-qq"], { env });
  const r = await sh("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...PACKAGES], {
    env,
  });
  if (r.code !== 0 || !(await findJupyter()).nbconvert) {
    return `apt-get install ${PACKAGES.join(" ")} failed: ${r.stderr.trim().split("\n").pop()}`;
  }
  return undefined;
}

type Cells = Awaited<ReturnType<typeof readCells>>;

/** MIME types shown by the code cell whose source contains `needle`. */
function mimesOf(cells: Cells, needle: string): string[] {
  return (cellOf(cells, needle).outputs ?? []).flatMap((o) => Object.keys(o.data ?? {}));
}

function cellOf(cells: Cells, needle: string) {
  const cell = cells.find((c) => c.cell_type === "code" && sourceOf(c).includes(needle));
  assert.ok(cell, `no code cell contains ${needle}`);
  return cell;
}

/** Asserts that the cell containing `needle` displayed `mime` (naming what it showed instead). */
function shows(cells: Cells, needle: string, mime: string): void {
  const out = cellOf(cells, needle).outputs ?? [];
  assert.ok(
    mimesOf(cells, needle).includes(mime),
    `the cell with ${needle} shows no ${mime}; its outputs: ${JSON.stringify(out).slice(0, 600)}`,
  );
}

/** The text/html outputs of the cell containing `needle`, joined. */
function htmlOf(cells: Cells, needle: string): string {
  return (cellOf(cells, needle).outputs ?? []).map((o) => {
    const h = o.data?.["text/html"];
    return Array.isArray(h) ? h.join("") : String(h ?? "");
  }).join("");
}

Deno.test({
  name: "both notebooks execute headless on the smoke experiment, with the promised displays",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const why = await ensureJupyter();
    if (why) {
      console.warn(`⚠ notebook execution test SKIPPED: ${why}`);
      return;
    }
    const tmp = await Deno.makeTempDir({ prefix: "kpg-notebooks-" });
    let keep = false;
    try {
      // The kernelspec goes under a temporary data dir: deno and jupyter both honour XDG_DATA_HOME.
      const env = {
        XDG_DATA_HOME: join(tmp, "xdg"),
        KEYPOINTGAN_NOTEBOOK_EXPERIMENT: "smoke",
        KEYPOINTGAN_STORE: join(tmp, "store"),
      };
      const k = await installKernel(env);
      assert.equal(k.code, 0, `deno jupyter --install failed: ${k.stderr}`);
      const spec = JSON.parse(
        await Deno.readTextFile(join(tmp, "xdg/jupyter/kernels/deno/kernel.json")),
      );
      // The kernel runs this very deno (the spec may name it through a link: /usr/bin/deno).
      assert.equal(Deno.realPathSync(spec.argv[0]), Deno.realPathSync(Deno.execPath()));
      const executed: Record<string, Cells> = {};
      for (const nb of NOTEBOOKS) {
        const output = join(tmp, nb.replace("notebooks/", ""));
        const r = await executeNotebook(join(ROOT, nb), { output, env, cellTimeout: 900 });
        assert.equal(r.code, 0, `${nb} failed to execute:\n${r.stderr.slice(-4000)}`);
        const cells = await readCells(output);
        assert.deepEqual(outputsOf(cells).errors, [], `${nb}: error outputs`);
        executed[nb] = cells;
      }
      keep = true; // until the checks pass: the executed copies show what went wrong
      checkAblation(executed["notebooks/ablation.ipynb"]);
      checkExplore(executed["notebooks/explore_variant.ipynb"]);
      keep = false;
    } finally {
      if (keep) console.error(`executed notebooks kept in ${tmp}`);
      else await Deno.remove(tmp, { recursive: true });
    }
  },
});

const VL = "application/vnd.vegalite.v5+json";

function checkAblation(cells: Cells): void {
  shows(cells, "await show(await lab.plan());", "text/html");
  assert.match(htmlOf(cells, "await show(await lab.plan());"), /<table class="plan">/);
  shows(cells, 'lab.run("prepare_data"', "image/png");
  shows(cells, 'lab.run("pretrain_regressor"', VL);
  shows(cells, "await show(train)", VL);
  const again = cells.find((c) => sourceOf(c).includes("const again"))!;
  assert.match(JSON.stringify(again.outputs), /cached in \d+ ms/, "re-run from the cache");
  assert.match(htmlOf(cells, 'lab.run("evaluate", humans)'), /Measurements[^]*paper: 2\.73/);
  const report = htmlOf(cells, 'lab.run("report")');
  for (const n of [1, 2, 3, 4, 5]) assert.match(report, new RegExp(`Table ${n} —`));
  assert.match(report, /Paper claims/);
  shows(cells, 'report.chart("ablation")', "image/svg+xml");
  for (const fig of ['figure("swap")', 'figure("editing")', 'figure("leak")']) {
    shows(cells, fig, "image/png");
  }
  assert.match(JSON.stringify(cells), /did you mean \\"lambdaRec\\"/);
  assert.match(htmlOf(cells, 'lab.set("train.lambdaRec", 5)'), /param lambdaRec 10→5/);
}

function checkExplore(cells: Cells): void {
  assert.match(htmlOf(cells, "mine.plan("), /keypointgan_squared/);
  shows(cells, 'mine.run("train"', VL);
  assert.match(
    htmlOf(cells, "mine.compare("),
    /<th>keypointgan[^<]*<\/th><th>keypointgan_squared<\/th>/,
  );
  shows(cells, "comparison.curves", VL);
  shows(cells, 'squared.figure("swap")', "image/png");
  assert.match(JSON.stringify(cells), /\\"distance\\": \\"squared\\"/);
}
