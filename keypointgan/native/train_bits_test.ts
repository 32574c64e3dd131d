/**
 * A training run gives the same bits for any thread count (so for any `--jobs`: workers run 1
 * thread, an in-process run 2) and whatever the process ran before: a small KeypointGAN trained
 * 1-threaded in a fresh process and 2-threaded after another training in the same process
 * (`--jobs 1` trains after η's pretraining) ends with bit-identical weights. At the small tier's image size (64 px) and widths, where convolutions
 * are cut into several GEMM chunks: a thread-dependent cut was the bug this test guards
 * (docs/performance.md, Determinism).
 */
import { equal } from "node:assert/strict";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./testing/train_bits.ts", import.meta.url));

async function digest(threads: number, warmup: boolean): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...(warmup ? ["--warmup"] : [])],
    env: { KEYPOINTGAN_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) },
    stdout: "piped",
    stderr: "inherit",
  }).output();
  equal(out.code, 0, `train_bits.ts with ${threads} thread(s) failed`);
  return new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
}

Deno.test("native backend: a small KeypointGAN trained with 1 thread, and with 2 after another training, has bit-identical weights", async () => {
  const [one, two] = await Promise.all([digest(1, false), digest(2, true)]);
  if (one.startsWith("skip:")) {
    console.log(`ignored: ${one}`);
    return;
  }
  equal(two, one, "weights differ between 1 thread (fresh) and 2 threads (after a warm-up)");
});
