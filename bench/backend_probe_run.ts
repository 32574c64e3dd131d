/**
 * Can a stock backend train bench-net here? (A child of bench.ts: a backend is initialised
 * once per process.) Prints `{"ok": true}` or `{"ok": false, "reason": …}`.
 *
 *   deno run -A bench/backend_probe_run.ts --backend wasm
 *
 * @module
 */
import { parseArgs } from "node:util";
import { initBackend, tf } from "../keypointgan/tf.ts";
import { webgpuSkipReason } from "../keypointgan/native/probe.ts";

const { values } = parseArgs({ args: Deno.args, options: { backend: { type: "string" } } });
const backend = values.backend ?? "wasm";

async function probe(): Promise<{ ok: boolean; reason?: string }> {
  if (backend === "webgpu") {
    const reason = await webgpuSkipReason();
    if (reason) return { ok: false, reason };
  }
  try {
    const name = await initBackend(backend, () => {});
    const missing = ["Conv2DBackpropFilter", "Conv2DBackpropInput"].find((k) =>
      !tf.getKernel(k, name)
    );
    return missing
      ? { ok: false, reason: `cannot train convnets (no ${missing} kernel)` }
      : { ok: true };
  } catch (e) {
    return { ok: false, reason: (e as Error).message.split("\n")[0] };
  }
}

console.log(JSON.stringify(await probe()));
