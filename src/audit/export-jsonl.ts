/**
 * @module The JSONL export: a pull-driven stream of one JSON object per line, read from the database in keyset
 * batches in (ts, id) order, so memory stays flat whatever the size and a slow client slows the reads.
 */
import type { Kysely } from "kysely";
import type { AuditLogRow, DB } from "../db/schema.js";
import type { Logger } from "../logging/logger.js";
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
  let limit = options.batchRows ?? 500;
  let rowsSent = 0;
  type Page = { asked: number; rows: Awaited<ReturnType<typeof fetchPage>> };
  const fetchPage = (after: AuditKey | null, asked: number) =>
    selectAuditPage(db, filters, { after, limit: asked, order: "asc", bodies: true });
  const startPage = (after: AuditKey | null): Promise<Page> => {
    const asked = limit;
    const page = fetchPage(after, asked).then((rows) => ({ asked, rows }));
    // A page read ahead may fail after the client left; its error is handled when (if) it is awaited.
    page.catch(() => undefined);
    return page;
  };
  let next: Promise<Page> | null = startPage(null);

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { asked, rows } = await next!;
          next = null;
          const last = rows.at(-1);
          // A full page may have a successor: start reading it now, while this one is serialised and sent.
          if (last && rows.length === asked) next = startPage({ ts: last.ts_key, id: last.id });
          if (rows.length > 0) {
            const chunk = encodeLines(rows.map(exportLineText));
            controller.enqueue(chunk);
            rowsSent += rows.length;
            if (!options.batchRows) {
              const perRow = Math.max(1, Math.ceil(chunk.length / rows.length));
              limit = Math.min(
                MAX_BATCH_ROWS,
                Math.max(MIN_BATCH_ROWS, Math.floor(TARGET_BATCH_BYTES / perRow)),
              );
            }
          }
          if (!next) controller.close();
        } catch (err) {
          options.logger?.error({ err, rowsSent }, "audit export: failed mid-stream");
          controller.error(err);
        }
      },
      cancel() {
        next = null;
      },
    },
    // Nothing queued beyond the page being sent and the one being read: memory stays flat.
    { highWaterMark: 0 },
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

const str = (v: string | null): string => (v === null ? "null" : JSON.stringify(v));
const num = (v: number | null): string => (v === null ? "null" : String(v));

/**
 * One export line, identical to JSON.stringify(toExportLine(row)) but built directly (this runs a million times
 * per export) and without re-serialising bodies: a body that parses as JSON is copied as it is, its CR/LF
 * (whitespace between tokens in valid JSON) turned into spaces so the line stays one line.
 */
export function exportLineText(row: AuditLogRow): string {
  const hasUsage = row.total_tokens !== null || row.prompt_tokens !== null || row.completion_tokens !== null;
  const usage = hasUsage
    ? `{"prompt_tokens":${num(row.prompt_tokens)},"completion_tokens":${num(row.completion_tokens)},"total_tokens":${num(row.total_tokens)},"source":${str(row.usage_source)}}`
    : "null";
  return (
    `{"id":${row.id},"ts":"${row.ts.toISOString()}","request_id":${str(row.request_id)},"gateway":${str(row.gateway)}` +
    `,"api_user_id":${str(row.api_user_id)},"api_user_name":${str(row.api_user_name)},"tenant_id":${str(row.tenant_id)}` +
    `,"method":${str(row.method)},"path":${str(row.path)},"model":${str(row.model)},"status":${row.status}` +
    `,"stream":${row.stream},"latency_ms":${row.latency_ms},"ttfb_ms":${num(row.ttfb_ms)},"usage":${usage}` +
    `,"client_ip":${str(row.client_ip)},"user_agent":${str(row.user_agent)}` +
    `,"prompt":${bodyJsonText(row.request_body, row.request_truncated)}` +
    `,"response":${bodyJsonText(row.response_body, row.response_truncated)}` +
    `,"request_truncated":${row.request_truncated},"response_truncated":${row.response_truncated}` +
    `,"error":${str(row.error_code)},"aborted":${row.aborted}}`
  );
}

/** The JSON text of a body value: the body itself when it is complete, valid JSON; else a JSON string of it. */
function bodyJsonText(text: string | null, truncated: boolean): string {
  if (text === null) return "null";
  if (!truncated) {
    try {
      JSON.parse(text);
      return text.includes("\n") || text.includes("\r") ? text.replace(/[\r\n]/g, " ") : text;
    } catch {
      // Not JSON: exported as a string below.
    }
  }
  return JSON.stringify(text);
}

/** Encodes lines straight into one buffer: no flattened multi-megabyte string per page. */
function encodeLines(lines: readonly string[]): Buffer {
  let capacity = 0;
  for (const line of lines) capacity += line.length * 3 + 1;
  const buf = Buffer.allocUnsafe(capacity);
  let offset = 0;
  for (const line of lines) {
    offset += buf.write(line, offset, "utf8");
    buf[offset++] = 10;
  }
  return buf.subarray(0, offset);
}
