/**
 * @module audit_log queries: batched inserts that a replay cannot duplicate, and the keyset-paginated reads the
 * admin list, detail and export use.
 */
import type { Kysely } from "kysely";
import type { AuditLogRow, DB, GatewayName, NewAuditLogRow } from "../db/schema.js";

/**
 * Inserts rows in one statement; a row whose (request_id, ts) is already stored is skipped, so replaying a spool
 * after an ambiguous commit never duplicates. Returns how many rows were new.
 */
export async function insertAuditRows(db: Kysely<DB>, rows: readonly NewAuditLogRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await db
    .insertInto("audit_log")
    .values(rows as NewAuditLogRow[])
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

export type AuditLogFilters = {
  apiUserId?: string;
  tenantId?: string;
  gateway?: GatewayName;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** An exact status, or a class as a half-open range (4xx → 400..499). */
  status?: { min: number; max: number };
};

/** A position in (ts, id) order, the table's primary key: pages never skip or repeat a row. */
export type AuditKey = { ts: Date; id: number };

export type AuditPageOptions = {
  after: AuditKey | null;
  limit: number;
  order: "asc" | "desc";
  bodies: boolean;
};

const SUMMARY_COLUMNS = [
  "id",
  "ts",
  "request_id",
  "gateway",
  "api_user_id",
  "api_user_name",
  "tenant_id",
  "method",
  "path",
  "model",
  "status",
  "stream",
  "latency_ms",
  "ttfb_ms",
  "prompt_tokens",
  "completion_tokens",
  "total_tokens",
  "usage_source",
  "client_ip",
  "user_agent",
  "error_code",
  "aborted",
  "request_bytes",
  "request_truncated",
  "response_bytes",
  "response_truncated",
] as const;

export type AuditSummaryRow = Pick<AuditLogRow, (typeof SUMMARY_COLUMNS)[number]>;

/** One keyset page in (ts, id) order; with `bodies` the rows carry request_body and response_body too. */
export async function selectAuditPage(
  db: Kysely<DB>,
  filters: AuditLogFilters,
  options: AuditPageOptions & { bodies: true },
): Promise<AuditLogRow[]>;
export async function selectAuditPage(
  db: Kysely<DB>,
  filters: AuditLogFilters,
  options: AuditPageOptions,
): Promise<AuditSummaryRow[]>;
export async function selectAuditPage(
  db: Kysely<DB>,
  filters: AuditLogFilters,
  options: AuditPageOptions,
): Promise<AuditSummaryRow[]> {
  const { after, order } = options;
  let q = db
    .selectFrom("audit_log")
    .select(options.bodies ? [...SUMMARY_COLUMNS, "request_body", "response_body"] : [...SUMMARY_COLUMNS]);
  if (filters.apiUserId !== undefined) q = q.where("api_user_id", "=", filters.apiUserId);
  if (filters.tenantId !== undefined) q = q.where("tenant_id", "=", filters.tenantId);
  if (filters.gateway !== undefined) q = q.where("gateway", "=", filters.gateway);
  if (filters.from !== undefined) q = q.where("ts", ">=", filters.from);
  if (filters.to !== undefined) q = q.where("ts", "<", filters.to);
  if (filters.status !== undefined)
    q = q.where("status", ">=", filters.status.min).where("status", "<=", filters.status.max);
  if (after)
    q = q.where((eb) =>
      eb(eb.refTuple("ts", "id"), order === "asc" ? ">" : "<", eb.tuple(after.ts, after.id)),
    );
  return q.orderBy("ts", order).orderBy("id", order).limit(options.limit).execute();
}

export async function selectAuditRowById(db: Kysely<DB>, id: number): Promise<AuditLogRow | undefined> {
  return db.selectFrom("audit_log").selectAll().where("id", "=", id).executeTakeFirst();
}
