/**
 * The worker → coordinator channel: a worker prints each event as one JSON line prefixed by
 * the ASCII record separator (0x1E) on stdout. Any other output (a library's console.log,
 * stderr) is treated as a log line, so stray prints never break the protocol. The same lines
 * can be tailed from a Slurm job's output file.
 *
 * @module
 */
import type { NodeEvent, NodeOutcome } from "./node_job.ts";

/** Everything a worker reports: node events, then exactly one outcome. */
export type WorkerMessage = NodeEvent | { readonly type: "outcome"; readonly outcome: NodeOutcome };

const MARK = "\x1e";

/** One line (with newline) carrying `msg`. */
export function encodeMessage(msg: WorkerMessage): string {
  return `${MARK}${JSON.stringify(msg)}\n`;
}

/** The message on `line`, or a log event for anything that is not a protocol line. */
export function decodeLine(line: string): WorkerMessage {
  if (line.startsWith(MARK)) {
    try {
      return JSON.parse(line.slice(1)) as WorkerMessage;
    } catch {
      // fall through: a garbled line is still worth showing
    }
  }
  return { type: "log", message: line.replaceAll(MARK, "") };
}

/** Splits a byte stream into text lines. */
export async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buf = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    buf += decoder.decode(chunk, { stream: true });
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      yield buf.slice(0, nl);
      buf = buf.slice(nl + 1);
    }
  }
  if (buf !== "") yield buf;
}
