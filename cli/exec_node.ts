/**
 * `exec-node --job FILE [--store DIR]`: computes exactly one planned node (a `--jobs` worker,
 * later a Slurm job). It re-checks the stage's code fingerprint against the job's, so a job
 * started after the code changed fails instead of storing results under a stale key. Events go
 * to stdout as protocol lines (channel.ts); SIGTERM aborts the stage.
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { encodeMessage, type WorkerMessage } from "../pipeline/run/channel.ts";
import { executeNode } from "../pipeline/run/execute.ts";
import { Fingerprinter } from "../pipeline/plan/fingerprint.ts";
import type { NodeJob, NodeOutcome } from "../pipeline/run/node_job.ts";
import type { Project } from "../pipeline/project.ts";
import { Store } from "../pipeline/store/store.ts";

/** Runs one job; exit code 0 (ran or hit), 1 (failed), 130 (aborted). */
export async function execNodeCommand(project: Project, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { job: { type: "string" }, store: { type: "string" } },
  });
  if (values.job === undefined) throw new TypeError("exec-node needs --job FILE");
  const job = JSON.parse(await Deno.readTextFile(values.job)) as NodeJob;
  const store = new Store(values.store ?? join(values.job, "..", "..", ".."));
  const send = (m: WorkerMessage) =>
    Deno.stdout.writeSync(new TextEncoder().encode(encodeMessage(m)));
  const ctrl = new AbortController();
  const onTerm = () => ctrl.abort();
  Deno.addSignalListener("SIGTERM", onTerm);
  Deno.addSignalListener("SIGINT", onTerm);
  try {
    const outcome = await runJob(project, job, store, ctrl.signal, send);
    send({ type: "outcome", outcome });
    return outcome.status === "failed" ? 1 : outcome.status === "aborted" ? 130 : 0;
  } finally {
    Deno.removeSignalListener("SIGTERM", onTerm);
    Deno.removeSignalListener("SIGINT", onTerm);
  }
}

async function runJob(
  project: Project,
  job: NodeJob,
  store: Store,
  signal: AbortSignal,
  send: (m: WorkerMessage) => void,
): Promise<NodeOutcome> {
  const code = new Fingerprinter(project.root).of(join(project.stagesDir, `${job.stage}.ts`));
  if (code.hash !== job.code.hash) {
    const changed = Object.keys({ ...code.files, ...job.code.files }).filter((f) =>
      code.files[f] !== job.code.files[f]
    );
    return {
      status: "failed",
      seconds: 0,
      error: `the code of stage "${job.stage}" changed since the run was planned (${
        changed.join(", ")
      }); run again`,
    };
  }
  return await executeNode(job, {
    registry: project.registry,
    store,
    signal,
    onEvent: send,
    detailLine: project.detailLine,
  });
}
