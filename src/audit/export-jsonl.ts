/**
 * @module The JSONL export: a pull-driven stream of one JSON object per line, read from the database in keyset
 * batches in (ts, id) order, so memory stays flat whatever the size and a slow client slows the reads.
 */
import type { Kysely } from "kysely";
import type { AuditLogRow, DB } from "../db/schema.js";
import type { Logger } from "../logging/logger.js";
import { toAuditSummary } from "./audit-query.js";
import { selectAuditPage, type AuditKey, type AuditLogFilters } from "./audit.repository.js";

const MIN_BATCH_ROWS = 50;
const MAX_BATCH_ROWS = 2_000;
/** Bodies can be up to 2 × HERMES_AUDIT_MAX_BYTES per row: size batches by bytes, not only rows. */
const TARGET_BATCH_BYTES = 4 * 1024 * 1024;

export type ExportOptions = { logger?: Logger; batchRows?: number };

/** Streams every matching record, oldest first, as UTF-8 JSON lines. */
export function exportAuditJsonl(
  db: Kysely<DB>,
  filters: AuditLogFilters,
  options: ExportOptions = {},
): ReadableStream<Uint8Array> {
  let after: AuditKey | null = null;
  let limit = options.batchRows ?? 500;
  let rowsSent = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const asked = limit;
          const rows = await selectAuditPage(db, filters, {
            after,
            limit: asked,
            order: "asc",
            bodies: true,
          });
          if (rows.length > 0) {
            let text = "";
            for (const row of rows) text += `${exportLineText(row)}\n`;
            controller.enqueue(Buffer.from(text, "utf8"));
            const last = rows[rows.length - 1]!;
            after = { ts: last.ts_key, id: last.id };
            rowsSent += rows.length;
            if (!options.batchRows) {
              const perRow = Math.max(1, Math.ceil(text.length / rows.length));
              limit = Math.min(
                MAX_BATCH_ROWS,
                Math.max(MIN_BATCH_ROWS, Math.floor(TARGET_BATCH_BYTES / perRow)),
              );
            }
          }
          // A short page is the last one.
          if (rows.length < asked) controller.close();
        } catch (err) {
          options.logger?.error({ err, rowsSent }, "audit export: failed mid-stream");
          controller.error(err);
        }
      },
    },
    // One batch read ahead at most.
    { highWaterMark: 1 },
  );
}

/** `audit-<user or all>-<UTC timestamp>.jsonl`, safe inside a quoted Content-Disposition. */
export function exportFilename(filters: AuditLogFilters, now: Date): string {
  const who = (filters.apiUserId ?? "all").replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 80);
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `audit-${who}-${stamp}.jsonl`;
}

/**
 * One export line, identical to JSON.stringify(toExportLine(row)) but without re-serialising bodies: a body that
 * parses as JSON is copied as it is, its CR/LF (whitespace between tokens in valid JSON) turned into spaces so the
 * line stays one line. Measured ~2× faster than parse + stringify on 600-byte bodies.
 */
export function exportLineText(row: AuditLogRow): string {
  const s = toAuditSummary(row);
  const head = JSON.stringify({
    id: s.id,
    ts: s.ts,
    request_id: s.request_id,
    gateway: s.gateway,
    api_user_id: s.api_user_id,
    api_user_name: s.api_user_name,
    tenant_id: s.tenant_id,
    method: s.method,
    path: s.path,
    model: s.model,
    status: s.status,
    stream: s.stream,
    latency_ms: s.latency_ms,
    ttfb_ms: s.ttfb_ms,
    usage: s.usage,
    client_ip: s.client_ip,
    user_agent: s.user_agent,
  });
  const tail = JSON.stringify({
    request_truncated: s.request_truncated,
    response_truncated: s.response_truncated,
    error: s.error,
    aborted: s.aborted,
  });
  const prompt = bodyJsonText(row.request_body, row.request_truncated);
  const response = bodyJsonText(row.response_body, row.response_truncated);
  return `${head.slice(0, -1)},"prompt":${prompt},"response":${response},${tail.slice(1)}`;
}

/** The JSON text of a body value: the body itself when it is complete, valid JSON; else a JSON string of it. */
function bodyJsonText(text: string | null, truncated: boolean): string {
  if (text === null) return "null";
  if (!truncated) {
    try {
      JSON.parse(text);
      return /[\r\n]/.test(text) ? text.replace(/[\r\n]/g, " ") : text;
    } catch {
      // Not JSON: exported as a string below.
    }
  }
  return JSON.stringify(text);
}
