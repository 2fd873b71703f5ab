/**
 * @module Tolerant readers for Hermes' files: JSON, YAML and text, through the confinement of hermes-paths. A
 * missing file is `not_present`, an unparsable one `corrupt` (with a reason that never quotes the content, since
 * these files hold secrets), a refused one `refused`; none of them throws, whatever is on disk.
 */
import { parseDocument, type Document } from "yaml";
import {
  DEFAULT_MAX_FILE_BYTES,
  readConfinedFile,
  REFUSAL_MESSAGES,
  type FileMeta,
  type Refusal,
} from "./hermes-paths.js";

export type FileRead<T> =
  | ({ status: "ok"; path: string; value: T } & FileMeta)
  | { status: "not_present"; path: string }
  | { status: "corrupt"; path: string; reason: string }
  | { status: "refused"; path: string; reason: Refusal };

export type ReadOptions = { maxBytes?: number };

/** Hermes writes YAML with PyYAML, which speaks YAML 1.1 (`yes`/`no` are booleans there). */
export const YAML_OPTIONS = { version: "1.1", uniqueKeys: false, maxAliasCount: 100 } as const;

async function readWith<T>(
  roots: readonly string[],
  filePath: string,
  options: ReadOptions,
  parse: (text: string) => { ok: true; value: T } | { ok: false; reason: string },
): Promise<FileRead<T>> {
  const file = await readConfinedFile(roots, filePath, options.maxBytes ?? DEFAULT_MAX_FILE_BYTES);
  if (file.status !== "ok") return { ...file, path: filePath };
  const text = file.bytes.toString("utf8");
  const parsed = parse(text);
  if (!parsed.ok) return { status: "corrupt", path: filePath, reason: parsed.reason };
  const { size, mtimeMs, mode, uid, gid } = file;
  return { status: "ok", path: filePath, value: parsed.value, size, mtimeMs, mode, uid, gid };
}

export function readTextFile(roots: readonly string[], filePath: string, options: ReadOptions = {}) {
  return readWith<string>(roots, filePath, options, (text) => ({ ok: true, value: text }));
}

/** `value` is whatever JSON holds: callers pick fields with the guards below, never trust the shape. */
export function readJsonFile(roots: readonly string[], filePath: string, options: ReadOptions = {}) {
  return readWith<unknown>(roots, filePath, options, (text) => {
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch {
      // JSON.parse's message quotes the text around the error: never pass it on.
      return { ok: false, reason: "not valid JSON" };
    }
  });
}

export type YamlFile = { text: string; doc: Document; value: unknown };

export function readYamlFile(roots: readonly string[], filePath: string, options: ReadOptions = {}) {
  return readWith<YamlFile>(roots, filePath, options, (text) => {
    const parsed = parseYaml(text);
    return parsed.ok ? { ok: true, value: parsed } : parsed;
  });
}

/** Parses YAML text; a failure names the line, never the text. */
export function parseYaml(text: string): ({ ok: true } & YamlFile) | { ok: false; reason: string } {
  try {
    const doc = parseDocument(text, YAML_OPTIONS);
    if (doc.errors.length > 0) {
      const line = doc.errors[0]!.linePos?.[0]?.line;
      return { ok: false, reason: line ? `not valid YAML (line ${line})` : "not valid YAML" };
    }
    return { ok: true, text, doc, value: doc.toJS({ maxAliasCount: 100 }) as unknown };
  } catch {
    return { ok: false, reason: "not valid YAML" };
  }
}

/** What an API response says about a file: where, and whether it could be read (never its content). */
export type FileStatus = {
  path: string;
  status: "ok" | "not_present" | "corrupt" | "refused";
  reason: string | null;
  modified_at: string | null;
};

export function fileStatus(read: FileRead<unknown>): FileStatus {
  return {
    path: read.path,
    status: read.status,
    reason:
      read.status === "corrupt"
        ? read.reason
        : read.status === "refused"
          ? REFUSAL_MESSAGES[read.reason]
          : null,
    modified_at: read.status === "ok" ? new Date(read.mtimeMs).toISOString() : null,
  };
}

// Shape guards: Hermes' formats change often, so every field is optional and checked where it is used.

export type JsonObject = Record<string, unknown>;

export function asObject(v: unknown): JsonObject | null {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : null;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

export function asNonEmptyString(v: unknown): string | null {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
}

export function asNumber(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

export function asBoolean(v: unknown): boolean | null {
  return typeof v === "boolean" ? v : null;
}

/**
 * A point in time from any of the shapes Hermes and the CLIs use: epoch seconds (float), epoch milliseconds, or an
 * ISO string (older auth.json files hold `last_status_at` as one). Null when it is none of them.
 */
export function asInstant(v: unknown): Date | null {
  if (typeof v === "number" && Number.isFinite(v) && v > 0) {
    // Anything past the year 5000 in seconds is a millisecond value.
    const ms = v > 1e11 ? v : v * 1000;
    const d = new Date(ms);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  if (typeof v === "string" && v.trim() !== "") {
    const s = v.trim();
    if (/^\d+(\.\d+)?$/.test(s)) return asInstant(Number(s));
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

export function isoOrNull(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}
