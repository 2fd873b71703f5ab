/**
 * @module The audit record the gateway hands over for every request, and the sink interface it hands it to.
 * The gateway builds complete records; src/audit decides how they are stored.
 */
import type { Gateway } from "../config/config.js";

/** A body as captured for the audit log: at most HERMES_AUDIT_MAX_BYTES of text, with its full size. */
export type CapturedBody = { text: string; bytes: number; truncated: boolean };

export type AuditUsage = {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  source: "provider" | "estimated";
};

export type AuditRecord = {
  ts: Date;
  requestId: string;
  gateway: Gateway;
  /** Null for requests rejected before a key was recognised. */
  apiUserId: string | null;
  apiUserName: string | null;
  tenantId: string | null;
  method: string;
  path: string;
  model: string | null;
  status: number;
  stream: boolean;
  latencyMs: number;
  ttfbMs: number | null;
  usage: AuditUsage | null;
  clientIp: string | null;
  userAgent: string | null;
  errorCode: string | null;
  aborted: boolean;
  /** Only for authenticated requests; never for rejected ones. */
  requestBody: CapturedBody | null;
  /** A streamed answer is stored assembled (JSON of content, tool calls, finish reason, usage), not as raw SSE. */
  responseBody: CapturedBody | null;
};

export interface AuditSink {
  /** Must not block or throw: the request path never waits on the audit store. */
  record(record: AuditRecord): void;
}

/** Caps text at `maxBytes` UTF-8 bytes without splitting a character. */
export function captureBody(text: string, maxBytes: number): CapturedBody {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes <= maxBytes) return { text, bytes, truncated: false };
  const cut = Buffer.from(text, "utf8").subarray(0, maxBytes).toString("utf8");
  // A multi-byte character cut in half decodes to U+FFFD; drop it.
  return { text: cut.endsWith("\uFFFD") ? cut.slice(0, -1) : cut, bytes, truncated: true };
}
