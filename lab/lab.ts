/**
 * The notebook API: an experiment you can step through cell by cell. Every call goes through
 * the engine's programmatic API (`pipeline/mod.ts`: load → plan → run → readArtifact), the same
 * functions the CLI calls, so a cell and `deno task ablation` share one cache, one ledger and
 * one validation; nothing here decides what to compute.
 *
 * ```ts
 * const lab = await Lab.open("smoke");            // validated like `main.ts run smoke`
 * await lab.plan();                                // HTML table: cached / to run and why
 * const kpg = { variant: "keypointgan", where: { "prepare_data.dataset": "humans" } };
 * const train = await lab.run("train", kpg);      // runs what it needs; loss curves inline
 * await lab.set("train.steps", 40);                // validated like --set train.steps=40
 * ```
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import {
  executorPlugins,
  type Experiment,
  type ExperimentSource,
  load,
  nodeOf,
  openProject,
  openStore,
  type Plan,
  plan,
  type Project,
  readArtifact,
  run,
  type Store,
} from "../pipeline/mod.ts";
import { globals, registry } from "../stages/mod.ts";
import { compare, type Comparison } from "./compare.ts";
import { JUPYTER_DISPLAY, labHtml, type MimeBundle, show } from "./display.ts";
import { type ArtifactHandle, handleFor, type HandleOf } from "./handles.ts";
import { PlanView } from "./plan_view.ts";
import { ProgressLine } from "./cell_progress.ts";
import { type RunSelector, selectRun } from "./run_selector.ts";
import { esc } from "../reports/html.ts";

export type { RunSelector } from "./run_selector.ts";
export { show } from "./display.ts";

/** Environment variable naming the experiment the notebooks open (CI sets `smoke`). */
export const EXPERIMENT_ENV = "KEYPOINTGAN_NOTEBOOK_EXPERIMENT";

const ROOT = new URL("../", import.meta.url);

/** Options of {@link Lab.open}. */
export interface LabOptions {
  /** Artifact store. @default `$KEYPOINTGAN_STORE`, else `<repo>/.cache` (the CLI's) */
  readonly store?: string;
  /** Nodes computed at once; 1 = in this process (the default), N = `main.ts exec-node` workers. */
  readonly jobs?: number;
  /** Another project (tests). @default this repository's stage registry */
  readonly project?: Project;
  /** No progress line. */
  readonly quiet?: boolean;
}

/** Options of {@link Lab.run}. */
export interface RunOptions extends RunSelector {
  /** Recompute this node (and nothing upstream that is cached), like `--force stage@variant`. */
  readonly force?: boolean;
}

/** The experiment the notebooks open: `$KEYPOINTGAN_NOTEBOOK_EXPERIMENT`, else `quick`, else `ablation`. */
export function notebookExperiment(project?: Project): string {
  const env = Deno.env.get(EXPERIMENT_ENV);
  if (env) return env;
  const dir = project?.experimentsDir ?? fileURLToPath(new URL("experiments/", ROOT));
  const has = (n: string) => {
    try {
      return Deno.statSync(`${dir}/${n}.jsonc`).isFile;
    } catch {
      return false;
    }
  };
  return has("quick") ? "quick" : "ablation";
}

/** An experiment opened for a notebook: plan, run one stage for one variant, tweak, compare. */
export class Lab {
  #experiment: Experiment;
  #set: string[];

  private constructor(
    readonly project: Project,
    readonly store: Store,
    readonly source: ExperimentSource,
    experiment: Experiment,
    set: string[],
    readonly options: LabOptions,
  ) {
    this.#experiment = experiment;
    this.#set = set;
  }

  /** Loads and validates `experiment` (a name in experiments/, a path, or `{ name, value }`). */
  static async open(experiment?: ExperimentSource, options: LabOptions = {}): Promise<Lab> {
    const project = options.project ??
      openProject({ root: ROOT, registry, globals, executors: executorPlugins });
    const source = experiment ?? notebookExperiment(project);
    const store = openStore(project, options.store);
    return new Lab(project, store, source, await load(project, source), [], options);
  }

  /** The validated experiment (runs, resolved params). */
  get experiment(): Experiment {
    return this.#experiment;
  }
  get name(): string {
    return this.#experiment.name;
  }
  /** The `--set` overrides in force. */
  get overrides(): readonly string[] {
    return this.#set;
  }
  /** Run labels, e.g. `keypointgan[prepare_data.dataset=humans]`. */
  get labels(): string[] {
    return this.#experiment.runs.map((r) => r.label);
  }

  /**
   * Sets `stage.param` or a global for every run, validated like `--set K=V` (an invalid value
   * throws and changes nothing). Returns the lab, so `await lab.set(...)` shows it.
   */
  async set(key: string, value: unknown): Promise<Lab> {
    // JSON, so a string stays a string ("10" too): --set parses values as JSON first.
    const flag = `${key}=${JSON.stringify(value)}`;
    return await this.#reload([...this.#set.filter((s) => !s.startsWith(`${key}=`)), flag]);
  }

  /** Removes one override (`key`) or all of them. */
  async reset(key?: string): Promise<Lab> {
    return await this.#reload(key ? this.#set.filter((s) => !s.startsWith(`${key}=`)) : []);
  }

