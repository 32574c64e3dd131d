/**
 * Run progress for people: on a TTY, live bars (cli-progress; one per computing node plus an
 * overall bar whose percentage and ETA are in measured seconds, see `progress_model.ts`, from
 * the ledger of earlier runs where it has them); otherwise plain lines at
 * node start/end, every 10 % or 10 s of a node, and an overall line every 10 s. Stage logs
 * print above the bars. Everything goes to stderr; stdout is kept for tables.
 *
 * @module
 */
// @ts-types="@types/cli-progress"
import cliProgress from "cli-progress";
import process from "node:process";
import type { Plan, PlanNode } from "../plan/plan.ts";
import type { RunEvent } from "./runner.ts";
import { duration, variantsCell } from "../common/table.ts";
import { ProgressModel, type ProgressModelOptions } from "./progress_model.ts";

/** Where and how to draw. */
export interface ProgressOptions {
  readonly tty: boolean;
  /** Plain-mode line sink. @default console.error */
  readonly write?: (line: string) => void;
  /** Plain-mode overall interval. @default 10_000 */
  readonly intervalMs?: number;
  /** Measured history and parallelism for the overall estimate. */
  readonly model?: ProgressModelOptions;
}

/** An observer for `run` and a `stop()` to call when the run ends. */
export interface ProgressView {
  observer(event: RunEvent): void;
  stop(): void;
}

/** `slow · base` */
export function nodeLabel(node: PlanNode, plan: Plan): string {
  return `${node.stage} · ${variantsCell(node.variants, plan.experiment.runs.length)}`;
}

/** Creates the view for `plan`. */
export function progressView(plan: Plan, opts: ProgressOptions): ProgressView {
  return opts.tty ? barsView(plan, opts) : linesView(plan, opts);
}

function endLine(plan: Plan, e: Extract<RunEvent, { type: "node-end" }>): string | undefined {
  const label = nodeLabel(e.node, plan);
  const o = e.outcome;
  if (o.status === "ran") return `✔ ${label} ran in ${duration(o.seconds)}`;
  if (o.status === "hit" && e.node.state.status === "run") {
    return `✔ ${label} computed meanwhile by another run`;
  }
  if (o.status === "failed") {
    return `✖ ${label} failed: ${o.error}${o.log ? ` (log: ${o.log})` : ""}`;
  }
  if (o.status === "skipped") return `− ${label} skipped: ${o.error}`;
  return undefined;
}

function linesView(plan: Plan, opts: ProgressOptions): ProgressView {
  const write = opts.write ?? ((l: string) => console.error(l));
  const model = new ProgressModel(plan, opts.model);
  const printed = new Map<string, { at: number; decile: number }>();
  const timer = setInterval(() => {
    if (model.running > 0) write(`… overall ${model.percent()}% · ETA ${duration(model.eta())}`);
  }, opts.intervalMs ?? 10_000);
  return {
    observer(e) {
      model.update(e);
      const label = nodeLabel(e.node, plan);
      if (e.type === "node-start") write(`▶ ${label}`);
      else if (e.type === "node-end") {
        const line = endLine(plan, e);
        if (line) write(line);
      } else if (e.event.type === "log" || e.event.type === "warn") {
        write(`  ${label} │ ${e.event.message}`);
      } else {
        const { done, total } = e.event;
        const last = printed.get(e.node.key) ?? { at: 0, decile: 0 };
        const decile = Math.floor((10 * done) / Math.max(1, total));
        if (decile > last.decile || Date.now() - last.at >= (opts.intervalMs ?? 10_000)) {
          printed.set(e.node.key, { at: Date.now(), decile });
          write(
            `… ${label} ${Math.floor((100 * done) / Math.max(1, total))}% (${done}/${total}) ${
              model.rate(e.node.key)
            }`,
          );
        }
      }
    },
    stop: () => clearInterval(timer),
  };
}

/** Erase the terminal line first, so a short log line leaves no remains of a bar. */
const CLEAR = "\x1b[2K";

function barsView(plan: Plan, opts: ProgressOptions): ProgressView {
  const model = new ProgressModel(plan, opts.model);
  const multi = new cliProgress.MultiBar({
    format: " {label} |{bar}| {percentage}% {value}/{total} {rate} ETA {eta_formatted}",
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 30,
    stream: process.stderr,
  }, cliProgress.Presets.shades_classic);
  const overall = multi.create(1000, 0, { label: "overall", rate: "", nodes: "", eta_text: "?" }, {
    format: " {label} |{bar}| {percentage}% {nodes} ETA {eta_text}",
  });
  const refresh = () =>
    overall.update(Math.round(model.fraction() * 1000), {
      nodes: model.nodesText(),
      eta_text: duration(model.eta()),
    });
  // Between events (a node without progress reports), the estimate still moves with the clock.
  const timer = setInterval(refresh, 1000);
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    observer(e) {
      model.update(e);
      const label = nodeLabel(e.node, plan);
      if (e.type === "node-start") bars.set(e.node.key, multi.create(1, 0, { label, rate: "" }));
      else if (e.type === "node-end") {
        const bar = bars.get(e.node.key);
        if (bar) multi.remove(bar);
        bars.delete(e.node.key);
        const line = endLine(plan, e);
        if (line) multi.log(`${CLEAR}${line}\n`);
      } else if (e.event.type === "progress") {
        const bar = bars.get(e.node.key);
        bar?.setTotal(Math.max(1, e.event.total));
        bar?.update(e.event.done, { label, rate: model.rate(e.node.key) });
      } else multi.log(`${CLEAR}  ${label} │ ${e.event.message}\n`);
      refresh();
    },
    stop: () => {
      clearInterval(timer);
      multi.stop();
    },
  };
}
