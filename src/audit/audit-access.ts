/**
 * @module Reading prompts and responses leaves a trace: each view of a record's bodies (`audit.view`) and each JSONL
 * export (`audit.export`, with its filters) is written to the admin action trail under the admin's name before a
 * body leaves the server, so the operator can answer who read which users' prompts.
 */
import type { Kysely } from "kysely";
import { insertAdminEvent, type Actor } from "../admin-events/admin-events.repository.js";
import type { DB } from "../db/schema.js";
import { getAuditLog, type AuditLogDetail } from "./audit-query.js";
import type { AuditLogFilters } from "./audit.repository.js";
import { exportAuditJsonl, type ExportOptions } from "./export-jsonl.js";

/** The filters as the admin API spells them (`status` as `429` or `4xx`, times in ISO 8601), unset ones left out. */
export function describeFilters(f: AuditLogFilters): Record<string, string> {
  const status =
    f.status === undefined
      ? undefined
      : f.status.min === f.status.max
        ? String(f.status.min)
        : `${Math.floor(f.status.min / 100)}xx`;
  const entries: [string, string | undefined][] = [
    ["api_user_id", f.apiUserId],
    ["tenant_id", f.tenantId],
    ["gateway", f.gateway],
    ["status", status],
    ["model", f.model],
    ["q", f.requestId],
    ["from", f.from?.toISOString()],
    ["to", f.to?.toISOString()],
  ];
  return Object.fromEntries(entries.filter((e): e is [string, string] => e[1] !== undefined));
}

/** One record with its bodies; the view is recorded first (a record that does not exist records nothing). */
export async function viewAuditRecord(db: Kysely<DB>, id: number, actor: Actor): Promise<AuditLogDetail> {
  const detail = await getAuditLog(db, id);
  await insertAdminEvent(db, actor, {
    action: "audit.view",
    targetType: "audit_log",
    targetId: String(id),
    diff: { api_user_id: detail.api_user_id, request_id: detail.request_id },
  });
  return detail;
}

/**
 * One record without its bodies (`prompt` and `response` null, `bodies_withheld` true), for roles that may read
 * metadata only; no body is read, so nothing is recorded.
 */
export async function viewAuditMetadata(
  db: Kysely<DB>,
  id: number,
): Promise<AuditLogDetail & { bodies_withheld: true }> {
  const detail = await getAuditLog(db, id);
  return { ...detail, prompt: null, response: null, bodies_withheld: true };
}

/** The JSONL export stream, once the export and its filters are recorded. */
export async function exportAuditRecords(
  db: Kysely<DB>,
  filters: AuditLogFilters,
  actor: Actor,
  options: ExportOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  await insertAdminEvent(db, actor, {
    action: "audit.export",
    targetType: "audit_log",
    diff: { filters: describeFilters(filters) },
  });
  return exportAuditJsonl(db, filters, options);
}