  async #reload(set: string[]): Promise<Lab> {
    this.#experiment = await load(this.project, this.source, { set });
    this.#set = set;
    return this;
  }

  /**
   * A new lab whose experiment is this one plus a variant, declared like a variant in an
   * experiment file (`{ params: { train: { … } }, matrix?, <global>? }`), validated the same way.
   */
  async variant(name: string, entry: Record<string, unknown>): Promise<Lab> {
    const base = typeof this.source === "string"
      ? { extends: this.source }
      : this.source.value as Record<string, unknown>;
    const variants = { ...(base.variants as Record<string, unknown> ?? {}), [name]: entry };
    const source = { name: this.name, value: { ...base, variants } };
    const exp = await load(this.project, source, { set: this.#set });
    return new Lab(this.project, this.store, source, exp, [...this.#set], this.options);
  }

  /**
   * The experiment as file content: what to paste into `experiments/<name>.jsonc` to run this
   * lab's experiment from the CLI (`--set` overrides excluded: see `overrides`).
   */
  toExperimentFile(): unknown {
    return typeof this.source === "string" ? { extends: this.source } : this.source.value;
  }

  /** The plan (every node: cached, or to run and why), as an HTML table. */
  async plan(opts: { only?: string | string[] } = {}): Promise<PlanView> {
    const only = typeof opts.only === "string" ? [opts.only] : opts.only;
    return new PlanView(
      await plan(this.project, this.#experiment, this.store, { only }),
      this.store,
    );
  }

  /**
   * Computes `stage` for one run (and what it needs, from the cache where possible) and returns
   * the artifact's handle. A failed node throws with its error and log path.
   */
  async run<S extends string>(stage: S, opts: RunOptions = {}): Promise<HandleOf<S>> {
    const t0 = performance.now();
    const label = selectRun(this.project, this.#experiment, stage, opts);
    const force = opts.force ? [label ? `${stage}@${label}` : stage] : [];
    const p = await plan(this.project, this.#experiment, this.store, { only: [stage], force });
    const node = nodeOf(p, stage, label)!;
    const needed = upstream(p, node.key);
    const todo = needed.filter((k) => p.byKey.get(k)!.state.status !== "cached").length;
    const progress = todo > 0 && !this.options.quiet
      ? new ProgressLine(needed.length, `${stage} ${label ?? ""}`.trim())
      : undefined;
    const result = await withInterrupt((signal) =>
      run(this.project, p, this.store, {
        targets: [node.key],
        jobs: this.options.jobs ?? 1,
        workerEntry: fileURLToPath(new URL("main.ts", ROOT)),
        observer: progress?.observe,
        signal,
        argv: ["lab.run", stage, ...(label ? [label] : [])],
      })
    );
    await progress?.finish(result.ok);
    const outcome = result.outcomes.get(node.key)!;
    const what = `${stage}${label ? ` for ${label}` : ""}`;
    if (outcome.status !== "ran" && outcome.status !== "hit") {
      throw new Error(`${what} did not complete:\n${failureLines(p, result.outcomes)}`);
    }
    // A fan-in with partial inputs (the report) runs despite failed variants: say which.
    if (!result.ok) await show(`⚠ ${what} ran without:\n${failureLines(p, result.outcomes)}`);
    const ref = await readArtifact(this.store, node.key, node.variants);
    if (ref === undefined) {
      throw new Error(`${stage}: artifact ${node.key.slice(0, 12)} does not verify after the run`);
    }
    return handleFor(ref, label ?? this.name, {
      status: outcome.status === "hit" ? "cached" : "ran",
      seconds: (performance.now() - t0) / 1000,
      summary: outcome.summary,
    }) as HandleOf<S>;
  }

  /** Evaluations (or training runs) side by side: metrics and the paper rows, or loss curves. */
  compare(...handles: ArtifactHandle[]): Promise<Comparison> {
    return compare(handles);
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const e = this.#experiment;
    const runs = e.runs.map((r) => `<li><code>${esc(r.label)}</code></li>`).join("");
    const set = this.#set.length ? ` · overrides: <code>${esc(this.#set.join(" "))}</code>` : "";
    return {
      "text/html": labHtml(
        `<p><strong>${esc(e.name)}</strong> (${esc(e.files[0] ?? "in memory")}) — ${
          esc(e.description)
        }<br><span class="muted">store ${esc(this.store.dir)}${set}</span></p>` +
          `<details><summary>${e.runs.length} runs</summary><ul>${runs}</ul></details>`,
      ),
      "text/plain": `${e.name}: ${e.runs.length} runs · store ${this.store.dir}${
        this.#set.length ? ` · --set ${this.#set.join(" ")}` : ""
      }`,
    };
  }
}

/** `key` and every node it depends on. */
function upstream(p: Plan, key: string): string[] {
  const out = new Set<string>();
  const visit = (k: string) => {
    if (out.has(k)) return;
    out.add(k);
    p.byKey.get(k)?.deps.forEach(visit);
  };
  visit(key);
  return [...out];
}

/** One line per failed or interrupted node: its error and log (as the CLI's summary says). */
function failureLines(p: Plan, outcomes: Awaited<ReturnType<typeof run>>["outcomes"]): string {
  return [...outcomes].filter(([, o]) => o.status === "failed" || o.status === "aborted")
    .map(([k, o]) => {
      const n = p.byKey.get(k)!;
      const what = o.status === "aborted"
        ? "interrupted (its state is saved: running the cell again resumes)"
        : o.error ?? o.status;
      return `  ✖ ${n.stage} (${n.variants.join(", ")}): ${what}${
        o.log ? `\n    log: ${o.log}` : ""
      }`;
    }).join("\n");
}

/** Runs `f` with an AbortSignal that Ctrl-C / the notebook's interrupt (SIGINT) aborts. */
async function withInterrupt<T>(f: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  const onInt = () => ctl.abort();
  let listening = false;
  try {
    Deno.addSignalListener("SIGINT", onInt);
    listening = true;
  } catch {
    // No signal support (e.g. Windows without a console): the run cannot be interrupted.
  }
  try {
    return await f(ctl.signal);
  } finally {
    if (listening) Deno.removeSignalListener("SIGINT", onInt);
  }
}
