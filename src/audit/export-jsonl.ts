/**
 * @module The JSONL export: a pull-driven stream of one JSON object per line, read from the database in keyset
 * batches in (ts, id) order, so memory stays flat whatever the size and a slow client slows the reads.
 */
import type { Kysely } from "kysely";
import type { AuditLogRow, DB } from "../db/schema.js";
import type { Logger } from "../logging/logger.js";
import { toExportLine } from "./audit-query.js";
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
          const rows: AuditLogRow[] = await selectAuditPage(db, filters, {
            after,
            limit: asked,
            order: "asc",
            bodies: true,
          });
          if (rows.length > 0) {
            let text = "";
            for (const row of rows) text += `${JSON.stringify(toExportLine(row))}\n`;
            controller.enqueue(Buffer.from(text, "utf8"));
            const last = rows[rows.length - 1]!;
            after = { ts: last.ts, id: last.id };
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
