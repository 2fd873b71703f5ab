/**
 * @module Reading the audit log for the admin: one JSON shape per row (list items without bodies; detail and export
 * lines with them), opaque keyset cursors, and the list and detail queries.
 */
import type { Kysely } from "kysely";
import type { AuditLogRow, DB } from "../db/schema.js";
import { AppError } from "../errors/app-error.js";
import {
  selectAuditPage,
  selectAuditRowById,
  type AuditKey,
  type AuditLogFilters,
  type AuditSummaryRow,
} from "./audit.repository.js";

export type AuditUsageJson = {
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_tokens: number | null;
  source: "provider" | "estimated" | null;
};

/** A list item: every field of an export line except the bodies, plus their sizes. */
export type AuditLogSummary = {
  id: number;
  ts: string;
  request_id: string;
  gateway: "pre" | "post";
  api_user_id: string | null;
  api_user_name: string | null;
  tenant_id: string | null;
  method: string;
  path: string;
  model: string | null;
  status: number;
  stream: boolean;
  latency_ms: number;
  ttfb_ms: number | null;
  usage: AuditUsageJson | null;
  client_ip: string | null;
  user_agent: string | null;
  request_bytes: number | null;
  response_bytes: number | null;
  request_truncated: boolean;
  response_truncated: boolean;
  error: string | null;
  aborted: boolean;
};

/** One line of the JSONL export, in the order the issue fixes. `prompt`/`response` are JSON when they parse. */
export type AuditExportLine = {
  id: number;
  ts: string;
  request_id: string;
  gateway: "pre" | "post";
  api_user_id: string | null;
  api_user_name: string | null;
  tenant_id: string | null;
  method: string;
  path: string;
  model: string | null;
  status: number;
  stream: boolean;
  latency_ms: number;
  ttfb_ms: number | null;
  usage: AuditUsageJson | null;
  client_ip: string | null;
  user_agent: string | null;
  prompt: unknown;
  response: unknown;
  request_truncated: boolean;
  response_truncated: boolean;
  error: string | null;
  aborted: boolean;
};

/** The detail view: the export line plus the original body sizes. */
export type AuditLogDetail = AuditExportLine & {
  request_bytes: number | null;
  response_bytes: number | null;
};

export const MAX_LIST_LIMIT = 500;

function usageOf(row: AuditSummaryRow): AuditUsageJson | null {
  if (row.total_tokens === null && row.prompt_tokens === null && row.completion_tokens === null) return null;
  return {
    prompt_tokens: row.prompt_tokens,
    completion_tokens: row.completion_tokens,
    total_tokens: row.total_tokens,
    source: row.usage_source,
  };
}

/** Deeper than this, a body is shown as text: the answer is serialised recursively (c.json), and would overflow. */
export const MAX_BODY_VALUE_DEPTH = 512;

/** Whether JSON `text` nests arrays and objects more than `max` levels deep (strings skipped). No recursion. */
function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return true;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return false;
}

/**
 * A stored body as a JSON value when it is complete JSON nested at most MAX_BODY_VALUE_DEPTH levels, else the text
 * itself (truncated, not JSON, or too deep to serialise again).
 */
export function bodyValue(text: string | null, truncated: boolean): unknown {
  if (text === null) return null;
  if (truncated || nestsDeeperThan(text, MAX_BODY_VALUE_DEPTH)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function toAuditSummary(row: AuditSummaryRow): AuditLogSummary {
  return {
    id: row.id,
    ts: row.ts.toISOString(),
    request_id: row.request_id,
    gateway: row.gateway,
    api_user_id: row.api_user_id,
    api_user_name: row.api_user_name,
    tenant_id: row.tenant_id,
    method: row.method,
    path: row.path,
    model: row.model,
    status: row.status,
    stream: row.stream,
    latency_ms: row.latency_ms,
    ttfb_ms: row.ttfb_ms,
    usage: usageOf(row),
    client_ip: row.client_ip,
    user_agent: row.user_agent,
    request_bytes: row.request_bytes,
    response_bytes: row.response_bytes,
    request_truncated: row.request_truncated,
    response_truncated: row.response_truncated,
    error: row.error_code,
    aborted: row.aborted,
  };
}

export function toExportLine(row: AuditLogRow): AuditExportLine {
  return {
    id: row.id,
    ts: row.ts.toISOString(),
    request_id: row.request_id,
    gateway: row.gateway,
    api_user_id: row.api_user_id,
    api_user_name: row.api_user_name,
    tenant_id: row.tenant_id,
    method: row.method,
    path: row.path,
    model: row.model,
    status: row.status,
    stream: row.stream,
    latency_ms: row.latency_ms,
    ttfb_ms: row.ttfb_ms,
    usage: usageOf(row),
    client_ip: row.client_ip,
    user_agent: row.user_agent,
    prompt: bodyValue(row.request_body, row.request_truncated),
    response: bodyValue(row.response_body, row.response_truncated),
    request_truncated: row.request_truncated,
    response_truncated: row.response_truncated,
    error: row.error_code,
    aborted: row.aborted,
  };
}

const CURSOR_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeCursor(key: AuditKey): string {
  return Buffer.from(JSON.stringify([key.ts, key.id])).toString("base64url");
}

/**
 * Whether `ts` (CURSOR_TS-shaped) names a real instant PostgreSQL can hold: the calendar and clock must agree with
 * what a Date makes of it (no month 13, 30 February or hour 24), and year 0 does not exist.
 */
function isRealInstant(ts: string): boolean {
  const ms = Date.parse(ts.slice(0, 23) + "Z");
  return (
    !Number.isNaN(ms) &&
    ts.slice(0, 4) !== "0000" &&
    new Date(ms).toISOString().slice(0, 23) === ts.slice(0, 23)
  );
}

/** Parses a cursor from `encodeCursor`; anything else (a shape or a value it never returns) is the client's error. */
export function decodeCursor(cursor: string): AuditKey {
  try {
    const [ts, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [unknown, unknown];
    if (typeof ts !== "string" || !CURSOR_TS.test(ts) || !isRealInstant(ts) || !Number.isSafeInteger(id))
      throw new Error("bad cursor");
    return { ts, id: id as number };
  } catch {
    throw new AppError("invalid_request", "cursor: is not a cursor this API returned", { param: "cursor" });
  }
}

export type AuditLogPage = { data: AuditLogSummary[]; next_cursor: string | null };

/** Newest first, `limit` at a time; `next_cursor` is null on the last page. */
export async function listAuditLogs(
  db: Kysely<DB>,
  filters: AuditLogFilters,
  options: { limit: number; cursor?: string | undefined },
): Promise<AuditLogPage> {
  const limit = Math.min(Math.max(1, options.limit), MAX_LIST_LIMIT);
  const after = options.cursor ? decodeCursor(options.cursor) : null;
  // One extra row tells whether another page exists without a count.
  const rows = await selectAuditPage(db, filters, { after, limit: limit + 1, order: "desc", bodies: false });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(toAuditSummary),
    next_cursor: rows.length > limit && last ? encodeCursor({ ts: last.ts_key, id: last.id }) : null,
  };
}

export async function getAuditLog(db: Kysely<DB>, id: number): Promise<AuditLogDetail> {
  const row = await selectAuditRowById(db, id);
  if (!row) throw new AppError("not_found", "No audit record with this id.");
  return { ...toExportLine(row), request_bytes: row.request_bytes, response_bytes: row.response_bytes };
}
