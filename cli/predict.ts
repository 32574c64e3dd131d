/**
 * `deno task predict --model <run id | artifact key | train artifact dir | exported predictor dir>
 * <image files or folders…> [--out predictions.json] [--overlay DIR]`: run a trained pose
 * predictor p = η(Φ(x)) on any images and write `{ "<input path as given>": [[x, y] × K] }` in
 * each input image's pixel coordinates (docs/real_data.md). Geometry: keypointgan/predict/image.ts.
 *
 * Exit codes: 0 every image predicted · 1 some images failed (each named on stderr; the others
 * are in the output) · 2 usage or model error (nothing processed).
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { ExperimentError, parseCommandArgs, Store, STORE_ENV } from "../pipeline/mod.ts";
import { initBackend } from "../keypointgan/tf.ts";
import { FIT_MODES, type FitMode } from "../keypointgan/predict/image.ts";
import { loadPosePredictor, ModelLoadError } from "../keypointgan/predict/model.ts";
import {
  collectInputs,
  type FileResult,
  formatPredictions,
  predictFiles,
  predictionsJson,
} from "../keypointgan/predict/predict_files.ts";
import { ModelRefError, resolveModel } from "./resolve_model.ts";

const ROOT = new URL("..", import.meta.url).pathname;

export const USAGE =
  `usage: deno task predict --model <run id | artifact key | dir> <images or folders…> [options]

  --model X        a run id (deno task runs; a prefix or "last"), a train artifact key (prefix),
                   a train artifact dir, its model/ dir, or an exported predictor/ dir
  --variant LABEL  which train node of a run that trained several (a variant or matrix label)
  --out FILE       write the JSON there (default: stdout)
  --overlay DIR    write one PNG per image with the predicted skeleton
  --fit crop|pad   make non-square images square: centred crop (default) or edge-replicated pad
  --kind K         refuse a model that was not trained on K (humans | faces | cats), exit 2;
                   with a run id or "last", pick that run's (or the newest) model of kind K
  --store DIR      artifact store for run ids / keys (default $${STORE_ENV}, else .cache/)
  --backend NAME   TF.js backend (default auto)
  --batch N        images per forward pass (default 32)

Output: { "<input path as given>": [[x, y] × K] } in the input image's pixels, origin at the
top-left corner of the top-left pixel (its centre is (0.5, 0.5)), as in ../shared/data.`;

function parse(args: string[]) {
  return parseCommandArgs("predict", {
    args,
    allowPositionals: true,
    options: {
      model: { type: "string" },
      variant: { type: "string" },
      out: { type: "string" },
      overlay: { type: "string" },
      fit: { type: "string", default: "crop" },
      kind: { type: "string" },
      store: { type: "string" },
      backend: { type: "string", default: "auto" },
      batch: { type: "string", default: "32" },
      help: { type: "boolean", short: "h" },
    },
  });
}

type Values = ReturnType<typeof parse>["values"];

/** Usage problems, all at once (empty = fine). */
function usageErrors(values: Values, inputs: string[]): string[] {
  const errs: string[] = [];
  if (!values.model) errs.push("--model is required");
  if (inputs.length === 0) errs.push("give at least one image file or folder");
  if (!FIT_MODES.includes(values.fit as FitMode)) {
    errs.push(`--fit: expected ${FIT_MODES.join(" | ")}, got "${values.fit}"`);
  }
  if (!/^[1-9]\d*$/.test(values.batch!)) errs.push(`--batch: expected a positive integer`);
  if (values.kind && !["humans", "faces", "cats"].includes(values.kind)) {
    errs.push(`--kind: expected humans | faces | cats, got "${values.kind}"`);
  }
  return errs;
}

/**
 * Where relative paths start: `deno task` runs in the repository root and sets INIT_CWD to the
 * directory the user typed the command in (as npm run does).
 */
const CWD = Deno.env.get("INIT_CWD") ?? Deno.cwd();
const here = (p: string) => resolve(CWD, p);

function openStoreDir(dir: string | undefined): Store {
  const given = dir ?? Deno.env.get(STORE_ENV);
  return new Store(given ? here(given) : resolve(ROOT, ".cache"));
}

async function writeOutput(out: string | undefined, json: Record<string, number[][]>) {
  const text = formatPredictions(json);
  if (!out) return void await Deno.stdout.write(new TextEncoder().encode(text));
  await Deno.mkdir(dirname(here(out)), { recursive: true });
  const tmp = `${here(out)}.tmp-${Deno.pid}`;
  await Deno.writeTextFile(tmp, text);
  await Deno.rename(tmp, here(out));
}

/** Load the model named by the flags; a `ModelLoadError`/`ModelRefError` explains failures. */
async function openModel(values: Values) {
  const found = await resolveModel(
    values.model!,
    openStoreDir(values.store),
    values.variant,
    CWD,
    values.kind,
  );
  await initBackend(values.backend!, () => {});
  const predictor = await loadPosePredictor(found.dir);
  const what = `${predictor.kind ?? predictor.skeleton.name}${
    predictor.variant ? ` ${predictor.variant}` : ""
  } model (${predictor.numPoints} points, ${predictor.skeleton.name})`;
  if (values.kind && predictor.kind !== values.kind) {
    predictor.dispose();
    throw new ModelLoadError(
      `--model ${values.model} is a ${what}: it predicts ${
        predictor.kind ?? predictor.skeleton.name
      } (${predictor.numPoints} points), not ${values.kind} (--kind ${values.kind}); ` +
        `${predictor.description}`,
    );
  }
  console.error(
    `predict: using a ${what} at ${predictor.imageSize}×${predictor.imageSize} px, fit ` +
      `${values.fit}\n  from ${found.via}\n  (${predictor.description})`,
  );
  if (!values.kind) {
    console.error(
      `  no --kind given: nothing checks that a ${
        predictor.kind ?? predictor.skeleton.name
      } model suits these images; add --kind ${predictor.kind ?? "humans|faces|cats"} to check`,
    );
  }
  return predictor;
}

/** The command; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parse(args);
  } catch (e) {
    if (!(e instanceof ExperimentError)) throw e;
    for (const issue of e.issues) console.error(`✖ ${issue.source}: ${issue.message}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) return (console.log(USAGE), 0);
  const errs = usageErrors(values, positionals);
  if (errs.length > 0) {
    console.error(`predict: ${errs.join("; ")}\n\n${USAGE}`);
    return 2;
  }
  let predictor;
  try {
    predictor = await openModel(values);
  } catch (e) {
    if (!(e instanceof ModelLoadError || e instanceof ModelRefError)) throw e;
    console.error(`predict: ${e.message}`);
    return 2;
  }
  const failed: FileResult[] = [];
  const report = (r: FileResult) => r.error && (failed.push(r), console.error(`  ✖ ${r.error}`));
  try {
    const { files, errors } = await collectInputs(positionals, CWD);
    errors.forEach(report);
    const results = await predictFiles(predictor, files, {
      fit: values.fit as FitMode,
      batch: Number(values.batch),
      overlayDir: values.overlay && here(values.overlay),
      onResult: report,
    });
    const json = predictionsJson(results);
    await writeOutput(values.out, json);
    const n = Object.keys(json).length;
    console.error(
      `predict: ${n} image${n === 1 ? "" : "s"} predicted${values.out ? ` → ${values.out}` : ""}` +
        (values.overlay ? `, overlays in ${values.overlay}` : "") +
        (failed.length ? `; ${failed.length} failed (above)` : ""),
    );
    return failed.length > 0 ? 1 : 0;
  } finally {
    predictor.dispose();
  }
}
