import assert from "node:assert/strict";
import { fixtureEvaluations } from "../tests/fixtures/evaluations.ts";
import { esc, renderHtml } from "./html.ts";
import { buildReport } from "./assemble.ts";
import type { EvaluationInput } from "./types.ts";

const EVIL = `</script><script>alert("x")</script><img src=x onerror=alert(1)>`;
const scripts = {
  vega: "window.vega = {}; // '</script>' inside a bundle must not end the element",
  vegaLite: "window.vegaLite = {};",
  vegaEmbed: "window.vegaEmbed = async () => {};",
  versions: "vega test",
};

/** The fixture with hostile text in the experiment name, variant labels and a variant name. */
function hostile(): EvaluationInput[] {
  return fixtureEvaluations(EVIL).map((i, n) => ({
    provenance: { ...i.provenance, variants: [`${i.provenance.variants[0]} ${EVIL}`] },
    record: n === 0 ? { ...i.record, model: { ...i.record.model, variant: EVIL } } : i.record,
  }));
}

Deno.test("html: experiment names, labels and params are escaped everywhere", () => {
  const html = renderHtml(buildReport(hostile(), { experiment: EVIL }), scripts);
  assert.ok(!html.includes("<script>alert"), "a <script> tag got through");
  assert.ok(!html.includes("<img src=x"), "an <img> tag got through");
  assert.ok(html.includes(esc(EVIL)));
  // exactly our own script elements: 3 bundles, one per chart spec, and the embed script
  const charts = html.match(/<div class="chart" id="chart-[^"]+"/g) ?? [];
  const open = html.match(/<script[\s>]/g) ?? [];
  assert.equal(open.length, 3 + charts.length + 1);
  assert.ok(html.includes("'<\\/script>' inside a bundle"));
});

Deno.test("html: self-contained — no external scripts, styles or fetches; every chart has its spec", () => {
  const html = renderHtml(buildReport(fixtureEvaluations(), { experiment: "fixture" }), scripts);
  assert.ok(!/<script[^>]+src=/i.test(html) && !/<link[^>]+href=/i.test(html));
  const ids = [...html.matchAll(/<div class="chart" id="chart-([^"]+)" data-spec="spec-\1">/g)].map(
    (m) => m[1],
  );
  assert.deepEqual(ids, [
    "activities",
    "ablation",
    "prior",
    "keypoints-humans",
    "keypoints-faces",
    "keypoints-cats",
    "training-humans",
    "training-faces",
    "training-cats",
  ]);
  for (const id of ids) {
    const m = html.match(
      new RegExp(`<script type="application/json" id="spec-${id}">(.*?)</script>`, "s"),
    );
    assert.ok(m, `spec of ${id}`);
    assert.equal(typeof JSON.parse(m[1]).$schema, "string");
  }
  for (const section of ["summary", "tables", "claims", "charts", "provenance"]) {
    assert.ok(html.includes(`<section id="${section}">`), section);
  }
  assert.ok(html.includes('<tr id="ref-E6">') && html.includes('href="#ref-E6"'));
});

Deno.test("html: extra sections and figures plug in without renderer changes", () => {
  const png = "iVBORw0KGgo="; // not decoded by the builder
  const report = buildReport(fixtureEvaluations(), {
    experiment: "fixture",
    figures: new Map([["E6", [{ title: "predictions", caption: "test images", pngBase64: png }]]]),
    contactSheets: [{ title: "synthetic-humans", caption: "contact sheet", pngBase64: png }],
    extraSections: [
      () => ({ id: "real", title: "Real data", blocks: [{ type: "text", paragraphs: ["hello"] }] }),
    ],
  });
  assert.deepEqual(report.sections.map((s) => s.id), [
    "summary",
    "tables",
    "claims",
    "charts",
    "figures",
    "datasets",
    "real",
    "provenance",
  ]);
  const html = renderHtml(report, scripts);
  // The same bytes in two sections are stored once and filled in by a script.
  assert.equal(html.split(png).length - 1, 1, "the repeated image is stored once");
  assert.equal(html.match(/<img [^>]*data-asset="a0"/g)?.length, 2);
  assert.match(
    html,
    /<script type="application\/json" id="assets">\{"a0":"data:image\/png;base64,/,
  );
  assert.ok(html.includes('<section id="real"><h2>Real data</h2>'));
});

Deno.test("html: a unique figure stays inline, with its own MIME type", () => {
  const report = buildReport(fixtureEvaluations(), {
    experiment: "fixture",
    figures: new Map([["E6", [{
      title: "predictions",
      caption: "",
      pngBase64: "UklGRg==",
      mime: "image/webp",
    }]]]),
    contactSheets: [{ title: "sheet", caption: "", pngBase64: "iVBORw0KGgo=" }],
  });
  const html = renderHtml(report, scripts);
  assert.ok(html.includes('src="data:image/webp;base64,UklGRg=="'));
  assert.ok(html.includes('src="data:image/png;base64,iVBORw0KGgo="'));
  assert.doesNotMatch(html, /data-asset|id="assets"/);
});
