/**
 * @module Reads an admin request's body before any route runs, up to a byte limit: 413 past it (by the declared
 * length, or while reading), and 400 when the client abandons the body halfway, which is the client's doing, not a
 * server error. Routes then read the buffered body.
 */
import type { MiddlewareHandler } from "hono";
import { AppError } from "../../errors/app-error.js";

/**
 * Past the limit, up to this much more is read and discarded before the 413 goes out: a client still sending its
 * body when the connection closes gets a reset instead of the answer (the lingering close of nginx and others).
 */
const DRAIN_MAX_BYTES = 1024 * 1024;

type Reader = ReadableStreamDefaultReader<Uint8Array>;

async function drain(reader: Reader, read: number): Promise<void> {
  try {
    while (read < DRAIN_MAX_BYTES) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
  } catch {
    // The client went away: nothing left to drain.
  }
  void reader.cancel().catch(() => undefined);
}

export function readBody(options: { maxBytes: number }): MiddlewareHandler {
  const { maxBytes } = options;
  const tooLarge = () => new AppError("payload_too_large", `Request body over ${maxBytes} bytes.`);
  return async function bufferBody(c, next) {
    const body = c.req.raw.body;
    if (!body) return next();
    const reader = body.getReader();
    const declared = Number(c.req.header("content-length") ?? 0);
    if (declared > maxBytes) {
      if (declared <= DRAIN_MAX_BYTES) await drain(reader, 0);
      else void reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) {
          await drain(reader, size);
          throw tooLarge();
        }
        chunks.push(value);
      }
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError("invalid_request", "The request body could not be read.", { cause: err });
    }
    c.req.raw = new Request(c.req.raw, { body: Buffer.concat(chunks, size) });
    return next();
  };
}
