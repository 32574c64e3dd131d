/**
 * The folder-level import rules of docs/ARCHITECTURE.md: which room may import which. Every
 * import counts here, `import type` included (a type circle between two folders is a circle
 * too). The rules form a DAG, so the rooms stay acyclic; the last test checks the graph that
 * the code actually has.
 *
 * Not subject to the rules: tests (`tests/`, `*_test.ts`) and test helpers (`testing/`,
 * `test_util.ts`), benchmarks (`bench/`), notebooks, experiment files.
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SKIP = new Set(["node_modules", ".cache", ".git", "notebooks", "tests", "bench", "docs"]);

/**
 * Room → the rooms it may import (besides itself). Rooms are matched by the longest prefix;
 * `keypointgan` is the library's root files (tf.ts, rng.ts, skeletons.ts, tiers.ts, …).
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  "main.ts": ["cli", "stages", "pipeline", "keypointgan"],
  "cli": [...engine("pipeline"), "stages", "lab", "ui", "reports", "bench", ...science("predict")],
  "lab": ["pipeline", "stages", "reports", ...science("predict")],
  "ui": ["pipeline", "reports", ...science("eval")],
  "stages": ["pipeline/stage.ts", "reports", ...science("predict")],
  "reports": science("model"),
  "keypointgan/predict": science("model"),
  "keypointgan/model": science("eval"),
  "keypointgan/eval": science("data"),
  "keypointgan/data": science("viz"),
  "keypointgan/viz": ["keypointgan", "keypointgan/native"],
  "keypointgan": ["keypointgan/native"],
  "keypointgan/native": [],
  // The engine: its public surface (mod.ts, api.ts) over the plug-ins over the core's rooms.
  "pipeline": engine("pipeline/executors"),
  "pipeline/executors": engine("pipeline/run"),
  "pipeline/run": engine("pipeline/plan"),
  "pipeline/plan": engine("pipeline/experiment"),
  "pipeline/experiment": engine("pipeline/project.ts"),
  "pipeline/project.ts": engine("pipeline/store"),
  "pipeline/store": engine("pipeline/stage.ts"),
  "pipeline/stage.ts": engine("pipeline/common"),
  "pipeline/common": [],
};

/** The engine rooms at and below `top`. */
function engine(top: string): string[] {
  const order = [
    "pipeline",
    "pipeline/executors",
    "pipeline/run",
    "pipeline/plan",
    "pipeline/experiment",
    "pipeline/project.ts",
    "pipeline/store",
    "pipeline/stage.ts",
    "pipeline/common",
  ];
  return order.slice(order.indexOf(top));
}

/** The science rooms at and below `top` (predict > model > eval > data > viz > root > native). */
function science(top: string): string[] {
  const order = ["predict", "model", "eval", "data", "viz"];
  return [
    ...order.slice(order.indexOf(top)).map((r) => `keypointgan/${r}`),
    "keypointgan",
    "keypointgan/native",
  ];
}

/** The room a repository path belongs to (undefined: not subject to the rules). */
export function roomOf(path: string): string | undefined {
  let best: string | undefined;
  for (const room of Object.keys(MAY_IMPORT)) {
    const inside = room.endsWith(".ts") ? path === room : path.startsWith(`${room}/`);
    if (inside && (best === undefined || room.length > best.length)) best = room;
  }
  return best;
}

const IMPORT =
  /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"'\n]+)["']|\bimport\s*\(\s*["']([^"'\n]+)["']|new\s+URL\(\s*["'](\.{1,2}\/[^"'\n]+)["']\s*,\s*import\.meta\.url\s*\)/g;

/** Every local import (type-only too) of a module's text, comment lines dropped. */
export function localSpecifiers(code: string): string[] {
  const text = code.split("\n").filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l)).join("\n");
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]).filter((s) =>
    s.startsWith(".")
  );
}

const isTestCode = (f: string) => /_test\.ts$|(^|\/)testing\/|(^|\/)test_util\.ts$/.test(f);

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(ROOT, dir))) {
    const rel = dir === "" ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory && !SKIP.has(e.name)) out.push(...await sources(rel));
    else if (e.isFile && /\.(ts|js)$/.test(e.name) && !isTestCode(rel)) out.push(rel);
  }
  return out;
}

interface Edge {
  readonly file: string;
  readonly target: string;
  readonly from: string;
  readonly to: string | undefined;
}

async function edges(): Promise<Edge[]> {
  const out: Edge[] = [];
  for (const file of await sources("")) {
    const from = roomOf(file);
    if (from === undefined) continue;
    for (const spec of localSpecifiers(await Deno.readTextFile(join(ROOT, file)))) {
      const target = relative(ROOT, resolve(dirname(join(ROOT, file)), spec));
      out.push({ file, target, from, to: roomOf(target) });
    }
  }
  return out;
}

/** The rule violations among `list`: an import of a room `from` may not import. */
export function violations(list: readonly Edge[]): string[] {
  return list.filter((e) =>
    e.to !== undefined && e.to !== e.from && !MAY_IMPORT[e.from].includes(e.to)
  ).map((e) => `${e.file} imports ${e.target} (${e.from}/ may not import ${e.to}/)`);
}

/** A cycle in the room graph of `list` (rooms joined by " → "), or undefined. */
function cycle(list: readonly Edge[]): string | undefined {
  const next = new Map<string, Set<string>>();
  for (const e of list) {
    if (e.to === undefined || e.to === e.from) continue;
    next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to));
  }
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (room: string): string | undefined => {
    if (path.includes(room)) return [...path.slice(path.indexOf(room)), room].join(" → ");
    if (done.has(room)) return undefined;
    path.push(room);
    for (const to of next.get(room) ?? []) {
      const found = visit(to);
      if (found) return found;
    }
    path.pop();
    done.add(room);
    return undefined;
  };
  for (const room of next.keys()) {
    const found = visit(room);
    if (found) return found;
  }
  return undefined;
}

const all = await edges();

Deno.test("rooms: every import follows the folder rules (docs/ARCHITECTURE.md)", () => {
  assert.deepEqual(violations(all), []);
});

Deno.test("rooms: the rules themselves form a DAG", () => {
  const rules = Object.entries(MAY_IMPORT).flatMap(([from, tos]) =>
    tos.map((to) => ({ file: from, target: to, from, to }))
  );
  assert.equal(cycle(rules), undefined);
});

Deno.test("rooms: the import graph between folders has no cycle", () => {
  assert.equal(cycle(all), undefined);
});

Deno.test("rooms: the scan sees the rooms (guards against an empty scan)", () => {
  const seen = new Set(all.map((e) => e.from));
  for (const room of ["main.ts", "cli", "stages", "reports", "keypointgan/model", "pipeline"]) {
    assert.ok(seen.has(room), `no import seen from ${room}`);
  }
  assert.ok(all.some((e) => e.from === "keypointgan/data" && e.target === "keypointgan/rng.ts"));
  assert.deepEqual(
    violations([{
      file: "keypointgan/data/x.ts",
      target: "keypointgan/model/y.ts",
      from: "keypointgan/data",
      to: "keypointgan/model",
    }]),
    ["keypointgan/data/x.ts imports keypointgan/model/y.ts (keypointgan/data/ may not import keypointgan/model/)"],
  );
});
