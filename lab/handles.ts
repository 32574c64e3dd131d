/**
 * Artifact handles: what `lab.run(...)` returns. A handle points at one verified artifact in the
 * store (key, directory, params, the variants it serves) and displays itself in a notebook:
 * datasets as their contact sheet (PNG), η pretraining and training runs as loss curves
 * (Vega-Lite, the report's own chart builder), evaluations as their tables (HTML), the report
 * as Tables 1–5 beside the paper's values and the paper's claims (HTML, the report's renderer).
 *
 * @module
 */
import { join } from "node:path";
import { condenseCurves, parseJsonLines } from "../keypointgan/eval/curves.ts";
import type { EvaluationRecord, TrainingCurves } from "../keypointgan/eval/record.ts";
import type { ArtifactRef, StageSummary } from "../pipeline/mod.ts";
import { lossCurvesSpec, lossPoints } from "../reports/charts_runs.ts";
import { esc } from "../reports/html.ts";
import { parseEvaluationRecord } from "../keypointgan/eval/record_schema.ts";
import {
  base64,
  chartBundle,
  type Displayable,
  displayable,
  JUPYTER_DISPLAY,
  labHtml,
  type MimeBundle,
  pngDisplay,
} from "./display.ts";
import { evaluationHtml, reportHtml } from "./tables_html.ts";

/** How the artifact came to be in this call. */
export interface RunInfo {
  /** `ran`: computed by this call; `cached`: found in the store. */
  readonly status: "ran" | "cached";
  /** Wall time of the call that returned the handle. */
  readonly seconds: number;
  /** What the stage returned (the ledger's scalars). */
  readonly summary?: StageSummary;
}

/** One artifact in the store; subclasses add the stage-specific views. */
export class ArtifactHandle implements Displayable {
  constructor(
    readonly ref: ArtifactRef,
    /** The run label this handle was asked for (or the artifact's first variant). */
    readonly label: string,
    readonly info: RunInfo,
  ) {}

  get key(): string {
    return this.ref.key;
  }
  get stage(): string {
    return this.ref.stage;
  }
  get dir(): string {
    return this.ref.dir;
  }
  get params(): Readonly<Record<string, unknown>> {
    return this.ref.params;
  }

  /** Absolute path of one of the artifact's files. */
  path(file: string): string {
    return join(this.ref.dir, file);
  }

  /** A JSON file of the artifact, parsed. */
  async json<T = unknown>(file: string): Promise<T> {
    return JSON.parse(await Deno.readTextFile(this.path(file))) as T;
  }

  /** One line: stage, label, short key, cached or ran and how long the call took. */
  headline(): string {
    const how = this.info.status === "cached" ? "cached" : "computed";
    return `${this.stage} · ${this.label} · ${this.key.slice(0, 12)} · ${how} (${
      this.info.seconds.toFixed(2)
    } s)`;
  }

  toString(): string {
    return `${this.headline()}\n${this.dir}`;
  }

  /** The files of the artifact (generic view). */
  async bundle(): Promise<MimeBundle> {
    const files: string[] = [];
    for await (const e of Deno.readDir(this.dir)) files.push(e.isDirectory ? `${e.name}/` : e.name);
    files.sort();
    return {
      "text/html": labHtml(
        `<p class="muted">${esc(this.headline())}</p><ul>${
          files.map((f) => `<li><code>${esc(f)}</code></li>`).join("")
        }</ul>`,
      ),
      "text/plain": `${this.toString()}\n${files.join("  ")}`,
    };
  }

  [JUPYTER_DISPLAY](): Promise<MimeBundle> {
    return this.bundle();
  }
}

/** A `prepare_data` artifact: shows the dataset's contact sheet. */
export class DatasetHandle extends ArtifactHandle {
  /** `dataset.json` (kind, sizes, splits, provenance; the arrays stay on disk). */
  header(): Promise<Record<string, unknown>> {
    return this.json("dataset.json");
  }

  override async bundle(): Promise<MimeBundle> {
    const h = await this.header();
    const shape = (k: string) =>
      ((h.arrays as Record<string, { shape: number[] }>)[k]?.shape ?? [])[0] ?? 0;
    const text = `${this.headline()}\n${h.kind} "${h.name}": ${shape("train.images")} training, ` +
      `${shape("test.images")} test frames at ${h.imageSize}×${h.imageSize}, ` +
      `${shape("prior.keypoints")} prior poses, ${h.numPoints} keypoints`;
    return {
      "image/png": base64(await Deno.readFile(this.path("contact_sheet.png"))),
      "text/plain": text,
    };
  }
}

/** An artifact with a `metrics.jsonl` loss log: η pretraining and training runs. */
export class CurvesHandle extends ArtifactHandle {
  /** The file naming the logged losses (`train.json` or `pretrain.json`). */
  protected get infoFile(): string {
    return this.stage === "train" ? "train.json" : "pretrain.json";
  }

