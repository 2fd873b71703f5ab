/**
 * @module Reads a JSON request body under a byte limit: 415 for a non-JSON content type, 413 past the limit (by the
 * declared length before reading, or while reading), 400 for invalid JSON or a non-object.
 */
import { AppError } from "../../errors/app-error.js";

export type JsonBody = { text: string; bytes: number; json: Record<string, unknown> };

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export async function readJsonBody(req: Request, maxBytes: number): Promise<JsonBody> {
  const type = req.headers.get("content-type");
  if (!type || !JSON_TYPE.test(type)) {
    throw new AppError(
      "unsupported_media_type",
      "Request bodies must be JSON (Content-Type: application/json).",
    );
  }
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const bytes = await readLimited(req, maxBytes);
  const text = new TextDecoder().decode(bytes);
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
  return { text, bytes: bytes.byteLength, json: json as Record<string, unknown> };
}

function tooLarge(maxBytes: number): AppError {
  return new AppError("payload_too_large", `The request body exceeds the limit of ${maxBytes} bytes.`);
}

async function readLimited(req: Request, maxBytes: number): Promise<Uint8Array> {
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
