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

/**
 * The body's text with `stream_options.include_usage: true`, spliced into the client's own JSON text rather than
 * re-serialised: nesting depth (which overflows JSON.stringify's recursion) and number spellings (`1e308`) stay the
 * client's. Other `stream_options` fields are kept; a `stream_options` that is not an object is replaced.
 */
export function withIncludeUsage(body: JsonBody): string {
  const { text } = body;
  const open = text.indexOf("{");
  if (!Object.hasOwn(body.json, "stream_options")) {
    // The common case, without a scan: the flag goes first.
    const empty = text[skipSpace(text, open + 1)] === "}";
    return splice(text, open + 1, open + 1, `"stream_options":{"include_usage":true}${empty ? "" : ","}`);
  }
  // JSON.parse keeps the last of repeated keys; so does this.
  const options = objectMembers(text, open).findLast((m) => m.key === "stream_options")!;
  if (text[options.valueStart] !== "{")
    return splice(text, options.valueStart, options.valueEnd, '{"include_usage":true}');
  const inner = objectMembers(text, options.valueStart);
  const flag = inner.findLast((m) => m.key === "include_usage");
  if (flag) return splice(text, flag.valueStart, flag.valueEnd, "true");
  const at = options.valueStart + 1;
  return splice(text, at, at, `"include_usage":true${inner.length > 0 ? "," : ""}`);
}

const splice = (text: string, from: number, to: number, insert: string) =>
  text.slice(0, from) + insert + text.slice(to);

type Member = { key: string; valueStart: number; valueEnd: number };

/** The members of the object whose `{` is at `open` in valid JSON `text`, with their values' spans. No recursion. */
function objectMembers(text: string, open: number): Member[] {
  const members: Member[] = [];
  let i = skipSpace(text, open + 1);
  while (text[i] !== "}") {
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    const valueStart = skipSpace(text, skipSpace(text, keyEnd) + 1);
    const valueEnd = valueEndAt(text, valueStart);
    members.push({ key, valueStart, valueEnd });
    i = skipSpace(text, valueEnd);
    if (text[i] === ",") i = skipSpace(text, i + 1);
  }
  return members;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t"))
    i++;
  return i;
}

/** Just past the closing quote of the string opening at `i`. */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const ch = text.charCodeAt(j);
    if (ch === 0x5c) j++;
    else if (ch === 0x22) return j + 1;
  }
  return text.length;
}

/** Just past the value starting at `i`: a scalar, a string, or a whole array or object (tracked by depth). */
function valueEndAt(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const ch = text[j];
    if (ch === '"') {
      j = stringEnd(text, j) - 1;
      if (depth === 0) return j + 1;
    } else if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") {
      if (depth === 0) return j;
      if (--depth === 0) return j + 1;
    } else if (depth === 0 && (ch === "," || skipSpace(text, j) !== j)) return j;
  }
  return text.length;
}
