/**
 * A run's numbers must not depend on how many threads computed them (`--jobs` changes the
 * threads per worker; machines differ in cores): the filter gradients and matmuls of the
 * native backend are bit-identical for 1, 2 and 3 threads.
 */
import { equal } from "node:assert/strict";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./testing/grad_bits.ts", import.meta.url));

async function digest(threads: number): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script],
    env: { KEYPOINTGAN_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) },
    stdout: "piped",
    stderr: "inherit",
  }).output();
  equal(out.code, 0, `grad_bits.ts with ${threads} thread(s) failed`);
  return new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
}

Deno.test("native backend: convolutions (and their gradients), matmuls, the fused normalisation and β are bit-identical for 1, 2 and 3 threads", async (t) => {
  const one = await digest(1);
  if (one.startsWith("skip:")) {
    console.log(`ignored: ${one}`);
    return;
  }
  for (const n of [2, 3]) {
    await t.step(`${n} threads`, async () => equal(await digest(n), one));
  }
});
