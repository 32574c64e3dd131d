/**
 * The PyTorch twin builds the same networks as ours: its trainable parameter count per network
 * (Φ, η, Ψ, D, D_B) equals ours for every variant of the small tier (and the tiny one), read
 * from the JSON bench/twin/config.ts writes. Skipped, saying how to get it, without PyTorch.
 */
import { deepEqual } from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { NETWORKS, twinConfig } from "./config.ts";
import type { TierName } from "../../keypointgan/tiers.ts";

const PYTHON = "/usr/bin/python3";
const script = fileURLToPath(new URL("./twin.py", import.meta.url));

/** Why the twin cannot run here, or undefined. */
function torchMissing(): string | undefined {
  try {
    const out = new Deno.Command(PYTHON, { args: ["-c", "import torch"], stderr: "null" })
      .outputSync();
    return out.success ? undefined : "PyTorch is not installed for /usr/bin/python3";
  } catch {
    return "/usr/bin/python3 not found";
  }
}

for (const tier of ["small", "tiny"] as TierName[]) {
  Deno.test(`PyTorch twin: parameter counts per network equal ours (${tier} tier, every variant)`, async () => {
    const why = torchMissing();
    if (why) {
      console.log(`ignored: ${why} (Debian: apt-get install -y python3-torch)`);
      return;
    }
    const cfg = twinConfig(tier);
    const dir = await Deno.makeTempDir();
    try {
      const path = join(dir, "twin.json");
      await Deno.writeTextFile(path, JSON.stringify(cfg));
      const out = await new Deno.Command(PYTHON, {
        args: [script, "--config", path, "--counts", "--threads", "1"],
        stdout: "piped",
        stderr: "inherit",
      }).output();
      const got = JSON.parse(new TextDecoder().decode(out.stdout)).parameters;
      const want = Object.fromEntries(
        Object.entries(cfg.variants).map(([v, c]) => [v, c.parameters]),
      );
      deepEqual(got, want);
      for (const v of Object.values(want)) deepEqual(Object.keys(v), [...NETWORKS]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
