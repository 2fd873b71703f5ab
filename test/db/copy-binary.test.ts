import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import {
  CopyEncodingError,
  copyPayload,
  decodeCopyTuple,
  encodeCopyTuple,
  type CopyColumnType,
} from "../../src/db/copy-binary.js";
import { CopyRefusedError, openDatabase, type Database } from "../../src/db/database.js";
import { captureLogs } from "../harness/log-capture.js";
import { createTestDatabase, type TestDatabase } from "../harness/test-database.js";

const TYPES: CopyColumnType[] = ["text", "int4", "bool", "timestamptz"];
const COLUMNS = ["t", "i", "b", "ts"];

/** Values chosen where an encoder goes wrong: multi-byte text, escapes, bounds, signs, pre-2000 times. */
const ROWS: unknown[][] = [
  ['{"content":"say \\"hi\\"\\n\\ttab \\\\ backslash"}', 0, true, new Date("2026-11-23T17:55:02.123Z")],
  ["héllo ✓ 🚀 日本語", 2_147_483_647, false, new Date("1999-12-31T23:59:59.999Z")],
  ["", -2_147_483_648, true, "1970-01-01T00:00:00.001Z"],
  ["line\nbreak\r\ttab", -1, false, new Date("2000-01-01T00:00:00.000Z")],
  [null, null, null, new Date("2999-06-15T12:34:56.789Z")],
  [undefined, 42, undefined, null],
];

for (const kind of ["postgres", "embedded"] as const) {
  describe(`binary COPY (${kind})`, () => {
    let database: Database | undefined;
    let testDb: TestDatabase | undefined;
    let dataDir: string | undefined;

    afterEach(async () => {
      await database?.close();
      await testDb?.drop();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      database = testDb = dataDir = undefined;
    });

    async function open(): Promise<Database> {
      testDb = kind === "postgres" ? await createTestDatabase("copy") : undefined;
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-copy-"));
      database = await openDatabase({ url: testDb?.url, poolMax: 2, dataDir, logger: captureLogs().logger });
      await sql`CREATE TABLE copied (n serial PRIMARY KEY, t text, i int4, b bool, ts timestamptz)`.execute(
        database.db,
      );
      return database;
    }

    it("loads every value as the database reads it back", async () => {
      const d = await open();
      expect(
        await d.copyFrom("copied", COLUMNS, copyPayload(ROWS.map((row) => encodeCopyTuple(TYPES, row)))),
      ).toBe(ROWS.length);
      const back = await sql<{ t: string | null; i: number | null; b: boolean | null; ts: Date | null }>`
        SELECT t, i, b, ts FROM copied ORDER BY n`.execute(d.db);
      expect(back.rows).toEqual(
        ROWS.map(([t, i, b, ts]) => ({
          t: t ?? null,
          i: i ?? null,
          b: b ?? null,
          ts: ts === null ? null : new Date(ts as Date | string),
        })),
      );
    });

    it("refuses a bad payload as a whole, leaving the connection usable", async () => {
      const d = await open();
      const payload = copyPayload(ROWS.map((row) => encodeCopyTuple(TYPES, row)));
      // Cut inside the last row: the server must reject it and store none of the rows before it.
      const torn = payload.subarray(0, payload.length - 6);
      await expect(d.copyFrom("copied", COLUMNS, torn)).rejects.toBeInstanceOf(CopyRefusedError);
      await expect(d.copyFrom("copied", COLUMNS, payload)).resolves.toBe(ROWS.length);
      const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM copied`.execute(d.db);
      expect(n.rows[0]!.n).toBe(ROWS.length);
    });
  });
}

describe("binary COPY encoding", () => {
  it("reads back what it encodes", () => {
    for (const row of ROWS)
      expect(decodeCopyTuple(TYPES, encodeCopyTuple(TYPES, row))).toEqual(
        row.map((v, i) =>
          v === undefined || v === null ? null : TYPES[i] === "timestamptz" ? new Date(v as string) : v,
        ),
      );
  });

  it.each([
    ["int4", 2 ** 31],
    ["int4", -(2 ** 31) - 1],
    ["int4", 1.5],
    ["int4", "12"],
    ["bool", 1],
    ["text", 12],
    ["timestamptz", "not a date"],
    ["timestamptz", new Date(NaN)],
  ] as const)("rejects a %s column given %s", (type, value) => {
    expect(() => encodeCopyTuple([type], [value])).toThrow(CopyEncodingError);
  });
});
