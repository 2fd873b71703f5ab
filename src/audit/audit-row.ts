/**
 * @module Maps an AuditRecord to its audit_log row, and rows to and from the spool's JSON lines.
 */
import type { NewAuditLogRow } from "../db/schema.js";
import type { AuditRecord } from "./audit-record.js";

/**
 * The row as inserted; `ts` stays a Date so the spool and the database see the same millisecond. Text is made
 * storable: one record PostgreSQL refuses would otherwise block every batch it lands in.
 */
export function toAuditRow(r: AuditRecord): NewAuditLogRow {
  const row: NewAuditLogRow = {
    ts: r.ts,
    request_id: r.requestId,
    gateway: r.gateway,
    api_user_id: r.apiUserId,
    api_user_name: r.apiUserName,
    tenant_id: r.tenantId,
    method: r.method,
    path: r.path,
    model: r.model,
    status: r.status,
    stream: r.stream,
    latency_ms: Math.max(0, Math.round(r.latencyMs)),
    ttfb_ms: r.ttfbMs === null ? null : Math.max(0, Math.round(r.ttfbMs)),
    prompt_tokens: r.usage?.promptTokens ?? null,
    completion_tokens: r.usage?.completionTokens ?? null,
    total_tokens: r.usage?.totalTokens ?? null,
    usage_source: r.usage?.source ?? null,
    client_ip: r.clientIp,
    user_agent: r.userAgent,
    error_code: r.errorCode,
    aborted: r.aborted,
    request_body: r.requestBody?.text ?? null,
    request_bytes: r.requestBody?.bytes ?? null,
    request_truncated: r.requestBody?.truncated ?? false,
    response_body: r.responseBody?.text ?? null,
    response_bytes: r.responseBody?.bytes ?? null,
    response_truncated: r.responseBody?.truncated ?? false,
  };
  for (const name of TEXT_COLUMNS) {
    const v = row[name];
    if (typeof v === "string") row[name] = storableText(v);
  }
  return row;
}

const TEXT_COLUMNS = [
  "request_id",
  "api_user_id",
  "api_user_name",
  "tenant_id",
  "method",
  "path",
  "model",
  "client_ip",
  "user_agent",
  "error_code",
  "request_body",
  "response_body",
] as const satisfies readonly (keyof NewAuditLogRow)[];

/**
 * PostgreSQL text cannot hold NUL, and a lone UTF-16 surrogate has no UTF-8 form; both become U+FFFD. Client text
 * (model names, bodies) and upstream answers can carry either.
 */
export function storableText(s: string): string {
  const wellFormed = s.isWellFormed() ? s : s.toWellFormed();
  return wellFormed.includes("\u0000") ? wellFormed.replaceAll("\u0000", "\ufffd") : wellFormed;
}

/** One spool line (with its newline). Dates serialise as ISO strings with milliseconds, which round-trip exactly. */
export function rowToSpoolLine(row: NewAuditLogRow): string {
  return `${JSON.stringify(row)}\n`;
}

/**
 * Parses one spool line read back for replay, text made storable again in case an older version wrote it; null for
 * a line that is not a complete row (a torn write after a power loss).
 */
export function spoolLineToRow(line: string): NewAuditLogRow | null {
  try {
    const value = JSON.parse(line) as Record<string, unknown> | null;
    if (!value || typeof value !== "object" || typeof value.request_id !== "string") return null;
    const ts = new Date(value.ts as string);
    if (Number.isNaN(ts.getTime())) return null;
    for (const name of TEXT_COLUMNS) {
      const v = value[name];
      if (typeof v === "string") value[name] = storableText(v);
    }
    return { ...value, ts } as NewAuditLogRow;
  } catch {
    return null;
  }
}
