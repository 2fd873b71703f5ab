/**
 * @module Reads a JSON request body under a byte limit: 415 for a non-JSON content type, 413 past the limit (by the
 * declared length before reading, or while reading), 400 for invalid JSON or a non-object.
 */
import type { IncomingMessage } from "node:http";
import { AppError } from "../../errors/app-error.js";
import { headerOf, type RequestHeaders } from "../node-request.js";

export type JsonBody = { text: string; bytes: number; json: Record<string, unknown> };

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export async function readJsonBody(
  headers: RequestHeaders,
  body: IncomingMessage,
  maxBytes: number,
): Promise<JsonBody> {
  const type = headerOf(headers, "content-type");
  if (!type || !JSON_TYPE.test(type)) {
    throw new AppError(
      "unsupported_media_type",
      "Request bodies must be JSON (Content-Type: application/json).",
    );
  }
  const declared = headerOf(headers, "content-length");
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const buf = await readNodeLimited(body, maxBytes);
  const text = buf.toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError(
      "invalid_json",
      "We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.",
    );
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new AppError("invalid_request", "The request body must be a JSON object.");
  }
  return { text, bytes: buf.byteLength, json: json as Record<string, unknown> };
}

function tooLarge(maxBytes: number): AppError {
  return new AppError("payload_too_large", `The request body exceeds the limit of ${maxBytes} bytes.`);
}

/** Event-based (no async iterator per chunk); stops listening past the limit and leaves the rest to be drained. */
function readNodeLimited(incoming: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = () => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > maxBytes) {
        cleanup();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new AppError("invalid_request", "The request body could not be read.", { cause: err }));
    };
    if (incoming.readableEnded) {
      resolve(Buffer.alloc(0));
      return;
    }
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onError);
  });
}
