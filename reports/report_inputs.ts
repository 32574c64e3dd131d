/**
 * The report's inputs, read from the evaluation artifacts: every `metrics.json` validated (all of
 * them before any work) and the figures to embed, as base64.
 *
 * @module
 */
import { join } from "node:path";
import { parseEvaluationRecord } from "../keypointgan/eval/record_schema.ts";
import { compactImage } from "../keypointgan/viz/compact_image.ts";
import { type FigureMode, figureRefs } from "./figure_select.ts";
import type { EvaluationInput, FigureBlock } from "./types.ts";

/** An evaluation artifact as the engine hands it to the report stage (an `ArtifactRef`). */
export interface EvaluationArtifact {
  readonly key: string;
  readonly dir: string;
  readonly runId: string;
  readonly variants: readonly string[];
  /** The variant run a fan-in element stands for. */
  readonly variant?: string;
}

/**
 * Reads and validates every evaluation (all of them before any work). A fan-in lists one element
 * per variant run; runs that share an evaluation artifact become one input with all their labels.
 */
export async function readEvaluations(
  refs: readonly EvaluationArtifact[],
  experiment: string,
): Promise<EvaluationInput[]> {
  const byKey = new Map<string, { ref: EvaluationArtifact; labels: string[] }>();
  for (const ref of refs) {
    const entry = byKey.get(ref.key) ?? { ref, labels: [] };
    for (const label of ref.variant !== undefined ? [ref.variant] : ref.variants) {
      if (!entry.labels.includes(label)) entry.labels.push(label);
    }
    byKey.set(ref.key, entry);
  }
  return await Promise.all([...byKey.values()].map(async ({ ref, labels }, i) => {
    const file = join(ref.dir, "metrics.json");
    const record = parseEvaluationRecord(await Deno.readTextFile(file), file);
    const provenance = {
      ref: `E${i + 1}`,
      experiment,
      variants: labels,
      runId: ref.runId,
      artifactKey: ref.key,
    };
    return { record, provenance };
  }));
}

/** A figure's bytes for report.html: WebP where smaller (a fifth of the PNG, issue 18). */
async function png(dir: string, file: string): Promise<{ pngBase64: string; mime: string }> {
  const { bytes, mime } = await compactImage(await Deno.readFile(join(dir, file)));
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return { pngBase64: btoa(s), mime };
}

/** Model figures per evaluation ref, and one contact sheet per dataset artifact. */
export async function readFigures(
  refs: readonly EvaluationArtifact[],
  inputs: readonly EvaluationInput[],
  mode: FigureMode,
) {
  const embed = figureRefs(inputs, mode);
  const figures = new Map<string, FigureBlock[]>(), sheets = new Map<string, FigureBlock>();
  for (const { record, provenance } of inputs) {
    const dir = refs.find((r) => r.key === provenance.artifactKey)!.dir;
    for (const f of record.figures) {
      if (f.kind === "dataset") {
        const title = `${record.dataset.kind}: ${record.dataset.name}`;
        if (!sheets.has(record.dataset.artifactKey)) {
          sheets.set(record.dataset.artifactKey, {
            title,
            caption: f.caption,
            ...await png(dir, f.file),
          });
        }
      } else if (embed.has(provenance.ref)) {
        const list = figures.get(provenance.ref) ?? [];
        list.push({ title: f.title, caption: f.caption, ...await png(dir, f.file) });
        figures.set(provenance.ref, list);
      }
    }
  }
  return { figures, contactSheets: [...sheets.values()] };
}
