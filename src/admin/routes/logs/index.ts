/**
 * @module /api/admin/logs: the audit log for the admin. List (newest first, keyset cursor, no bodies), one record
 * with bodies, and the streamed JSONL download (oldest first). Guarded by the admin session like all /api/admin/*.
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../../../app/create-deps.js";
import { roleCan } from "../../../admin-auth/roles.js";
import { exportAuditRecords, viewAuditMetadata, viewAuditRecord } from "../../../audit/audit-access.js";
import { listAuditLogs, MAX_LIST_LIMIT } from "../../../audit/audit-query.js";
import type { AuditLogFilters } from "../../../audit/audit.repository.js";
import { exportFilename } from "../../../audit/export-jsonl.js";
import { AppError } from "../../../errors/app-error.js";
import { actorOf } from "../../middleware/session.js";
import { parseQuery } from "../../validation.js";

export type {
  AuditExportLine,
  AuditLogDetail,
  AuditLogPage,
  AuditLogSummary,
} from "../../../audit/audit-query.js";

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** An ISO 8601 date (UTC midnight) or date-time with an offset; calendar-checked (no 2026-02-30). */
const isoDate = z
  .string({ error: "must be an ISO 8601 date" })
  .refine((v) => {
    const d = new Date(v);
    return ISO_8601.test(v) && !Number.isNaN(d.getTime()) && (v.length > 10 || d.toISOString().startsWith(v));
  }, "must be an ISO 8601 date or date-time with an offset, e.g. 2026-11-23 or 2026-11-23T10:00:00Z")
  .transform((v) => new Date(v));

const id = z.string().min(1, "must not be empty").max(200, "must be at most 200 characters");

export const LogFilterQuery = z
  .object({
    api_user_id: id.optional(),
    tenant_id: id.optional(),
    gateway: z.enum(["pre", "post"], { error: "must be pre or post" }).optional(),
    status: z
      .string()
      .regex(/^([1-5]\d\d|[1-5]xx)$/, "must be an HTTP status such as 429, or a class such as 4xx")
      .optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    model: z.string().min(1, "must not be empty").max(200, "must be at most 200 characters").optional(),
    q: z.string().min(1, "must not be empty").max(200, "must be at most 200 characters").optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "must not be after to", path: ["from"] });
export type LogFilterQuery = z.input<typeof LogFilterQuery>;

export const LogListQuery = LogFilterQuery.and(
  z.object({
    limit: z.coerce
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(MAX_LIST_LIMIT, `must be at most ${MAX_LIST_LIMIT}`)
      .default(50),
    cursor: z.string().max(200, "is not a cursor this API returned").optional(),
  }),
);
export type LogListQuery = z.input<typeof LogListQuery>;

function toFilters(q: z.output<typeof LogFilterQuery>): AuditLogFilters {
  const status = q.status?.endsWith("xx")
    ? { min: Number(q.status[0]) * 100, max: Number(q.status[0]) * 100 + 99 }
    : q.status
      ? { min: Number(q.status), max: Number(q.status) }
      : undefined;
  return {
    apiUserId: q.api_user_id,
    tenantId: q.tenant_id,
    gateway: q.gateway,
    from: q.from,
    to: q.to,
    status,
    model: q.model,
    requestId: q.q,
  };
}

export function registerLogRoutes(app: Hono, deps: Deps): void {
  const db = deps.database.db;

  app.get("/api/admin/logs", async (c) => {
    const q = parseQuery(c, LogListQuery);
    return c.json(await listAuditLogs(db, toFilters(q), { limit: q.limit, cursor: q.cursor }));
  });

  // Before /:id, which would otherwise take "download" as an id.
  app.get("/api/admin/logs/download", async (c) => {
    const filters = toFilters(parseQuery(c, LogFilterQuery));
    const body = await exportAuditRecords(db, filters, actorOf(c), { logger: deps.logger });
    return c.body(body, 200, {
      "content-type": "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="${exportFilename(filters, new Date())}"`,
      "cache-control": "no-store",
    });
  });

  app.get("/api/admin/logs/:id", async (c) => {
    const recordId = c.req.param("id");
    if (!/^\d{1,15}$/.test(recordId))
      throw new AppError("invalid_request", "id: must be a record id", { param: "id" });
    // Viewers see the record's metadata; the bodies (and the audit.view entry) are for roles that may read them.
    if (!roleCan(c.get("admin").role, "read_body"))
      return c.json(await viewAuditMetadata(db, Number(recordId)));
    return c.json(await viewAuditRecord(db, Number(recordId), actorOf(c)));
  });
}
