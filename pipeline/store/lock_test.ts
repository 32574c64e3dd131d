import assert from "node:assert/strict";
import { join } from "node:path";
import { acquireLock, isLocked } from "./lock.ts";

Deno.test("a second acquirer waits until the first releases", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "locks", "k.lock");
  const first = await acquireLock(path, "run1");
  let waitedFor = "";
  const order: string[] = [];
  const second = acquireLock(path, "run2", { pollMs: 10, onWait: (h) => (waitedFor = h.runId) })
    .then((l) => {
      order.push("second");
      return l;
    });
  await new Promise((r) => setTimeout(r, 50));
  order.push("release");
  await first.release();
  await (await second).release();
  assert.deepEqual(order, ["release", "second"]);
  assert.equal(waitedFor, "run1");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a lock left by a dead process is taken over", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "k.lock");
  // pid 2^22+1 is above Linux's pid_max default: no such process.
  const dead = {
    pid: 4194305,
    host: (await import("node:os")).hostname(),
    runId: "old",
    since: "",
  };
  await Deno.writeTextFile(path, JSON.stringify(dead));
  assert.equal(await isLocked(path), false);
  const lock = await acquireLock(path, "new", { pollMs: 10 });
  assert.equal(JSON.parse(await Deno.readTextFile(path)).runId, "new");
  await lock.release();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("acquiring stops when aborted", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "k.lock");
  const held = await acquireLock(path, "a");
  const ctrl = new AbortController();
  const waiting = acquireLock(path, "b", { pollMs: 5, signal: ctrl.signal });
  ctrl.abort();
  await assert.rejects(waiting);
  await held.release();
  await Deno.remove(dir, { recursive: true });
});
