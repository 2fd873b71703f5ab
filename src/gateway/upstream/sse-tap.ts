/**
 * @module Relays the upstream's SSE body to the client's node:http response without buffering the answer, as bytes:
 * the upstream's chunks go out as they came (a view of the complete events in them), never decoded to text and
 * encoded again. Per chunk the relay only finds the last event boundary, and, when the gateway asked for usage on
 * the client's behalf, looks for a chunk without choices: only such an event is parsed on the request path (it may
 * be the usage-only chunk, which that client must not see). Usage, in-stream errors and the answer for the audit
 * record are read from the relayed events in batches of ASSEMBLE_BATCH_BYTES and at the end (before the end is
 * recorded), not event by event. Profiled (bench/, issue 21): decoding every chunk, splitting and re-joining the
 * events as text and encoding them again for the socket cost the gateway more than parsing them.
 * Written straight to the response rather than returned as a web ReadableStream: the web stream between undici and
 * node:http cost a bare pass-through ~70–90 µs of CPU per streamed answer here (bench/). Backpressure pauses the
 * upstream; a client that leaves aborts it.
 */
import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import type { SseAssembler } from "./sse-assembler.js";

export type StreamEnd = "complete" | "aborted" | "timeout" | "failed";

const CR = 0x0d;
const BLANK_LINE = "\n\n";
/**
 * How a usage-only chunk begins its choices, compact (OpenAI) or as Python's json.dumps writes it. Only a chunk with
 * one of these can be the usage-only chunk, hidden from a client that did not ask for usage; usage and in-stream
 * errors themselves are read when the events are assembled, before the stream's end is recorded.
 */
const NO_CHOICES = ['"choices":[]', '"choices": []'];
/** Relayed events are held (as views of their chunks) until this many bytes, then assembled and let go. */
const ASSEMBLE_BATCH_BYTES = 8 * 1024;

const mayBeUsageOnly = (buf: Buffer, from: number, to: number) =>
  NO_CHOICES.some((needle) => {
    const at = buf.indexOf(needle, from);
    return at !== -1 && at < to;
  });

/** Splits SSE bytes into complete events and keeps those the assembler lets through. No I/O: fed chunk by chunk. */
export class SseTap {
  /** The start of an event whose end has not arrived yet (a copy). */
  private pending: Buffer | null = null;
  /** CR line endings were seen: from then on the relayed text has them turned into LF, as parsers treat them. */
  private crlf = false;
  private batch: Buffer[] = [];
  private batchBytes = 0;

  constructor(
    private readonly assembler: SseAssembler,
    /** The gateway asked for usage on the client's behalf: the usage-only chunk must not reach the client. */
    private readonly hideUsageChunk: boolean,
  ) {}

  /** Takes the next network chunk; returns the complete events to pass on, or null. */
  push(chunk: Buffer): Buffer | null {
    let data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    if (this.crlf || data.includes(CR)) data = this.normalize(data);
    const last = data.lastIndexOf(BLANK_LINE);
    if (last === -1) {
      if (data.length > 0) this.pending = Buffer.from(data);
      return null;
    }
    const end = last + 2;
    if (end < data.length) this.pending = Buffer.from(data.subarray(end));
    return this.pass(end === data.length ? data : data.subarray(0, end));
  }

  /** At the end of the body: whatever is left, a last event without its blank line, passed on with one. */
  finish(): Buffer | null {
    let rest = this.pending;
    this.pending = null;
    if (rest && (this.crlf || rest.includes(CR))) rest = this.normalize(rest, true);
    let out: Buffer | null = null;
    if (rest && rest.toString("latin1").trim() !== "") {
      const event = Buffer.concat([rest, Buffer.from(BLANK_LINE)]);
      out = this.pass(event);
    }
    this.assemble();
    return out;
  }

  /** Feeds the assembler what it has not seen yet (the audit record's answer). */
  assemble(): void {
    if (this.batchBytes === 0) return;
    const text = (this.batch.length === 1 ? this.batch[0]! : Buffer.concat(this.batch)).toString("utf8");
    this.batch = [];
    this.batchBytes = 0;
    for (const block of text.split(BLANK_LINE)) if (block !== "") this.assembler.absorb(block);
  }

  /** `events`: complete events, each ending in a blank line. */
  private pass(events: Buffer): Buffer | null {
    this.batch.push(events);
    this.batchBytes += events.length;
    if (this.batchBytes >= ASSEMBLE_BATCH_BYTES) this.assemble();
    if (!this.hideUsageChunk || !mayBeUsageOnly(events, 0, events.length)) return events;
    // One of these events may be the usage-only chunk: look at each, and leave that one out.
    const kept: Buffer[] = [];
    let dropped = false;
    for (let from = 0; from < events.length;) {
      const end = events.indexOf(BLANK_LINE, from) + 2;
      if (
        mayBeUsageOnly(events, from, end) &&
        !this.assembler.inspect(events.toString("utf8", from, end - 2))
      ) {
        dropped = true;
      } else {
        kept.push(events.subarray(from, end));
      }
      from = end;
    }
    if (!dropped) return events;
    return kept.length > 0 ? Buffer.concat(kept) : null;
  }

  /** CRLF and lone CR become LF. A CR at the very end waits for the next chunk, which may start with its LF. */
  private normalize(data: Buffer, atEnd = false): Buffer {
    this.crlf = true;
    let text = data.toString("latin1");
    if (!atEnd && text.endsWith("\r")) {
      this.pending = Buffer.from("\r", "latin1");
      text = text.slice(0, -1);
    }
    // latin1 maps bytes to chars one to one, and no byte of a multi-byte UTF-8 character is a CR or LF.
    return Buffer.from(text.replace(/\r\n?/g, "\n"), "latin1");
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
  const tap = new SseTap(options.assembler, options.assembler.hideUsageChunk);
  let ended = false;
  let sentFirst = false;
  let corked = false;
  const end = (how: StreamEnd, last?: Buffer | string) => {
    if (ended) return;
    ended = true;
    // What was relayed and not assembled yet (all of it on the failure paths) goes into the record too.
    tap.assemble();
    // onEnd records the audit entry: it must be spooled before the client can see the answer complete.
    options.onEnd(how);
    if (how !== "aborted") sink.end(last);
  };
  // Writes made in one turn (often the whole answer of a fast upstream, then its end) leave in one system call.
  const send = (out: Buffer) => {
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
    end("complete", out ?? undefined);
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
