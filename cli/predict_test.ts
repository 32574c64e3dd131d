/**
 * `deno task predict` end to end, in-process: a temp store with a train artifact (tiny fixture
 * model, committed through the engine's Store), an evaluate artifact and ledger runs, then every
 * way of naming a model and every kind of bad input. No real data and no training needed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Store } from "../pipeline/mod.ts";
import { encodePng } from "../keypointgan/viz/png.ts";
import { writeFixtureModel } from "../keypointgan/predict/testing/fixture_model.ts";
import { run } from "./predict.ts";

const hex = async (s: string) =>
  Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s))))
    .map((b) => b.toString(16).padStart(2, "0")).join("");

async function commit(
  store: Store,
  key: string,
  stage: string,
  fill: (dir: string) => Promise<unknown>,
) {
  const staging = await store.stagingDir(key);
  await fill(staging);
  const spec = { format: 1, stage, version: 1, code: "x", params: {}, inputs: {} };
  await store.commit(key, staging, {
    format: 1,
    key,
    stage,
    complete: true,
    spec,
    code: { files: {}, packages: {} },
    summary: {},
    experiment: "fixture",
    variants: ["keypointgan"],
    runId: "20250101-000000-aaaa",
    started: "",
    finished: "",
    seconds: 0,
    host: "test",
    deno: Deno.version.deno,
  });
}

const node = (key: string, variants: string[], status = "ran", stage = "train") => ({
  key,
  stage,
  variants,
  status,
  seconds: 1,
});

/** The fixture store: keys, run ids, an images folder. */
async function fixture() {
  const root = await Deno.makeTempDir();
  const store = new Store(join(root, "store"));
  const train = await hex("train"), missing = await hex("gone"), evalKey = await hex("eval");
  const humans = await hex("humans");
  await commit(store, train, "train", (d) => writeFixtureModel(d));
  await commit(store, humans, "train", (d) => writeFixtureModel(d, { kind: "humans" }));
  await commit(
    store,
    evalKey,
    "evaluate",
    (d) => Deno.writeTextFile(join(d, "metrics.json"), "{}"),
  );
  const runs = [
    { id: "20250101-000000-aaaa", experiment: "one", nodes: [node(train, ["keypointgan"])] },
    {
      id: "20250102-000000-bbbb",
      experiment: "two",
      nodes: [
        node(train, ["keypointgan[prepare_data.dataset=faces]"], "hit"),
        node(missing, ["keypointgan[prepare_data.dataset=humans]"]),
        node(evalKey, ["keypointgan[prepare_data.dataset=faces]"], "ran", "evaluate"),
      ],
    },
    { id: "20250103-000000-cccc", experiment: "three", nodes: [node(missing, ["x"], "failed")] },
    // The newest run trained a humans model (the notebook run before a faces predict).
    { id: "20250204-000000-dddd", experiment: "nb", nodes: [node(humans, ["keypointgan_cycle"])] },
  ];
  await Deno.writeTextFile(store.ledgerPath, runs.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const images = join(root, "images");
  await Deno.mkdir(images);
  for (const [name, w, h] of [["a.png", 40, 40], ["b.png", 50, 30]] as const) {
    await Deno.writeFile(join(images, name), encodePng(new Uint8Array(w * h * 3).fill(90), w, h));
  }
  return { root, store, train, humans, evalKey, images, modelDir: store.artifactDir(train) };
}

/** Runs the command with stderr captured. */
async function predict(args: string[]) {
  const lines: string[] = [], error = console.error;
  console.error = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    return { code: await run(args), err: lines.join("\n") };
  } finally {
    console.error = error;
  }
}

const f = await fixture();
const out = join(f.root, "out.json");
const base = (model: string, ...more: string[]) => [
  "--store",
  f.store.dir,
  "--model",
  model,
  "--out",
  out,
  ...more,
];
const readOut = async () => JSON.parse(await Deno.readTextFile(out));

Deno.test("a run id or a unique prefix of it resolves to the run's train artifact", async () => {
  const r = await predict([...base("20250101-000000-aaaa"), f.images]);
  const nested = await predict([
    ...base("20250101"),
    "--out",
    join(f.root, "new", "p.json"),
    f.images,
  ]);
  assert.equal(nested.code, 0, nested.err);
  assert.ok((await Deno.stat(join(f.root, "new", "p.json"))).isFile, "--out creates its folder");
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /run 20250101-000000-aaaa keypointgan → train /);
  const json = await readOut();
  assert.deepEqual(Object.keys(json), [`${f.images}/a.png`, `${f.images}/b.png`]);
  for (const pts of Object.values(json) as number[][][]) {
    assert.equal(pts.length, 68);
    assert.ok(pts.every((p) => p.length === 2 && p.every(Number.isFinite)));
  }
  // b.png is 50×30: the centred 30×30 crop starts at x = 10, so every x lies in [10, 40].
  assert.ok(json[`${f.images}/b.png`].every(([x, y]: number[]) => x >= 10 && x <= 40 && y <= 30));
  const prefix = await predict([...base("20250101"), f.images]);
  assert.equal(prefix.code, 0, prefix.err);
});

