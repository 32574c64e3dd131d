import assert from "node:assert/strict";
import { inside, lossPoints } from "./data.ts";

Deno.test("ui data: files are served only from inside the artifact", () => {
  assert.equal(inside("/s/a/k", "manifest.json"), "/s/a/k/manifest.json");
  assert.equal(inside("/s/a/k", "figures/x.png"), "/s/a/k/figures/x.png");
  assert.equal(inside("/s/a/k", "../k2/manifest.json"), undefined);
  assert.equal(inside("/s/a/k", "../../ledger.jsonl"), undefined);
  assert.equal(inside("/s/a/k", "/etc/passwd"), undefined);
  assert.equal(inside("/s/a/k", ""), undefined);
  assert.equal(inside("/s/a/k", "..foo/x"), "/s/a/k/..foo/x");
});

Deno.test("ui data: metrics.jsonl becomes at most 200 points per loss (bucket means)", () => {
  const rows = Array.from(
    { length: 1000 },
    (_, i) => JSON.stringify({ step: i + 1, t: i, a: 1, b: i }),
  );
  const pts = lossPoints([...rows, "not json", JSON.stringify({ t: 3 })].join("\n"), "v", "r");
  assert.equal(pts.filter((p) => p.loss === "a").length, 200);
  const b = pts.filter((p) => p.loss === "b");
  assert.deepEqual(b[0], { loss: "b", variant: "v", run: "r", step: 5, value: 2 });
  assert.equal(b.at(-1)!.step, 1000);
});
