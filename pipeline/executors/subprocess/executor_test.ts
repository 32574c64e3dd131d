import assert from "node:assert/strict";
import { join } from "node:path";
import type { NodeEvent, NodeJob } from "../../run/node_job.ts";
import { Store } from "../../store/store.ts";
import { fileURLToPath } from "node:url";
import { SubprocessExecutor } from "./executor.ts";
import { executorContract } from "../testing/contract.ts";

/** The fixture project's CLI (its `exec-node` is what a worker runs). */
const FIXTURE_MAIN = fileURLToPath(new URL("../../../tests/fixtures/main.ts", import.meta.url));

Deno.test({
  name: "executor contract: subprocess workers",
  // A worker's stdin/stdout pipes may close after the test body (the workers exit on close()).
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    await executorContract(
      t,
      (_project, store) => new SubprocessExecutor({ store, jobs: 2, entry: FIXTURE_MAIN }),
    );
  },
});

Deno.test("a worker that crashes outside its stage: one clear line, the stack in the node log", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kpg-worker-" });
  try {
    // Stands in for `main.ts exec-node`: dies at once with an uncaught error (and its stack).
    const entry = join(dir, "crash.ts");
    await Deno.writeTextFile(
      entry,
      'function deep() { throw new Error("worker crashed on purpose"); }\ndeep();\n',
    );
    const store = new Store(join(dir, "store"));
    const job = { key: "f".repeat(64), stage: "slow", runId: "20261207-000000-abcd" } as NodeJob;
    const events: NodeEvent[] = [];
    const executor = new SubprocessExecutor({ store, jobs: 1, entry });
    const outcome = await executor.run(job, (e) => events.push(e), new AbortController().signal);
    assert.equal(outcome.status, "failed");
    assert.match(outcome.error ?? "", /^worker exited with code 1: .*worker crashed on purpose$/);
    const shown = events.map((e) => "message" in e ? e.message : "").join("\n");
    assert.match(shown, /worker crashed on purpose/);
    assert.doesNotMatch(shown, /^\s+at /m, "no stack frames in the terminal");
    const log = await Deno.readTextFile(store.logPath(job.runId, job.stage, job.key));
    assert.match(log, /worker crashed on purpose\n(.*\n)*\s+at deep \(.*crash\.ts:1:\d+\)/);
    assert.equal(outcome.log, store.logPath(job.runId, job.stage, job.key));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
