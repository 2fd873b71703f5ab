/**
 * @module Relays the upstream's SSE body to the client's node:http response, event by event, without buffering the
 * answer. Written straight to the response rather than returned as a web ReadableStream: the web stream between
 * undici and node:http cost a bare pass-through ~70–90 µs of CPU per streamed answer here (bench/), more than all
 * of the gateway's own work on it. Backpressure pauses the upstream; a client that leaves aborts it.
 */
import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import type { SseAssembler } from "./sse-assembler.js";

export type StreamEnd = "complete" | "aborted" | "timeout" | "failed";

/** Splits SSE text into event blocks and keeps those the assembler lets through. No I/O: fed chunk by chunk. */
class SseTap {
  private readonly decoder = new TextDecoder();
  private buffer = "";

  constructor(private readonly assembler: SseAssembler) {}

  /** Takes the next network chunk; returns the complete events to pass on (possibly ""). */
  push(chunk: Uint8Array): string {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    return this.complete();
  }

  /** At the end of the body: whatever is left, a last event without its blank line included. */
  finish(): string {
    this.buffer += this.decoder.decode();
    let out = this.complete();
    if (this.buffer.trim() !== "" && this.assembler.feed(this.buffer)) out += `${this.buffer}\n\n`;
    this.buffer = "";
    return out;
  }

  private complete(): string {
    let out = "";
    if (this.buffer.includes("\r")) this.buffer = this.buffer.replace(/\r\n?/g, "\n");
    let idx: number;
    while ((idx = this.buffer.indexOf("\n\n")) !== -1) {
      const block = this.buffer.slice(0, idx);
      this.buffer = this.buffer.slice(idx + 2);
      if (this.assembler.feed(block)) out += `${block}\n\n`;
    }
    return out;
  }
}

export type SseRelayOptions = {
  assembler: SseAssembler;
  onFirstByte(): void;
  /** Called once, when the stream completed, failed or the client left; before the response's last bytes. */
  onEnd(end: StreamEnd): void;
  /** Why the source failed: decides between a timeout and an upstream fault. */
  failure(): "timeout" | "client_abort" | "upstream" | null;
  /** The `data: {"error":…}` frame to send when the upstream fails after the headers went out. */
  errorFrame(end: "timeout" | "failed"): string;
};

/** `sink` already has its status and headers set (writeHead), not yet sent. */
export function relaySse(source: Readable, sink: ServerResponse, options: SseRelayOptions): void {
  const tap = new SseTap(options.assembler);
  let ended = false;
  let sentFirst = false;
  let corked = false;
  const end = (how: StreamEnd, last?: string) => {
    if (ended) return;
    ended = true;
    // onEnd records the audit entry: it must be spooled before the client can see the answer complete.
    options.onEnd(how);
    if (how !== "aborted") sink.end(last);
  };
  // Writes made in one turn (often the whole answer of a fast upstream, then its end) leave in one system call.
  const send = (out: string) => {
    if (!corked) {
      corked = true;
      sink.cork();
      queueMicrotask(() => {
        corked = false;
        sink.uncork();
      });
    }
    if (!sentFirst) {
      sentFirst = true;
      options.onFirstByte();
    }
    if (!sink.write(out)) {
      source.pause();
      sink.once("drain", () => source.resume());
    }
  };

  // The first event usually comes with the headers; if it does not, the client still gets the headers at once.
  setImmediate(() => {
    if (!sentFirst && !ended) sink.flushHeaders();
  });
  source.on("data", (chunk: Buffer) => {
    if (ended) return;
    const out = tap.push(chunk);
    if (out) send(out);
  });
  source.once("end", () => {
    if (ended) return;
    const out = tap.finish();
    if (out && !sentFirst) options.onFirstByte();
    end("complete", out || undefined);
  });
  const fail = () => {
    if (ended) return;
    const failure = options.failure();
    // The client left (its close aborted the upstream first): nobody to send a frame to.
    if (failure === "client_abort") return end("aborted");
    const why = failure === "timeout" ? "timeout" : "failed";
    end(why, options.errorFrame(why));
  };
  source.once("error", fail);
  // A body destroyed without an error (no "end") is a failure too.
  source.once("close", fail);
  sink.once("close", () => {
    if (ended || sink.writableFinished) return;
    source.destroy();
    end("aborted");
  });
}
