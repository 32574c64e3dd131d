/**
 * The stage contract suite (Hono's `runTest` pattern, code-style §3.9), applied to every
 * registered stage by `tests/stages_test.ts`:
 *
 * 1. the defaults validate, and `resolve` is deterministic JSON;
 * 2. a run writes exactly the declared outputs (upstream inputs come from planning a tiny
 *    chain with the real registry, tuned per stage in `tests/stage_fixtures.ts`);
 * 3. a second run is a cache hit and `run` is not called;
 * 4. changing one param changes the key;
 * 5. the same seed gives the same output hashes (outputs listed in `volatile` excepted).
 *
 * @module
 */
import assert from "node:assert/strict";
import { canonicalJson } from "../pipeline/common/hash.ts";
import { listTree } from "../pipeline/common/fsutil.ts";
import { load, nodeOf, openStore, plan, run } from "../pipeline/api.ts";
import { openProject, type Project } from "../pipeline/project.ts";
import type { StageDef } from "../pipeline/stage.ts";
import type { Store } from "../pipeline/store/store.ts";

/** How to run one stage's contract. */
export interface StageFixture {
  /** Globals of the tiny chain. @default { tier: "tiny" } (see stage_fixtures.ts) */
  readonly globals?: Readonly<Record<string, unknown>>;
  /** Params of any stage in the chain (fewer steps, smaller data). */
  readonly params?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** A param of this stage and a value that must change the key. @default found automatically */
  readonly change?: { readonly param: string; readonly value: unknown };
  /** Skip the suite for this stage, saying why. */
  readonly skip?: string;
}

/** The result of one contract property. */
export interface ContractCheck {
  readonly property: string;
  readonly error?: string;
}

/** Registers one Deno test per stage with a step per property. */
export function runStageContract(
  stage: StageDef,
  fixture: StageFixture,
  project: () => Project,
): void {
  Deno.test(
    { name: `stage contract: ${stage.name}`, ignore: fixture.skip !== undefined },
    async (t) => {
      for (const check of await checkStageContract(stage, fixture, project())) {
        await t.step(check.property, () => assert.equal(check.error, undefined, check.error ?? ""));
      }
    },
  );
}

