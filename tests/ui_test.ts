/**
 * The run browser (`deno task ui`) in headless Chromium over a fixture store: two runs that
 * differ in `seed` (each with a train artifact's metrics.jsonl and a report artifact's Table 4),
 * the runs table, a run page, the compare page (changed param, curves drawn, Table 4 beside the
 * paper), artifact files, and what it refuses (other methods, paths outside an artifact, a
 * compare of one run). Skipped with the reason where Chromium cannot be had.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Store } from "../pipeline/mod.ts";
import { serve } from "../ui/server.ts";
import { ensureChromium, launchChromium, Page } from "./cdp.ts";

const chromium = await ensureChromium();
if ("reason" in chromium) console.warn(`SKIPPED ui browser test: ${chromium.reason}`);

const hex = async (s: string) =>
  Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s))))
    .map((b) => b.toString(16).padStart(2, "0")).join("");

async function commit(store: Store, key: string, stage: string, files: Record<string, string>) {
  const staging = await store.stagingDir(key);
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(join(staging, name), text);
  }
  const spec = { format: 1, stage, version: 1, code: "x", params: {}, inputs: {} };
  await store.commit(key, staging, {
    format: 1,
    key,
    stage,
    complete: true,
    spec,
    code: { files: {}, packages: {} },
    summary: {},
    experiment: "smoke",
    variants: ["keypointgan"],
    runId: "r",
    started: "",
    finished: "",
    seconds: 0,
    host: "test",
    deno: Deno.version.deno,
  });
}

function table4(value: number) {
  const cell = (mean: number, paper: number) => ({
    ours: { status: "measured", mean, sd: null, values: [mean], refs: ["E1"] },
    paper: { kind: "value", value: paper },
  });
  return JSON.stringify({
    format: 1,
    experiment: "smoke",
    tables: [{
      id: "table4",
      title: "Table 4",
      caption: "",
      columns: [{ key: "humans", label: "humans" }],
      rows: [{
        label: "cycle = KeypointGAN (ours) (3)",
        group: "g",
        cells: { humans: cell(value, 2.73) },
      }],
      notes: [],
    }],
  });
}

async function fixture() {
  const dir = await Deno.makeTempDir({ prefix: "kpgan-ui-" });
  const store = new Store(join(dir, "store"));
  const runs = [];
  for (const seed of [0, 1]) {
    const train = await hex(`train${seed}`), report = await hex(`report${seed}`);
    const metrics = Array.from(
      { length: 10 },
      (_, i) =>
        JSON.stringify({ step: (i + 1) * 10, t: i, g_total: 30 - i - seed, d: 0.5 / (i + 1) }),
    ).join("\n");
    await commit(store, train, "train", { "metrics.jsonl": metrics, "train.json": "{}" });
    await commit(store, report, "report", {
      "tables.json": table4(27.3 - seed),
      "report.html": "<p>r</p>",
    });
    const id = `20261207-10000${seed}-ab${seed}c`;
    runs.push({
      id,
      started: "2026-12-07T10:00:00Z",
      finished: "2026-12-07T10:03:00Z",
      seconds: 180 + seed,
      status: "ok",
      experiment: "smoke",
      files: [],
      set: seed ? ["seed=1"] : [],
      argv: ["run", "smoke"],
      git: { commit: "0123456789", dirty: false },
      host: "vm",
      deno: "2.9.6",
      os: "linux",
      executor: "subprocess×2",
      params: { keypointgan: { tier: "tiny", ...(seed ? { seed } : {}) } },
      backends: ["native"],
      counts: { ran: 2 },
      nodes: [
        {
          key: train,
          stage: "train",
          variants: ["keypointgan"],
          status: "ran",
          seconds: 60,
          summary: { g_total: 21.123456 - seed, backend: "native" },
        },
        { key: report, stage: "report", variants: ["keypointgan"], status: "ran", seconds: 2 },
      ],
    });
  }
  await Deno.writeTextFile(store.ledgerPath, runs.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return { dir, store, ids: runs.map((r) => r.id), train: runs[0].nodes[0].key };
}

const DRAWN = `[...document.querySelectorAll(".chart")].map((el) => ({
  id: el.id,
  drawn: !!el.querySelector("svg path") && el.dataset.rendered === "true",
}))`;

Deno.test({
  name: "ui: runs, a run and a compare of two runs render in Chromium; read-only, loopback only",
  ignore: "reason" in chromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const f = await fixture();
    const ctrl = new AbortController();
    let port = 0;
    const server = serve(f.store.dir, {
      port: 0,
      signal: ctrl.signal,
      onListen: (a) => port = a.port,
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(server.addr.hostname, "127.0.0.1");
    const base = `http://127.0.0.1:${server.addr.port || port}`;
    const browser = await launchChromium((chromium as { path: string }).path);
    let page: Page | undefined;
    try {
      page = await Page.open(browser.wsUrl);
      const open = async (path: string) => {
        await page!.goto(`${base}${path}`);
        assert.ok(await page!.waitFor(`document.body.dataset.chartsDone === "true"`, 60_000), path);
        return await page!.evaluate<string>("document.body.innerText");
      };
      const index = await open("/?experiment=smoke");
      for (const id of f.ids) assert.ok(index.includes(id), id);
      assert.match(await open("/?status=failed"), /No runs match/);

      const one = await open(`/run/${f.ids[1]}`);
      assert.match(one, /seed=1/);
      assert.match(one, /27\.3|26\.3/);
      assert.deepEqual(await page.evaluate(DRAWN), [{ id: "chart-curves", drawn: true }]);

      const cmp = await open(`/compare?ids=${f.ids.join(",")}`);
      // The changed param, side by side; the unchanged one is not listed.
      const params = await page.evaluate<string[][]>(
        `[...document.querySelectorAll("h2")].find((h) => h.textContent.startsWith("Params"))
          .nextElementSibling.querySelectorAll("tbody tr").length === 1 &&
          [...[...document.querySelectorAll("h2")].find((h) => h.textContent.startsWith("Params"))
          .nextElementSibling.querySelectorAll("tbody tr")].map((tr) => [...tr.cells].map((c) => c.textContent))`,
      );
      assert.deepEqual(params, [["seed", "keypointgan", "—", "1"]]);
      assert.doesNotMatch(cmp, /\btier\b/);
      // Metrics rounded, Table 4 rows of both runs beside the paper's value.
      assert.match(cmp, /g_total\s+21\.12\s+20\.12/);
      assert.match(cmp, /cycle = KeypointGAN \(ours\) \(3\)\s+humans\s+27\.30\s+26\.30\s+2\.73/);
      assert.deepEqual(await page.evaluate(DRAWN), [{ id: "chart-curves", drawn: true }]);
      assert.deepEqual(page.consoleErrors, []);
      const external = page.requests.filter((u) => !u.startsWith(base) && !u.startsWith("data:"));
      assert.deepEqual(external, [], "the ui fetched something beyond loopback");

      // Artifact files; nothing outside an artifact; read-only; bad compares.
      const manifest = await fetch(`${base}/artifact/${f.train}/manifest.json`);
      assert.equal(manifest.status, 200);
      assert.equal((await manifest.json()).stage, "train");
      const escape = await fetch(`${base}/artifact/${f.train}/..%2F..%2Fledger.jsonl`);
      assert.equal(escape.status, 404);
      await escape.body?.cancel();
      const post = await fetch(`${base}/`, { method: "POST" });
      assert.equal(post.status, 405);
      await post.body?.cancel();
      const single = await fetch(`${base}/compare?ids=${f.ids[0]}`);
      assert.equal(single.status, 400);
      await single.body?.cancel();
      const missing = await fetch(`${base}/run/nosuchrun`);
      assert.equal(missing.status, 404);
      await missing.body?.cancel();
    } finally {
      page?.close();
      await browser.close();
      ctrl.abort();
      await server.finished;
      await Deno.remove(f.dir, { recursive: true });
    }
  },
});
