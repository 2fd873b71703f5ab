/**
 * @module Reads an admin request's body before any route runs, up to a byte limit: 413 past it (by the declared
 * length, or while reading), and 400 when the client abandons the body halfway, which is the client's doing, not a
 * server error. Routes then read the buffered body.
 */
import type { MiddlewareHandler } from "hono";
import { AppError } from "../../errors/app-error.js";

export function readBody(options: { maxBytes: number }): MiddlewareHandler {
  const { maxBytes } = options;
  const tooLarge = () => new AppError("payload_too_large", `Request body over ${maxBytes} bytes.`);
  return async function bufferBody(c, next) {
    const body = c.req.raw.body;
    if (!body) return next();
    if (Number(c.req.header("content-length") ?? 0) > maxBytes) throw tooLarge();
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) {
          void reader.cancel().catch(() => undefined);
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
