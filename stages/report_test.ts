import assert from "node:assert/strict";
import { join } from "node:path";
import type { ArtifactRef, StageContext } from "../pipeline/stage.ts";
import { fixtureEvaluations } from "../tests/fixtures/evaluations.ts";
import report from "./report.ts";

/** 4×4 PNG. */
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAGklEQVR4nGP4z8DwHwyBNAMDEgeJg8RBlQMAUJ8P8bNeddgAAAAASUVORK5CYII=",
  ),
  (c) => c.charCodeAt(0),
);

/** Evaluation artifact directories made from the fixture (E1 with a figure and a contact sheet). */
async function fixtureArtifacts(root: string): Promise<ArtifactRef[]> {
  return await Promise.all(
    fixtureEvaluations().map(async ({ record, provenance: p }, i) => {
      const dir = join(root, `eval-${i}`);
      await Deno.mkdir(join(dir, "figures"), { recursive: true });
      const figures = i === 0
        ? [
          {
            file: "figures/predictions.png",
            kind: "model" as const,
            title: "predictions",
            caption: "test",
          },
          {
            file: "figures/contact_sheet.png",
            kind: "dataset" as const,
            title: "data",
            caption: "sheet",
          },
        ]
        : [];
      for (const f of figures) await Deno.writeFile(join(dir, f.file), PNG);
      await Deno.writeTextFile(join(dir, "metrics.json"), JSON.stringify({ ...record, figures }));
      return {
        key: p.artifactKey,
        stage: "evaluate",
        dir,
        params: {},
        variants: p.variants,
        runId: "run-1",
      };
    }),
  );
}

function context(
  refs: ArtifactRef[],
  outDir: string,
  missing: StageContext<unknown>["missing"] = {},
): StageContext<ReturnType<typeof report.params.parse>> {
  return {
    params: report.params.parse({}),
    inputs: { evaluations: refs },
    outDir,
    workDir: outDir + "-work",
    key: "k",
    runId: "run-2",
    experiment: "fixture",
    variants: [],
    log: () => {},
    progress: () => {},
    signal: new AbortController().signal,
    missing,
  };
}

async function listing(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) {
      out.push(`${prefix}${e.name}/`, ...await listing(join(dir, e.name), `${prefix}${e.name}/`));
    } else out.push(prefix + e.name);
  }
  return out.sort();
}

Deno.test("report stage: writes exactly its outputs from the evaluations", async () => {
  const root = await Deno.makeTempDir();
  try {
    const refs = await fixtureArtifacts(join(root, "in"));
    const out = join(root, "out");
    await Deno.mkdir(out);
    const summary = await report.run(context(refs, out));
    assert.deepEqual(summary, {
      evaluations: 29,
      // + closes-half-gap on humans and faces (holds) and cats (the fixture has no supervised cat)
      claimsHold: 16,
      claimsFail: 1,
      claimsUnmeasured: 3,
    });
    const files = await listing(out);
    const charts = files.filter((f) => f.startsWith("charts/") && f.endsWith(".svg"));
    assert.equal(charts.length, 9);
    assert.deepEqual(files.filter((f) => !f.startsWith("charts/")), [
      "claims.json",
      "report.html",
      "tables.csv",
      "tables.json",
      "tables.md",
      "tables.txt",
    ]);
    const text = await Deno.readTextFile(join(out, "tables.txt"));
    for (const n of [1, 2, 3, 4, 5]) assert.ok(text.includes(`Table ${n} —`), `Table ${n}`);
    const claims = JSON.parse(await Deno.readTextFile(join(out, "claims.json")));
    assert.equal(claims.claims.length, 20);
    const html = await Deno.readTextFile(join(out, "report.html"));
    // figure + contact sheet: two images, each PNG or (when smaller) WebP; the fixture's two
    // are the same bytes, so the page stores them once and both <img> name that asset.
    const urls = html.match(/data:image\/(png|webp);base64,/g) ?? [];
    const shared = html.match(/<img[^>]*data-asset=/g) ?? [];
    assert.equal(urls.length, 1);
    assert.equal(shared.length, 2);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("report stage: runs without an evaluation are named in tables.txt and the HTML", async () => {
  const root = await Deno.makeTempDir();
  try {
    const refs = await fixtureArtifacts(join(root, "in"));
    const out = join(root, "out");
    await Deno.mkdir(out);
    const gone = {
      key: "f".repeat(64),
      variant: "bottleneck[humans]",
      reason: "Training diverged",
    };
    await report.run(context(refs, out, { evaluations: [gone] }));
    const text = await Deno.readTextFile(join(out, "tables.txt"));
    assert.match(text, /✖ bottleneck\[humans\] — Training diverged/);
    const html = await Deno.readTextFile(join(out, "report.html"));
    assert.ok(html.includes("bottleneck[humans] — Training diverged"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("report stage: an invalid metrics.json fails before anything is written", async () => {
  const root = await Deno.makeTempDir();
  try {
    const refs = await fixtureArtifacts(join(root, "in"));
    const bad = join(refs[3].dir, "metrics.json");
    const rec = JSON.parse(await Deno.readTextFile(bad));
    rec.measurements[0].all = null;
    await Deno.writeTextFile(bad, JSON.stringify(rec));
    const out = join(root, "out");
    await Deno.mkdir(out);
    await assert.rejects(
      () => report.run(context(refs, out)),
      (e: Error) =>
        e.message.includes(`${bad} is not a valid evaluation record`) &&
        e.message.includes("measurements.0.all"),
    );
    assert.deepEqual(await listing(out), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
