/**
 * `deno task ui [--store DIR] [--port N]`: starts the local read-only run browser (ui/server.ts)
 * over a store.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { ExperimentError, parseCommandArgs, STORE_ENV } from "../pipeline/mod.ts";
import { UiData } from "../ui/data.ts";
import { serve } from "../ui/server.ts";

const ROOT = new URL("..", import.meta.url).pathname;

export const USAGE = `Usage: deno task ui [--store DIR] [--port N]

A local run browser (read-only) at http://127.0.0.1:PORT/: the runs of the ledger, one run's
params, metrics, Table 4 with the paper's values, training curves, figures and logs, and a
compare of 2–5 runs. Listens on 127.0.0.1 only; Ctrl-C stops it.

  --store DIR   artifact store (default: $${STORE_ENV}, else .cache/)
  --port N      port (default 8787; 0 = any free port)`;

/** `main.ts ui`. */
export async function run(args: string[]): Promise<number> {
  let values;
  try {
    values = parseCommandArgs("ui", {
      args,
      options: {
        store: { type: "string" },
        port: { type: "string", default: "8787" },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (e) {
    if (!(e instanceof ExperimentError)) throw e;
    for (const issue of e.issues) console.error(`✖ ${issue.source}: ${issue.message}`);
    return 2;
  }
  if (values.help) return console.log(USAGE), 0;
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`✖ ui: --port: expected 0–65535, got "${values.port}"`);
    return 2;
  }
  const cwd = Deno.env.get("INIT_CWD") ?? Deno.cwd();
  const given = values.store ?? Deno.env.get(STORE_ENV);
  const storeDir = given ? resolve(cwd, given) : join(ROOT, ".cache");
  const data = new UiData(storeDir);
  const n = (await data.runs()).length;
  let server;
  try {
    server = serve(storeDir, {
      port,
      onListen: (a) =>
        console.error(
          `ui: http://127.0.0.1:${a.port}/ — ${n} runs in ${data.store.ledgerPath} (read-only; Ctrl-C stops)`,
        ),
    });
  } catch (e) {
    if (!(e instanceof Deno.errors.AddrInUse)) throw e;
    console.error(
      `✖ ui: port ${port} is in use on 127.0.0.1; pick another with --port N (0 = any)`,
    );
    return 2;
  }
  await server.finished;
  return 0;
}
