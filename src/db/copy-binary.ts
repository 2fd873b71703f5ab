/**
 * @module PostgreSQL's binary COPY format for the few column types bulk loads here use. Binary, not text: text COPY
 * would escape every backslash of JSON bodies and the server would scan every byte for escapes; binary fields are
 * length-prefixed bytes the server copies as they are.
 * https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4
 */

export type CopyColumnType = "text" | "int4" | "bool" | "timestamptz";

/** A value this encoder cannot represent in its column's type; the caller can send the rows another way. */
export class CopyEncodingError extends Error {
  constructor(column: number, type: CopyColumnType, value: unknown) {
    super(
      `copy: column ${column} (${type}) cannot hold a ${typeof value}${typeof value === "number" ? ` ${value}` : ""}`,
    );
    this.name = "CopyEncodingError";
  }
}

/** "PGCOPY\n\377\r\n\0", then 32-bit flags and header-extension length, both 0. */
const HEADER = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
]);
const TRAILER = Buffer.from([0xff, 0xff]);
/** timestamptz is microseconds since 2000-01-01 UTC. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const TWO_32 = 2 ** 32;
const INT4_MIN = -(2 ** 31);
const INT4_MAX = 2 ** 31 - 1;

function epochMs(value: unknown): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === "string" ? Date.parse(value) : NaN;
  return ms;
}

/** Bytes a non-null value takes after its 4-byte length, or -1 when it does not fit the type. */
function valueBytes(type: CopyColumnType, value: unknown): number {
  switch (type) {
    case "text":
      return typeof value === "string" ? Buffer.byteLength(value) : -1;
    case "int4":
      return Number.isInteger(value) && (value as number) >= INT4_MIN && (value as number) <= INT4_MAX
        ? 4
        : -1;
    case "bool":
      return typeof value === "boolean" ? 1 : -1;
    case "timestamptz":
      return Number.isFinite(epochMs(value)) ? 8 : -1;
  }
}

/**
 * Encodes one row (values in `types` order; null or undefined is SQL NULL) as a binary COPY tuple, after
 * `headroom` bytes left for the caller (a frame header, say), in memory from `alloc` (by default a Buffer of its
 * own). Throws CopyEncodingError for a value of the wrong type or out of range, before allocating.
 */
export function encodeCopyTuple(
  types: readonly CopyColumnType[],
  row: readonly unknown[],
  headroom = 0,
  alloc: (size: number) => Buffer = Buffer.allocUnsafe,
): Buffer {
  let size = headroom + 2 + 4 * types.length;
  for (let i = 0; i < types.length; i++) {
    const value = row[i];
    if (value === null || value === undefined) continue;
    const bytes = valueBytes(types[i]!, value);
    if (bytes < 0) throw new CopyEncodingError(i, types[i]!, value);
    size += bytes;
  }
  const out = alloc(size);
  let at = out.writeInt16BE(types.length, headroom);
  for (let i = 0; i < types.length; i++) {
    const value = row[i];
    if (value === null || value === undefined) {
      at = out.writeInt32BE(-1, at);
      continue;
    }
    switch (types[i]!) {
      case "text": {
        const bytes = out.write(value as string, at + 4, "utf8");
        out.writeInt32BE(bytes, at);
        at += 4 + bytes;
        break;
      }
      case "int4":
        at = out.writeInt32BE(4, at);
        at = out.writeInt32BE(value as number, at);
        break;
      case "bool":
        at = out.writeInt32BE(1, at);
        at = out.writeUInt8(value ? 1 : 0, at);
        break;
      case "timestamptz": {
        // Microseconds since 2000 stay far inside 2^53, so plain numbers split into two 32-bit halves suffice.
        const micros = (epochMs(value) - PG_EPOCH_MS) * 1000;
        const high = Math.floor(micros / TWO_32);
        at = out.writeInt32BE(8, at);
        at = out.writeInt32BE(high, at);
        at = out.writeUInt32BE(micros - high * TWO_32, at);
        break;
      }
    }
  }
  return out;
}

/**
 * One COPY payload from encoded tuples: header, the tuples as they are, trailer. Written into `into` when it is
 * large enough (the result is then a view of it), else into a new Buffer.
 */
export function copyPayload(tuples: readonly Buffer[], into?: Buffer): Buffer {
  let size = HEADER.length + TRAILER.length;
  for (const t of tuples) size += t.length;
  if (!into || into.length < size) return Buffer.concat([HEADER, ...tuples, TRAILER], size);
  let at = HEADER.copy(into, 0);
  for (const t of tuples) at += t.copy(into, at);
  at += TRAILER.copy(into, at);
  return into.subarray(0, at);
}

/**
 * Reads back a tuple made by encodeCopyTuple with the same types (text as string, int4 as number, bool as boolean,
 * timestamptz as Date, NULL as null). Throws on a tuple that does not match.
 */
export function decodeCopyTuple(types: readonly CopyColumnType[], tuple: Buffer): unknown[] {
  if (tuple.length < 2 || tuple.readInt16BE(0) !== types.length)
    throw new Error("copy: tuple does not match");
  const row: unknown[] = [];
  let at = 2;
  for (const type of types) {
    const length = tuple.readInt32BE(at);
    at += 4;
    if (length === -1) {
      row.push(null);
      continue;
    }
    if (length < 0 || at + length > tuple.length) throw new Error("copy: tuple does not match");
    switch (type) {
      case "text":
        row.push(tuple.toString("utf8", at, at + length));
        break;
      case "int4":
        row.push(tuple.readInt32BE(at));
        break;
      case "bool":
        row.push(tuple[at] !== 0);
        break;
      case "timestamptz":
        row.push(
          new Date((tuple.readInt32BE(at) * TWO_32 + tuple.readUInt32BE(at + 4)) / 1000 + PG_EPOCH_MS),
        );
        break;
    }
    at += length;
  }
  if (at !== tuple.length) throw new Error("copy: tuple does not match");
  return row;
}
