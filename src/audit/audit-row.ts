/**
 * @module Maps an AuditRecord to its audit_log row, and rows to and from the spool's JSON lines.
 */
import type { NewAuditLogRow } from "../db/schema.js";
import type { AuditRecord } from "./audit-record.js";

/** The row as inserted; `ts` stays a Date so the spool and the database see the same millisecond. */
export function toAuditRow(r: AuditRecord): NewAuditLogRow {
  return {
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
}

/** One spool line (with its newline). Dates serialise as ISO strings with milliseconds, which round-trip exactly. */
export function rowToSpoolLine(row: NewAuditLogRow): string {
  return `${JSON.stringify(row)}\n`;
}

/** Parses one spool line; null for a line that is not a complete row (a torn write after a power loss). */
export function spoolLineToRow(line: string): NewAuditLogRow | null {
  try {
    const value = JSON.parse(line) as Partial<NewAuditLogRow> | null;
    if (!value || typeof value !== "object" || typeof value.request_id !== "string" || !value.ts) return null;
    return { ...value, ts: new Date(value.ts as string) } as NewAuditLogRow;
  } catch {
    return null;
  }
}