  /** The loss curves, condensed like the evaluation's copy (≤ 100 bucket means per loss). */
  async curves(): Promise<TrainingCurves> {
    const { lossNames } = await this.json<{ lossNames: string[] }>(this.infoFile);
    const file = this.path("metrics.jsonl");
    return condenseCurves(parseJsonLines(await Deno.readTextFile(file), file), lossNames);
  }

  /** The Vega-Lite spec of the curves (the report's training-chart builder). */
  async chart(): Promise<Record<string, unknown>> {
    return lossCurvesSpec(lossPoints(await this.curves(), this.label, this.key.slice(0, 12)));
  }

  override async bundle(): Promise<MimeBundle> {
    const info = await this.json<{ finalLosses?: Record<string, number> }>(this.infoFile);
    const final = Object.entries(info.finalLosses ?? {})
      .map(([k, v]) => `${k}=${v.toPrecision(4)}`).join(", ");
    return chartBundle(await this.chart(), `${this.headline()}\nfinal losses: ${final}`);
  }
}

/** A `train` artifact (weights, predictor export, loss log). */
export class TrainHandle extends CurvesHandle {
  /** `train.json`: variant, effective flags, steps, backend, final losses. */
  trainInfo(): Promise<Record<string, unknown>> {
    return this.json("train.json");
  }
}

/** An `evaluate` artifact: every protocol number, the figures. */
export class EvaluationHandle extends ArtifactHandle {
  #record?: EvaluationRecord;

  /** `metrics.json`, validated with the schema the report uses. */
  async record(): Promise<EvaluationRecord> {
    if (this.#record) return this.#record;
    const file = this.path("metrics.json");
    return this.#record = parseEvaluationRecord(await Deno.readTextFile(file), file);
  }

  /** Names of the figures (`predictions`, `swap`, `editing`, `leak`, `contact_sheet`). */
  async figures(): Promise<string[]> {
    return (await this.record()).figures.map((f) => f.file.replace(/^figures\/|\.png$/g, ""));
  }

  /** One figure as a displayable PNG (its caption as the text form). */
  async figure(name: string): Promise<Displayable> {
    const f = (await this.record()).figures.find((f) => f.file === `figures/${name}.png`);
    if (!f) {
      const have = (await this.figures()).join(", ");
      throw new Error(`evaluation ${this.label} has no figure "${name}" (it has: ${have})`);
    }
    return pngDisplay(this.path(f.file), `${f.title}: ${f.caption}`);
  }

  override async bundle(): Promise<MimeBundle> {
    const { html, text } = evaluationHtml([{ handle: this, record: await this.record() }]);
    return {
      "text/html": labHtml(`<p class="muted">${esc(this.headline())}</p>${html}`),
      "text/plain": `${this.headline()}\n${text}`,
    };
  }
}

/** The `report` artifact: Tables 1–5 beside the paper's values, the claims, the charts. */
export class ReportHandle extends ArtifactHandle {
  /** `tables.txt`: the tables as the CLI prints them. */
  text(): Promise<string> {
    return Deno.readTextFile(this.path("tables.txt"));
  }

  /** The report's chart ids (`charts/<id>.svg`). */
  async charts(): Promise<string[]> {
    const ids: string[] = [];
    for await (const e of Deno.readDir(this.path("charts"))) ids.push(e.name.replace(/\.svg$/, ""));
    return ids.sort();
  }

  /** One chart as the SVG the report rendered. */
  async chart(id: string): Promise<Displayable> {
    const svg = await Deno.readTextFile(this.path(`charts/${id}.svg`)).catch(() => {
      throw new Error(`the report has no chart "${id}"`);
    });
    return displayable({ "image/svg+xml": svg, "text/plain": `chart ${id}` });
  }

  override async bundle(): Promise<MimeBundle> {
    const html = reportHtml(await this.json("tables.json"), await this.json("claims.json"));
    return {
      "text/html": labHtml(`<p class="muted">${esc(this.headline())}</p>${html}`),
      "text/plain": await this.text(),
    };
  }
}

/** The handle type of each stage's artifact. */
export interface StageHandles {
  prepare_data: DatasetHandle;
  pretrain_regressor: CurvesHandle;
  train: TrainHandle;
  evaluate: EvaluationHandle;
  report: ReportHandle;
}

/** The handle `lab.run(stage)` returns. */
export type HandleOf<S extends string> = S extends keyof StageHandles ? StageHandles[S]
  : ArtifactHandle;

const HANDLES: Record<string, typeof ArtifactHandle> = {
  prepare_data: DatasetHandle,
  pretrain_regressor: CurvesHandle,
  train: TrainHandle,
  evaluate: EvaluationHandle,
  report: ReportHandle,
};

/** The handle class for a stage's artifact (a generic file listing for other stages). */
export function handleFor(ref: ArtifactRef, label: string, info: RunInfo): ArtifactHandle {
  return new (HANDLES[ref.stage] ?? ArtifactHandle)(ref, label, info);
}
