/**
 * How many displays Deno's Jupyter kernel loses at the end of a cell, with and without the wait
 * of `lab/display.ts` (`DISPLAY_SETTLE_MS`). Executes a generated notebook of N cells, each busy
 * for a moment and then displaying a large bundle, through `jupyter nbconvert --execute`, and counts
 * the cells whose display is missing or shows another cell's.
 *
 *   deno run -A bench/notebook_displays.ts [--cells 80] [--kb 300] [--waits 0,20,150] [--load]
 *
 * `--load` keeps both cores busy with two spin loops meanwhile (the CI machine is often loaded).
 * Needs `jupyter nbconvert` (Debian: jupyter-nbconvert python3-nbclient).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { executeNotebook, findJupyter, installKernel, readCells } from "../lab/jupyter.ts";

const { values: o } = parseArgs({
  args: Deno.args,
  options: {
    cells: { type: "string", default: "80" },
    kb: { type: "string", default: "300" },
    waits: { type: "string", default: "0,20,150" },
    load: { type: "boolean", default: false },
  },
});

/** A notebook whose cell i displays `cell i` (plus `kb` kB of HTML), then waits `wait` ms. */
function notebook(cells: number, kb: number, wait: number): string {
  const code = (id: string, source: string) => ({
    cell_type: "code",
    id,
    metadata: {},
    outputs: [],
    execution_count: null,
    source,
  });
  const setup = `const big = "x".repeat(${kb * 1000});
async function s(i: number) {
  // As lab/display.ts show() does with a displayable: the kernel calls its Jupyter.display hook.
  const bundle = { "text/html": "<b>" + i + "</b>" + big, "text/plain": "cell " + i };
  await Deno.jupyter.display({ [Symbol.for("Jupyter.display")]: () => bundle });
  if (${wait} > 0) await new Promise((r) => setTimeout(r, ${wait}));
}`;
  const body = Array.from({ length: cells }, (_, k) =>
    code(
      `c${k + 1}`,
      `let v${k + 1} = 0; for (let j = 0; j < 2e6; j++) v${k + 1} += j;\nawait s(${k + 1});`,
    ));
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
    cells: [code("c0", setup), ...body],
  });
}

/** Cells (after the set-up cell) whose own `cell i` display is missing, and misplaced displays. */
async function count(path: string): Promise<{ lost: number; misplaced: number }> {
  let lost = 0, misplaced = 0;
  for (const c of (await readCells(path)).slice(1)) {
    const want = `cell ${c.id!.slice(1)}`;
    const texts = (c.outputs ?? []).map((x) => [x.data?.["text/plain"] ?? ""].flat().join(""));
    if (!texts.includes(want)) lost++;
    misplaced += texts.filter((t) => t !== want).length;
  }
  return { lost, misplaced };
}

if (!(await findJupyter()).nbconvert) {
  console.error("jupyter nbconvert is missing: apt-get install jupyter-nbconvert python3-nbclient");
  Deno.exit(1);
}
const tmp = await Deno.makeTempDir({ prefix: "kpg-displays-" });
const env = { XDG_DATA_HOME: join(tmp, "xdg") };
const spinners = o.load
  ? [0, 1].map(() => new Deno.Command("sh", { args: ["-c", "while :; do :; done"] }).spawn())
  : [];
try {
  if ((await installKernel(env)).code !== 0) throw new Error("deno jupyter --install failed");
  const cells = Number(o.cells), kb = Number(o.kb);
  for (const wait of o.waits.split(",").map(Number)) {
    const input = join(tmp, `wait${wait}.ipynb`), output = join(tmp, `wait${wait}.out.ipynb`);
    await Deno.writeTextFile(input, notebook(cells, kb, wait));
    const r = await executeNotebook(input, { output, env, cellTimeout: 120 });
    if (r.code !== 0) throw new Error(`nbconvert failed:\n${r.stderr.slice(-2000)}`);
    const { lost, misplaced } = await count(output);
    console.log(`wait ${wait} ms: ${lost} of ${cells} displays lost, ${misplaced} misplaced`);
  }
} finally {
  for (const p of spinners) p.kill();
  await Deno.remove(tmp, { recursive: true });
}
