/**
 * @module Turns the upstream's SSE body into the client's ReadableStream, event by event, without buffering the
 * answer: a pull-based adapter (no Readable.toWeb, which can throw "Controller is already closed" on Node 20 when
 * the client leaves) whose cancel destroys the upstream body, so a client abort aborts the upstream request.
 */
import type { Readable } from "node:stream";
import type { SseAssembler } from "./sse-assembler.js";

export type StreamEnd = "complete" | "aborted" | "timeout" | "failed";

export type SseTapOptions = {
  assembler: SseAssembler;
  onFirstByte(): void;
  /** Called once, when the stream completed, failed or was cancelled by the client. */
  onEnd(end: StreamEnd): void;
  /** Why the source failed: decides between a timeout and an upstream fault. */
  failure(): "timeout" | "client_abort" | "upstream" | null;
  /** The `data: {"error":…}` frame to send when the upstream fails after the headers went out. */
  errorFrame(end: "timeout" | "failed"): string;
};

export function tapSse(source: Readable, options: SseTapOptions): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let buffer = "";
  let ended = false;
  let sentFirst = false;
  const end = (how: StreamEnd) => {
    if (ended) return;
    ended = true;
    options.onEnd(how);
  };
  const complete = (): string => {
    let out = "";
    if (buffer.includes("\r")) buffer = buffer.replace(/\r\n?/g, "\n");
    let idx: number;
    while ((idx = buffer.indexOf("\n\n")) !== -1) {
      const block = buffer.slice(0, idx);
      buffer = buffer.slice(idx + 2);
      if (options.assembler.feed(block)) out += `${block}\n\n`;
    }
    return out;
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          let next: IteratorResult<Buffer>;
          try {
            next = await iterator.next();
          } catch {
            if (ended) return;
            const failure = options.failure();
            if (failure === "client_abort") {
              // The client left (its close event aborted the upstream first): nobody to send a frame to.
              end("aborted");
              return;
            }
            const why = failure === "timeout" ? "timeout" : "failed";
            controller.enqueue(encoder.encode(options.errorFrame(why)));
            controller.close();
            end(why);
            return;
          }
          if (ended) return;
          if (next.done) {
            buffer += decoder.decode();
            let out = complete();
            // A last event without its blank line still counts.
            if (buffer.trim() !== "" && options.assembler.feed(buffer)) out += `${buffer}\n\n`;
            if (out) controller.enqueue(encoder.encode(out));
            controller.close();
            end("complete");
            return;
          }
          buffer += decoder.decode(next.value, { stream: true });
          const out = complete();
          if (out) {
            if (!sentFirst) {
              sentFirst = true;
              options.onFirstByte();
            }
            controller.enqueue(encoder.encode(out));
            return;
          }
        }
      },
      cancel() {
        source.destroy();
        end("aborted");
      },
    },
    { highWaterMark: 0 },
  );
}
