/**
 * Backend selection (`initBackend`): unknown names fail with the valid list, `auto` prints one
 * line naming the backend it chose (the native one when BLAS loads), and the stock CPU
 * backend's "use tfjs-node" banner stays silent.
 */
import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { BACKEND_NAMES, currentBackend, initBackend, tf } from "./tf.ts";
import { isBlas, loadBlas } from "./native/blas.ts";

Deno.test("initBackend rejects an unknown backend, naming the valid ones", async () => {
  await rejects(() => initBackend("tpu"), (e: Error) => {
    match(
      e.message,
      /unknown backend "tpu"; valid backends: auto, tfjs-node-gpu, tfjs-node, native/,
    );
    return true;
  });
  equal(currentBackend(), undefined);
  deepEqual([...BACKEND_NAMES], [
    "auto",
    "tfjs-node-gpu",
    "tfjs-node",
    "native",
    "webgpu",
    "wasm",
    "cpu",
  ]);
});

Deno.test("auto selection prints one line and picks native when BLAS loads", async () => {
  const lines: string[] = [];
  const chosen = await initBackend("auto", (l) => lines.push(l));
  const blas = loadBlas();
  equal(lines.length, isBlas(blas) ? 1 : 2, lines.join("\n"));
  match(lines[0], new RegExp(`^\\[tf\\] backend: ${isBlas(blas) ? "native" : "\\S+"} .*\\(auto`));
  if (isBlas(blas)) equal(chosen, "native");
  else match(lines[1], /native BLAS backend unavailable .* apt-get install libopenblas0-pthread/);
  equal(currentBackend(), chosen);
  equal(await initBackend("cpu", () => {}), chosen, "the first selection wins for the process");
});

Deno.test("the stock CPU backend does not print the tfjs-node banner", async () => {
  const warned: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warned.push(args);
  try {
    await tf.setBackend("cpu");
    tf.tensor([1, 2, 3]).dispose();
  } finally {
    console.warn = warn;
    await tf.setBackend(currentBackend()!);
  }
  ok(!warned.some((w) => String(w).includes("Hi, looks like")), String(warned));
});