/** Runs every property and reports each (no assertion thrown). */
export async function checkStageContract(stage: StageDef, fixture: StageFixture, project: Project) {
  const checks: ContractCheck[] = [];
  const check = async (property: string, fn: () => Promise<void> | void) => {
    try {
      await fn();
      checks.push({ property });
    } catch (e) {
      checks.push({ property, error: e instanceof Error ? e.message : String(e) });
    }
  };
  await check("defaults validate and resolve deterministically", () => checkDefaults(stage));
  const dir = await Deno.makeTempDir({ prefix: "kpg-contract-" });
  try {
    const store = openStore(project, dir);
    const ctx = { stage, fixture, project, store };
    let first: Record<string, { sha256: string }> | undefined;
    await check("writes exactly its declared outputs", async () => {
      first = await checkOutputs(ctx);
    });
    if (first === undefined) return checks;
    await check("a second run is a cache hit and does not call run", () => checkHit(ctx));
    await check("changing one param changes the key", () => checkKeyChanges(ctx));
    await check("the same seed gives the same output hashes", () => checkSameHashes(ctx, first!));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return checks;
}

interface Ctx {
  readonly stage: StageDef;
  readonly fixture: StageFixture;
  readonly project: Project;
  readonly store: Store;
}

function checkDefaults(stage: StageDef) {
  const defaults = stage.params.parse({});
  const a = canonicalJson(stage.resolve ? stage.resolve(defaults) : defaults);
  const b = canonicalJson(stage.resolve ? stage.resolve(stage.params.parse({})) : defaults);
  assert.equal(a, b, "resolve() gave different params for the same input");
}

function experiment(ctx: Ctx, extra: Record<string, unknown> = {}) {
  const params = {
    ...ctx.fixture.params,
    [ctx.stage.name]: { ...ctx.fixture.params?.[ctx.stage.name], ...extra },
  };
  return { name: "contract", value: { ...ctx.fixture.globals, params, target: ctx.stage.name } };
}

async function planAndRun(ctx: Ctx, project: Project, opts: { force?: string[] } = {}) {
  const p = await plan(project, await load(project, experiment(ctx)), ctx.store, opts);
  const result = await run(project, p, ctx.store, { ledger: false });
  const node = nodeOf(p, ctx.stage.name)!;
  return { p, node, outcome: result.outcomes.get(node.key)! };
}

async function checkOutputs(ctx: Ctx) {
  const { node, outcome } = await planAndRun(ctx, ctx.project);
  assert.equal(
    outcome.status,
    "ran",
    `the node did not run: ${outcome.status} ${outcome.error ?? ""}`,
  );
  const { files, dirs } = await listTree(ctx.store.artifactDir(node.key));
  const written = [...files.filter((f) => f !== "manifest.json"), ...dirs.map((d) => `${d}/`)];
  for (const out of ctx.stage.outputs) {
    assert.ok(written.includes(out), `declared output ${out} missing`);
  }
  const inDir = (f: string) => ctx.stage.outputs.some((o) => o.endsWith("/") && f.startsWith(o));
  const extra = written.filter((f) => !ctx.stage.outputs.includes(f) && !inDir(f));
  assert.deepEqual(extra, [], `undeclared outputs: ${extra.join(", ")}`);
  const v = await ctx.store.verify(node.key);
  assert.equal(v.status, "ok");
  return v.status === "ok" ? v.manifest.files : undefined;
}

async function checkHit(ctx: Ctx) {
  let calls = 0;
  const spied = { ...ctx.stage, run: (c: never) => (calls++, ctx.stage.run(c)) };
  const p = ctx.project;
  const project = openProject({ ...p, registry: { ...p.registry, [ctx.stage.name]: spied } });
  const { node, outcome } = await planAndRun(ctx, project);
  assert.equal(node.state.status, "cached", "the second plan did not find the artifact");
  assert.equal(outcome.status, "hit");
  assert.equal(calls, 0, "run() was called on a cache hit");
}

async function checkKeyChanges(ctx: Ctx) {
  const change = ctx.fixture.change ??
    findChange(ctx.stage, ctx.fixture.params?.[ctx.stage.name] ?? {});
  assert.ok(
    change,
    "no param found whose change changes the resolved params; set `change` in the fixture",
  );
  const before = await plan(ctx.project, await load(ctx.project, experiment(ctx)), ctx.store);
  const after = await plan(
    ctx.project,
    await load(ctx.project, experiment(ctx, { [change.param]: change.value })),
    ctx.store,
  );
  assert.notEqual(nodeOf(after, ctx.stage.name)!.key, nodeOf(before, ctx.stage.name)!.key);
}

async function checkSameHashes(ctx: Ctx, first: Record<string, { sha256: string }>) {
  const { outcome, node } = await planAndRun(ctx, ctx.project, { force: [ctx.stage.name] });
  assert.equal(outcome.status, "ran");
  const v = await ctx.store.verify(node.key);
  assert.ok(v.status === "ok");
  const volatile = ctx.stage.volatile ?? [];
  const stable = (f: string) =>
    !volatile.some((o) => f === o || (o.endsWith("/") && f.startsWith(o)));
  const hashes = (files: Record<string, { sha256: string }>) =>
    Object.fromEntries(
      Object.entries(files).filter(([f]) => stable(f)).map(([f, e]) => [f, e.sha256]),
    );
  assert.deepEqual(
    hashes(v.manifest.files),
    hashes(first),
    "outputs differ between two runs with the same seed",
  );
}

/** A param and a valid new value that changes the resolved params (first found, shape order). */
export function findChange(stage: StageDef, set: Readonly<Record<string, unknown>>) {
  const base = { ...stage.params.parse(set) } as Record<string, unknown>;
  const resolved = canonicalJson(stage.resolve ? stage.resolve(base as never) : base);
  for (const param of Object.keys(stage.params.shape)) {
    for (const value of candidates(base[param], stage.params.shape[param])) {
      const parsed = stage.params.safeParse({ ...base, [param]: value });
      if (!parsed.success) continue;
      const r = canonicalJson(stage.resolve ? stage.resolve(parsed.data) : parsed.data);
      if (r !== resolved) return { param, value };
    }
  }
  return undefined;
}

function candidates(current: unknown, schema: unknown): unknown[] {
  const options =
    (schema as { options?: unknown[]; unwrap?: () => { options?: unknown[] } }).options;
  if (Array.isArray(options)) return options.filter((o) => o !== current);
  if (typeof current === "number") return [current + 1, current - 1, current * 2 + 1, current / 2];
  if (typeof current === "boolean") return [!current];
  if (typeof current === "string") return [`${current}x`];
  return [1, true, "x"];
}
