/**
 * @module Hermes' log files read from the end: entries newest first, filtered by minimum level and by text, paged
 * back by byte offset. Lines look like `2026-11-30 10:00:00,123 INFO [session] agent.run: message`; lines without
 * that header (tracebacks) belong to the entry above them. Every line goes through the line redaction, and the text
 * filter matches the redacted text, so a search cannot probe for a secret. One request scans at most 4 MiB.
 */
import path from "node:path";
import { AppError } from "../../errors/app-error.js";
import { REFUSAL_MESSAGES } from "../hermes-paths.js";
import { scopeFields, type HermesScope, type ScopeFields } from "../hermes-scope.js";
import { readRange } from "../panes/file-range.js";
import { cappedText, type CappedText } from "../panes/pane-text.js";
import { listLogFiles, LOG_NAME, type LogFile } from "./gateway-status.js";

const CHUNK = 64 * 1024;
export const MAX_SCAN_BYTES = 4 * 1024 * 1024;
const ENTRY_CHARS = 8 * 1024;
const HEADER =
  /^(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[,.]\d+)?)\s+(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)\b\s*(?:\[([^\]]*)\]\s+)?(?:([\w.-]+):\s?)?/;
export const LEVELS = {
  DEBUG: 10,
  INFO: 20,
  WARNING: 30,
  WARN: 30,
  ERROR: 40,
  CRITICAL: 50,
  FATAL: 50,
} as const;
export type Level = "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL";

export type LogEntry = {
  /** Byte offset of the entry in the file (pass as `before` to page back from it). */
  offset: number;
  /** As written by Hermes (its host's local time, no zone). */
  time: string | null;
  level: string | null;
  logger: string | null;
  session: string | null;
  text: CappedText;
};

export type LogTailView = ScopeFields & {
  file: LogFile;
  entries: LogEntry[];
  /** Pass as `before` for older entries; null at the start of the file. */
  next_cursor: string | null;
  scanned_bytes: number;
};

export type TailQuery = { file: string; level?: Level; q?: string; limit: number; before?: number };

type Raw = { offset: number; lines: Buffer[] };

function toEntry(raw: Raw): LogEntry {
  const text = raw.lines.map((l) => l.toString("utf8").replace(/\r$/, "")).join("\n");
  const m = HEADER.exec(text);
  return {
    offset: raw.offset,
    time: m?.[1] ?? null,
    level: m ? (m[2] === "WARN" ? "WARNING" : m[2] === "FATAL" ? "CRITICAL" : m[2]!) : null,
    logger: m?.[4] ?? null,
    session: m?.[3] ?? null,
    text: cappedText(text, ENTRY_CHARS),
  };
}

function isHeader(line: Buffer): boolean {
  return HEADER.test(line.subarray(0, 120).toString("utf8"));
}

export async function tailLog(scope: HermesScope, query: TailQuery): Promise<LogTailView> {
  if (!LOG_NAME.test(query.file)) {
    throw new AppError("invalid_request", "file: must be a log file name such as agent.log", {
      param: "file",
    });
  }
  const file = (await listLogFiles(scope)).find((f) => f.name === query.file);
  if (!file) throw new AppError("not_found", "No such log file in this profile's logs/.", { param: "file" });
  const filePath = path.join(scope.dir, "logs", file.name);
  const min = query.level ? LEVELS[query.level] : 0;
  const needle = query.q?.toLowerCase();
  const entries: LogEntry[] = [];
  const end = Math.min(query.before ?? file.size_bytes, file.size_bytes);
  let scanned = 0;
  // Lines read but not yet closed by their entry's header line (oldest first), and the part of a line cut at the
  // start of the last chunk read (completed by the next, earlier, chunk).
  let pending: Buffer[] = [];
  let carry = Buffer.alloc(0);
  let pos = end;
  let cursor: number | null = end;

  const keep = (lines: Buffer[], offset: number) => {
    while (lines.length && lines.at(-1)!.length === 0) lines = lines.slice(0, -1);
    if (lines.length === 0) return;
    const entry = toEntry({ offset, lines });
    if (min && (entry.level === null || LEVELS[entry.level as Level] < min)) return;
    if (needle && !entry.text.text.toLowerCase().includes(needle)) return;
    entries.push(entry);
  };

  while (entries.length < query.limit) {
    if (pos === 0) {
      // What is left before the first header belongs to no entry header: shown as one entry.
      keep(pending, 0);
      cursor = null;
      break;
    }
    if (scanned >= MAX_SCAN_BYTES) {
      if (cursor === end) cursor = pos; // one entry larger than the scan: skip it rather than loop on it
      break;
    }
    const from = Math.max(0, pos - CHUNK);
    const read = await readRange(scope.roots, filePath, from, pos - from);
    if (read.status !== "ok") {
      const why = read.status === "refused" ? REFUSAL_MESSAGES[read.reason] : "gone";
      throw new AppError("not_found", `The log file can no longer be read (${why}).`);
    }
    scanned += read.bytes.length;
    const buf = Buffer.concat([read.bytes, carry]);
    pos = from;
    const nl = pos > 0 ? buf.indexOf(0x0a) : -1;
    if (pos > 0 && nl < 0) {
      carry = buf; // no line ends in this chunk
      continue;
    }
    carry = pos > 0 ? buf.subarray(0, nl) : Buffer.alloc(0);
    const lines = splitLines(pos > 0 ? buf.subarray(nl + 1) : buf);
    let at = pos > 0 ? pos + nl + 1 : 0;
    const offsets = lines.map((l) => ((at += l.length + 1), at - l.length - 1));
    for (let i = lines.length - 1; i >= 0 && entries.length < query.limit; i--) {
      pending.unshift(lines[i]!);
      if (isHeader(lines[i]!)) {
        keep(pending, offsets[i]!);
        pending = [];
        cursor = offsets[i]!;
      }
    }
    if (entries.length >= query.limit) break;
  }

  return {
    ...scopeFields(scope),
    file,
    entries,
    next_cursor: cursor === null || cursor === 0 ? null : String(cursor),
    scanned_bytes: scanned,
  };
}

function splitLines(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) {
      out.push(buf.subarray(start));
      return out;
    }
    out.push(buf.subarray(start, nl));
    start = nl + 1;
  }
}
