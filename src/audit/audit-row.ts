/**
 * @module Maps an AuditRecord to its audit_log row, and rows to and from their stored forms: the binary COPY tuple
 * the writer loads, and the spool's frames (and JSON lines, as spools of earlier versions hold them).
 */
import {
  CopyEncodingError,
  decodeCopyTuple,
  encodeCopyTuple,
  type CopyColumnType,
} from "../db/copy-binary.js";
import type { NewAuditLogRow } from "../db/schema.js";
import type { AuditRecord } from "./audit-record.js";

/** Every inserted column with its PostgreSQL type, in one order for the column list and the values. */
export const AUDIT_COLUMNS: ReadonlyArray<readonly [keyof NewAuditLogRow, CopyColumnType]> = [
  ["ts", "timestamptz"],
  ["request_id", "text"],
  ["gateway", "text"],
  ["api_user_id", "text"],
  ["api_user_name", "text"],
  ["tenant_id", "text"],
  ["method", "text"],
  ["path", "text"],
  ["model", "text"],
  ["status", "int4"],
  ["stream", "bool"],
  ["latency_ms", "int4"],
  ["ttfb_ms", "int4"],
  ["prompt_tokens", "int4"],
  ["completion_tokens", "int4"],
  ["total_tokens", "int4"],
  ["usage_source", "text"],
  ["client_ip", "text"],
  ["user_agent", "text"],
  ["error_code", "text"],
  ["aborted", "bool"],
  ["request_body", "text"],
  ["request_bytes", "int4"],
  ["request_truncated", "bool"],
  ["response_body", "text"],
  ["response_bytes", "int4"],
  ["response_truncated", "bool"],
];

export const AUDIT_COLUMN_NAMES = AUDIT_COLUMNS.map(([name]) => name);
const AUDIT_COLUMN_TYPES = AUDIT_COLUMNS.map(([, type]) => type);

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
  const text = row as Record<string, unknown>;
  for (const name of TEXT_COLUMNS) {
    const v = text[name];
    if (typeof v === "string") text[name] = storableText(v);
  }
  return row;
}

/** The text columns, where client and upstream text lands. */
const TEXT_COLUMNS = AUDIT_COLUMNS.filter(([, type]) => type === "text").map(([name]) => name);

/**
 * PostgreSQL text cannot hold NUL, and a lone UTF-16 surrogate has no UTF-8 form; both become U+FFFD. Client text
 * (model names, bodies) and upstream answers can carry either.
 */
export function storableText(s: string): string {
  const wellFormed = s.isWellFormed() ? s : s.toWellFormed();
  return wellFormed.includes("\u0000") ? wellFormed.replaceAll("\u0000", "\ufffd") : wellFormed;
}

/**
 * Spool frame: a 4-byte length (of what follows), a kind byte, then the row as a binary COPY tuple, or as JSON when
 * a value does not fit the binary format (which the database would then refuse, and the writer quarantine).
 * Binary, not JSON lines: no escaping of the JSON bodies on the request path, and the queued tuple is the very
 * bytes the writer sends to COPY.
 */
const FRAME_HEADER = 5;
const FRAME_TUPLE = 1;
const FRAME_JSON = 2;

/**
 * The spool frame of a row and, when it has one, its COPY tuple (a view into the frame). A tuple frame is written
 * into memory from `alloc`.
 */
export function rowToSpoolFrame(
  row: NewAuditLogRow,
  alloc?: (size: number) => Buffer,
): { frame: Buffer; tuple: Buffer | null } {
  let frame: Buffer;
  let kind: number;
  try {
    frame = encodeCopyTuple(
      AUDIT_COLUMN_TYPES,
      AUDIT_COLUMN_NAMES.map((name) => row[name]),
      FRAME_HEADER,
      alloc,
    );
    kind = FRAME_TUPLE;
  } catch (err) {
    if (!(err instanceof CopyEncodingError)) throw err;
    const json = Buffer.from(JSON.stringify(row), "utf8");
    frame = Buffer.allocUnsafe(FRAME_HEADER + json.length);
    json.copy(frame, FRAME_HEADER);
    kind = FRAME_JSON;
  }
  frame.writeUInt32BE(frame.length - 4, 0);
  frame[4] = kind;
  return { frame, tuple: kind === FRAME_TUPLE ? frame.subarray(FRAME_HEADER) : null };
}

/**
 * Reads a spool segment's frames back into rows. A frame cut short (the end of a segment after a crash or a failed
 * write) or that does not read as a row is counted as torn; reading goes on at the next frame when its length is
 * intact.
 */
export function spoolFramesToRows(data: Buffer): { rows: NewAuditLogRow[]; torn: number } {
  const rows: NewAuditLogRow[] = [];
  let torn = 0;
  let at = 0;
  while (at < data.length) {
    if (at + 4 > data.length) {
      torn++;
      break;
    }
    const length = data.readUInt32BE(at);
    if (length < 1 || at + 4 + length > data.length) {
      torn++;
      break;
    }
    const kind = data[at + 4];
    const body = data.subarray(at + FRAME_HEADER, at + 4 + length);
    at += 4 + length;
    const row =
      kind === FRAME_TUPLE
        ? spoolTupleToRow(body)
        : kind === FRAME_JSON
          ? spoolLineToRow(body.toString("utf8"))
          : null;
    if (row) rows.push(row);
    else torn++;
  }
  return { rows, torn };
}

/** The row a COPY tuple made by rowToSpoolFrame holds; null if it does not read back. */
export function spoolTupleToRow(tuple: Buffer): NewAuditLogRow | null {
  try {
    const values = decodeCopyTuple(AUDIT_COLUMN_TYPES, tuple);
    const row: Record<string, unknown> = {};
    AUDIT_COLUMN_NAMES.forEach((name, i) => (row[name] = values[i]));
    return row as NewAuditLogRow;
  } catch {
    return null;
  }
}

/**
 * Parses one JSON spool line (segments of earlier versions, and rows the binary format cannot carry), text made
 * storable again in case an older version wrote it; null for a line that is not a complete row (a torn write).
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