Deno.test("the exported predictor, the artifact dir and a key prefix give the same output", async () => {
  const outputs: number[][][] = [];
  for (const model of [f.train.slice(0, 10), f.modelDir, join(f.modelDir, "predictor")]) {
    const r = await predict([...base(model), `${f.images}/a.png`]);
    assert.equal(r.code, 0, r.err);
    outputs.push((await readOut())[`${f.images}/a.png`] as number[][]);
  }
  for (const o of outputs.slice(1)) {
    o.forEach(([x, y], k) => {
      assert.ok(Math.abs(x - outputs[0][k][0]) < 0.01 && Math.abs(y - outputs[0][k][1]) < 0.01);
    });
  }
});

Deno.test("runs with several models need --variant; missing, failed and wrong artifacts are named", async () => {
  const cases: [string[], RegExp][] = [
    [base("20250102"), /trained 2 models .*pick one with --variant/],
    [
      base("20250102", "--variant", "keypointgan[prepare_data.dataset=humans]"),
      /its train artifact [0-9a-f]{64} is not \(or no longer\) valid in the store/,
    ],
    [base("20250102", "--variant", "cyclegan"), /no train node for variant "cyclegan"/],
    [base("20250103"), /its train node \(x\) failed/],
    [base("2025"), /matches 4 runs/],
    [base("20250103"), /run 20250103-000000-cccc: its train node \(x\) failed/],
    [base(f.evalKey.slice(0, 12)), /is a evaluate artifact; predict needs a train artifact/],
    [base("nosuchrun"), /no such file or directory, and no run id \(4 runs in/],
    [base(f.train.slice(0, 8), "--kind", "humans"), /predicts faces \(68 points\), not humans/],
  ];
  for (const [args, re] of cases) {
    const r = await predict([...args, f.images]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
    assert.match(r.err, re);
  }
  const ok = await predict([
    ...base("20250102", "--variant", "keypointgan[prepare_data.dataset=faces]"),
    f.images,
  ]);
  assert.equal(ok.code, 0, ok.err);
});

Deno.test("a model carries its kind: predict says which it picked and refuses another (exit 2)", async () => {
  // The case: the newest run trained a humans model; face images were asked for.
  const implicit = await predict([...base("last"), f.images]);
  assert.equal(implicit.code, 0, implicit.err);
  assert.match(implicit.err, /using a humans keypointgan model \(32 points, human36m_simple2\)/);
  assert.match(implicit.err, /from last → run 20250204-000000-dddd keypointgan_cycle/);
  assert.match(implicit.err, /no --kind given: .* add --kind humans to check/);

  const refused = await predict([...base(f.humans.slice(0, 10), "--kind", "faces"), f.images]);
  assert.equal(refused.code, 2, refused.err);
  assert.match(
    refused.err,
    /is a humans keypointgan model \(32 points.*not faces \(--kind faces\)/,
  );
  assert.doesNotMatch(refused.err, /image.* predicted/);
  const byRun = await predict([...base("20250204", "--kind", "faces"), f.images]);
  assert.equal(byRun.code, 2);
  assert.match(
    byRun.err,
    /run 20250204-000000-dddd has no faces model \(--kind faces\); its models: humans/,
  );

  // `last --kind faces` passes over the humans run (and the failed one) to the newest faces model.
  const picked = await predict([...base("last", "--kind", "faces"), f.images]);
  assert.equal(picked.code, 0, picked.err);
  assert.match(picked.err, /using a faces keypointgan model \(68 points, ibug68\)/);
  assert.match(
    picked.err,
    /last → run 20250102-000000-bbbb keypointgan\[prepare_data\.dataset=faces\]/,
  );
  assert.doesNotMatch(picked.err, /no --kind given/);
  assert.equal((Object.values(await readOut())[0] as number[][]).length, 68);

  const none = await predict([...base("last", "--kind", "cats"), f.images]);
  assert.equal(none.code, 2);
  assert.match(none.err, /has no cats model/);
});

Deno.test("bad images fail one by one (exit 1) and the others are still written", async () => {
  const broken = join(f.root, "broken.png");
  await Deno.writeTextFile(broken, "<html>");
  const overlay = join(f.root, "overlays");
  const r = await predict([
    ...base(f.modelDir, "--overlay", overlay, "--fit", "pad"),
    broken,
    join(f.root, "nope.jpg"),
    f.images,
  ]);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /✖ .*nope\.jpg: no such file or directory/);
  assert.match(r.err, /✖ .*broken\.png: not a decodable image/);
  assert.match(r.err, /2 images predicted .*; 2 failed/);
  assert.deepEqual(Object.keys(await readOut()).length, 2);
  assert.deepEqual([...Deno.readDirSync(overlay)].map((e) => e.name).sort(), ["a.png", "b.png"]);
});

Deno.test("usage errors are reported together, before any work (exit 2)", async () => {
  const r = await predict(["--fit", "stretch", "--batch", "0"]);
  assert.equal(r.code, 2);
  assert.match(
    r.err,
    /--model is required; give at least one image.*; --fit: expected crop \| pad/,
  );
  assert.match(r.err, /--batch: expected a positive integer/);
  assert.equal((await predict(["--bogus"])).code, 2);
});

Deno.test("cleanup", async () => {
  await Deno.remove(f.root, { recursive: true });
});
