/**
 * @module Answers requests node:http cannot parse (a malformed request line or header, a bad chunk, oversized
 * headers) in the listener's error envelope, as every other client error is, instead of node's bare 400.
 */
import type { Socket } from "node:net";
import { AppError } from "../errors/app-error.js";
import type { Envelope } from "./create-app.js";
import { openAiErrorBody } from "./render-error.js";

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  408: "Request Timeout",
  413: "Payload Too Large",
  431: "Request Header Fields Too Large",
};

function statusOf(code: string | undefined): number {
  if (code === "HPE_HEADER_OVERFLOW") return 431;
  if (code === "HPE_CHUNK_EXTENSIONS_OVERFLOW") return 413;
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return 408;
  return 400;
}

/** A node:http `clientError` listener; like node's own, it answers only when no response is under way. */
export function answerMalformedRequest(
  envelope: Envelope,
): (err: NodeJS.ErrnoException, socket: Socket) => void {
  return function onClientError(err, socket) {
    // node's own default checks the same: a response in progress on this socket cannot be followed by another.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const status = statusOf(err.code);
    const error = new AppError(
      status === 431 || status === 413 ? "payload_too_large" : "invalid_request",
      "The request is not valid HTTP.",
    );
    const body = JSON.stringify(
      envelope === "openai"
        ? openAiErrorBody(error)
        : { error: { message: error.message, code: error.code } },
    );
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  };
}
