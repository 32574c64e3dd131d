import assert from "node:assert/strict";
import { join } from "node:path";
import { encodeMessage } from "../../run/channel.ts";
import type { NodeEvent } from "../../run/node_job.ts";
import type { JobState } from "./cli.ts";
import { describeState, follow } from "./follow.ts";
import { OutputTail } from "./tail.ts";
import type { JobWatch } from "./watch.ts";

/** A watch whose states the test sets. */
function fakeWatch(state: Partial<JobState> & { state: string }) {
  const s: JobState = { id: "7", reason: "", nodes: "", ...state };
  return { get: () => s, error: undefined as string | undefined } as unknown as JobWatch;
}

Deno.test("OutputTail: complete lines only, across appends; flush gives the rest", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "job.out");
  const tail = new OutputTail(path);
  assert.deepEqual(await tail.read(), [], "no file yet");
  await Deno.writeTextFile(path, "a\nb");
  assert.deepEqual(await tail.read(), ["a"]);
  await Deno.writeTextFile(path, "ée\nc\n", { append: true });
  assert.deepEqual(await tail.read(), ["bée", "c"]);
  await Deno.writeTextFile(path, "end", { append: true });
  assert.deepEqual(await tail.read(), []);
  assert.deepEqual(tail.flush(), ["end"]);
  assert.deepEqual(tail.recent, ["a", "bée", "c", "end"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("follow: passes events (and stray stderr lines) on, returns the outcome", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "job.out");
  await Deno.writeTextFile(
    path,
    "deno warning on stderr\n" +
      encodeMessage({ type: "progress", done: 1, total: 2 }) +
      encodeMessage({ type: "outcome", outcome: { status: "ran", seconds: 1 } }),
  );
  const events: NodeEvent[] = [];
  const end = await follow({
    jobId: "7",
    watch: fakeWatch({ state: "RUNNING", nodes: "node07" }),
    tail: new OutputTail(path),
    onEvent: (e) => events.push(e),
    intervalMs: 10,
    endGraceMs: 50,
  });
  assert.deepEqual(end, { kind: "outcome", outcome: { status: "ran", seconds: 1 } });
  assert.deepEqual(events, [
    { type: "log", message: "deno warning on stderr" },
    { type: "progress", done: 1, total: 2 },
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("follow: a job that ended without an outcome ends after the grace", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "job.out");
  await Deno.writeTextFile(path, "Killed");
  const events: NodeEvent[] = [];
  const end = await follow({
    jobId: "7",
    watch: fakeWatch({ state: "OUT_OF_MEMORY" }),
    tail: new OutputTail(path),
    onEvent: (e) => events.push(e),
    intervalMs: 10,
    endGraceMs: 50,
  });
  assert.equal(end.kind, "ended");
  assert.deepEqual(events.map((e) => e.type === "log" && e.message), [
    "Slurm job 7 OUT_OF_MEMORY",
    "Killed",
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("follow: re-attaching replays only the latest progress and a few log lines", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "job.out");
  const history = Array.from(
    { length: 20 },
    (_, i) =>
      encodeMessage({ type: "log", message: `line ${i}` }) +
      encodeMessage({ type: "progress", done: i, total: 100 }),
  ).join("");
  await Deno.writeTextFile(path, history);
  const events: NodeEvent[] = [];
  const ctrl = new AbortController();
  ctrl.abort();
  const end = await follow({
    jobId: "7",
    watch: fakeWatch({ state: "PENDING", reason: "Priority" }),
    tail: new OutputTail(path),
    onEvent: (e) => events.push(e),
    intervalMs: 10,
    endGraceMs: 50,
    replayRecent: true,
    signal: ctrl.signal,
  });
  assert.equal(end.kind, "interrupted");
  assert.deepEqual(events, [
    ...[15, 16, 17, 18, 19].map((i) => ({ type: "log", message: `line ${i}` })),
    { type: "progress", done: 19, total: 100 },
    { type: "log", message: "Slurm job 7 PENDING (Priority)" },
  ]);
  assert.equal(
    describeState({ id: "7", state: "GONE", reason: "", nodes: "" }),
    "no longer in the queue",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("follow: a failed store check ends the wait", async () => {
  const dir = await Deno.makeTempDir();
  const end = await follow({
    jobId: "7",
    watch: fakeWatch({ state: "PENDING", reason: "Dependency" }),
    tail: new OutputTail(join(dir, "none.out")),
    onEvent: () => {},
    intervalMs: 10,
    endGraceMs: 50,
    checkError: () => "the store is not shared",
  });
  assert.deepEqual(end, { kind: "check-failed", error: "the store is not shared" });
  await Deno.remove(dir, { recursive: true });
});
