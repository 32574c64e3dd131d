/**
 * A minimal headless-Chromium driver over the DevTools protocol (no npm dependency): launch,
 * open a page, collect console errors, exceptions and network requests, evaluate scripts and
 * take screenshots. Used by the report's browser test and to make the README screenshot.
 *
 * @module
 */

/** Flags for a root, sandbox-less, offline-quiet headless Chromium. */
export function chromiumFlags(userDataDir: string): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    `--user-data-dir=${userDataDir}`,
    "--remote-debugging-port=0",
    "about:blank",
  ];
}

/** Where a usable Chromium is, or null. */
export async function findChromium(): Promise<string | null> {
  for (const path of ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]) {
    try {
      if ((await Deno.stat(path)).isFile) return path;
    } catch { /* not here */ }
  }
  return null;
}

/**
 * Finds Chromium, installing Debian's `chromium` with apt-get when it is missing and we are
 * root. Returns the path, or the reason it is unavailable.
 */
export async function ensureChromium(): Promise<{ path: string } | { reason: string }> {
  const found = await findChromium();
  if (found) return { path: found };
  if (Deno.uid?.() !== 0) {
    return { reason: "chromium is not installed and we are not root to apt-get it" };
  }
  try {
    const run = (args: string[]) =>
      new Deno.Command("apt-get", {
        args,
        stdout: "null",
        stderr: "piped",
        env: { DEBIAN_FRONTEND: "noninteractive" },
      })
        .output();
    await run(["update"]);
    const out = await run(["install", "-y", "--no-install-recommends", "chromium"]);
    if (!out.success) {
      return {
        reason: `apt-get install chromium failed: ${
          new TextDecoder().decode(out.stderr).slice(-300)
        }`,
      };
    }
  } catch (e) {
    return { reason: `cannot run apt-get: ${(e as Error).message}` };
  }
  const path = await findChromium();
  return path ? { path } : { reason: "apt-get installed chromium but no binary was found" };
}

type Json = Record<string, unknown>;

/** A DevTools connection to one page (flattened session). */
export class Page {
  readonly consoleErrors: string[] = [];
  readonly requests: string[] = [];
  #ws: WebSocket;
  #next = 1;
  #pending = new Map<number, { resolve: (v: Json) => void; reject: (e: Error) => void }>();
  #waiters: { method: string; resolve: () => void }[] = [];
  #session = "";

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.onmessage = (ev) => this.#onMessage(JSON.parse(ev.data as string));
  }

  /** Connects to the browser's websocket and opens a new page target. */
  static async open(browserWs: string): Promise<Page> {
    const ws = new WebSocket(browserWs);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error(`cannot connect to ${browserWs}`));
    });
    const page = new Page(ws);
    const { targetId } = await page.send("Target.createTarget", { url: "about:blank" }, false);
    const { sessionId } = await page.send(
      "Target.attachToTarget",
      { targetId, flatten: true },
      false,
    );
    page.#session = sessionId as string;
    for (const domain of ["Runtime", "Log", "Page", "Network"]) await page.send(`${domain}.enable`);
    return page;
  }

  #onMessage(msg: Json) {
    const id = msg.id as number | undefined;
    if (id !== undefined && this.#pending.has(id)) {
      const p = this.#pending.get(id)!;
      this.#pending.delete(id);
      if (msg.error) p.reject(new Error(`${(msg.error as Json).message}`));
      else p.resolve((msg.result ?? {}) as Json);
      return;
    }
    const method = msg.method as string, params = (msg.params ?? {}) as Json;
    if (method === "Runtime.consoleAPICalled" && params.type === "error") {
      this.consoleErrors.push(
        ((params.args as Json[]) ?? []).map((a) => a.value ?? a.description).join(" "),
      );
    } else if (method === "Runtime.exceptionThrown") {
      const d = params.exceptionDetails as Json;
      this.consoleErrors.push(`exception: ${(d.exception as Json)?.description ?? d.text}`);
    } else if (method === "Log.entryAdded" && (params.entry as Json).level === "error") {
      this.consoleErrors.push(
        `log: ${(params.entry as Json).text} ${(params.entry as Json).url ?? ""}`,
      );
    } else if (method === "Network.requestWillBeSent") {
      this.requests.push((params.request as Json).url as string);
    }
    this.#waiters = this.#waiters.filter((
      w,
    ) => (w.method === method ? (w.resolve(), false) : true));
  }

  /** Sends a DevTools command (to the page session unless `inSession` is false). */
  send(method: string, params: Json = {}, inSession = true): Promise<Json> {
    const id = this.#next++;
    const msg: Json = { id, method, params };
    if (inSession) msg.sessionId = this.#session;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#ws.send(JSON.stringify(msg));
    });
  }

  /** Navigates and waits for the load event. */
  async goto(url: string): Promise<void> {
    const loaded = new Promise<void>((resolve) =>
      this.#waiters.push({ method: "Page.loadEventFired", resolve })
    );
    await this.send("Page.navigate", { url });
    await loaded;
  }

  /** Evaluates an expression in the page and returns its JSON value. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send("Runtime.evaluate", {
      expression,
      returnByValue: true,
      awaitPromise: true,
    });
    if (r.exceptionDetails) {
      throw new Error(`evaluate failed: ${JSON.stringify(r.exceptionDetails)}`);
    }
    return (r.result as Json).value as T;
  }

  /** Polls `expression` until it is truthy or `timeoutMs` passes. */
  async waitFor(expression: string, timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (await this.evaluate<boolean>(expression)) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  /** PNG of the page at `width` CSS pixels, up to `maxHeight` pixels tall. */
  async screenshot(width: number, maxHeight: number): Promise<Uint8Array> {
    const metrics = (height: number) =>
      this.send("Emulation.setDeviceMetricsOverride", {
        width,
        height,
        deviceScaleFactor: 1,
        mobile: false,
      });
    await metrics(800); // lay out at the final width first: the height depends on it
    const height = Math.min(
      maxHeight,
      await this.evaluate<number>("document.documentElement.scrollHeight"),
    );
    await metrics(height);
    const { data } = await this.send("Page.captureScreenshot", { format: "png" });
    return Uint8Array.from(atob(data as string), (c) => c.charCodeAt(0));
  }

  close(): void {
    this.#ws.close();
  }
}

/** A running headless Chromium. */
export interface Browser {
  readonly wsUrl: string;
  close(): Promise<void>;
}

/** Launches Chromium and waits for its DevTools endpoint. */
export async function launchChromium(path: string): Promise<Browser> {
  const dir = await Deno.makeTempDir({ prefix: "kpgan-chromium-" });
  const child = new Deno.Command(path, {
    args: chromiumFlags(dir),
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "", wsUrl = "";
  const deadline = setTimeout(() => child.kill("SIGKILL"), 30_000);
  while (!wsUrl) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`chromium exited before DevTools was ready: ${buffered.slice(-500)}`);
    buffered += value;
    wsUrl = buffered.match(/DevTools listening on (ws:\/\/\S+)/)?.[1] ?? "";
  }
  clearTimeout(deadline);
  // keep draining stderr so Chromium never blocks on a full pipe
  (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })().catch(() => {});
  return {
    wsUrl,
    async close() {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
