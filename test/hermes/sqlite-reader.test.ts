import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openHermesDb } from "../../src/hermes/sqlite/hermes-db.js";
import {
  createSqliteReader,
  SqliteReadError,
  type SqliteReader,
} from "../../src/hermes/sqlite/sqlite-reader.js";
import { createStateDb, insertRow } from "../fixtures/hermes/hermes-dbs.js";

let dir: string;
let reader: SqliteReader;
beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "hcp-sqlite-")));
  reader = createSqliteReader({ idleMs: 60_000 });
});
afterEach(async () => {
  await reader.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const count = async (file: string) =>
  Number((await reader.read(file, [{ sql: "SELECT count(*) AS n FROM sessions" }]))[0]![0]!.n);

describe("the SQLite reader", () => {
  it("sees what a writer holding the database open has committed to the WAL, and nothing uncommitted", async () => {
    const file = path.join(dir, "state.db");
    const writer = createStateDb(file);
    writer.pragma("wal_autocheckpoint = 0"); // keep every commit in the WAL, as a busy Hermes does between checkpoints
    try {
      insertRow(writer, "sessions", { id: "a", source: "cli", started_at: 1 });
      const mainBefore = fs.statSync(file).size;
      expect(await count(file)).toBe(1);

      insertRow(writer, "sessions", { id: "b", source: "cli", started_at: 2 });
      expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0);
      expect(fs.statSync(file).size).toBe(mainBefore); // the new row is only in the WAL
      expect(await count(file)).toBe(2); // …and the reader (kept open in between) sees it

      // A write transaction in progress neither blocks the reader nor shows its rows.
      writer.exec("BEGIN IMMEDIATE");
      insertRow(writer, "sessions", { id: "c", source: "cli", started_at: 3 });
      expect(await count(file)).toBe(2);
      writer.exec("COMMIT");
      expect(await count(file)).toBe(3);

      // A copy of the main file alone misses the WAL's content: what a copying reader would show.
      const copy = path.join(dir, "copy.db");
      fs.copyFileSync(file, copy);
      const copied = new Database(copy, { readonly: true });
      let seen = 0;
      try {
        seen = (copied.prepare("SELECT count(*) AS n FROM sessions").get() as { n: number }).n;
      } catch {
        seen = 0; // even the tables may still be only in the WAL
      }
      copied.close();
      expect(seen).toBeLessThan(3);
    } finally {
      writer.close();
    }
  });

  it("never writes: the reader's connection is read-only", async () => {
    const file = path.join(dir, "state.db");
    createStateDb(file).close();
    await expect(
      reader.read(file, [{ sql: "INSERT INTO state_meta (key, value) VALUES ('x', 'y')" }]),
    ).rejects.toThrow(SqliteReadError);
    const check = new Database(file, { readonly: true });
    expect(check.prepare("SELECT count(*) AS n FROM state_meta").get()).toEqual({ n: 0 });
    check.close();
  });

  it("creates only SQLite's own -wal and -shm next to a WAL database nobody has open", async () => {
    const file = path.join(dir, "state.db");
    createStateDb(file).close(); // closing checkpoints and removes -wal and -shm
    expect(fs.readdirSync(dir).sort()).toEqual(["state.db"]);
    expect(await count(file)).toBe(0);
    await reader.close();
    expect(fs.readdirSync(dir).sort()).toEqual(["state.db", "state.db-shm", "state.db-wal"]);
    const mode = fs.statSync(file).mode & 0o777;
    expect(fs.statSync(`${file}-shm`).mode & 0o777).toBe(mode);
  });

  it("reports missing, corrupt and non-regular files by kind, never by message", async () => {
    const fail = (file: string) =>
      reader.schema(file).then(
        () => null,
        (e: SqliteReadError) => e.kind,
      );
    expect(await fail(path.join(dir, "none.db"))).toBe("not_present");
    fs.writeFileSync(
      path.join(dir, "junk.db"),
      "not a database at all, just text that is long enough to matter",
    );
    expect(await fail(path.join(dir, "junk.db"))).toBe("corrupt");
    fs.mkdirSync(path.join(dir, "a-dir.db"));
    expect(await fail(path.join(dir, "a-dir.db"))).toBe("not_regular");
    fs.symlinkSync(path.join(dir, "junk.db"), path.join(dir, "link.db"));
    expect(await fail(path.join(dir, "link.db"))).toBe("not_regular");
  });

  it("reopens a database replaced on disk instead of reading the old file", async () => {
    const file = path.join(dir, "state.db");
    const w = createStateDb(file);
    insertRow(w, "sessions", { id: "a", source: "cli", started_at: 1 });
    w.close();
    expect(await count(file)).toBe(1);
    const next = path.join(dir, "next.db");
    const w2 = createStateDb(next);
    for (const id of ["x", "y", "z"]) insertRow(w2, "sessions", { id, source: "cli", started_at: 1 });
    w2.close();
    fs.renameSync(next, file);
    expect(await count(file)).toBe(3);
  });

  it("ends a read that runs past its deadline, and answers the next one", async () => {
    const file = path.join(dir, "state.db");
    createStateDb(file).close();
    const slow = createSqliteReader({ deadlineMs: 3_000 });
    try {
      const endless =
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n";
      const err = await slow.read(file, [{ sql: endless }]).catch((e: SqliteReadError) => e);
      expect(err).toBeInstanceOf(SqliteReadError);
      expect((err as SqliteReadError).kind).toBe("timeout");
      expect(await slow.read(file, [{ sql: "SELECT 1 AS one" }])).toEqual([[{ one: 1 }]]);
    } finally {
      await slow.close();
    }
  });
});

describe("openHermesDb", () => {
  it("confines the path and describes the file; a database outside the roots is refused", async () => {
    const file = path.join(dir, "state.db");
    createStateDb(file).close();
    const opened = await openHermesDb(reader, [dir], file, "state.db");
    expect(opened.source).toMatchObject({ status: "ok", journal_mode: "wal", path: file });
    expect(opened.db!.has("sessions", "title")).toBe(true);
    expect(opened.db!.has("sessions", "no_such_column")).toBe(false);
    expect(opened.db!.col("sessions", "s", "no_such_column", "0")).toBe("0");

    const elsewhere = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "hcp-sqlite-out-")));
    try {
      createStateDb(path.join(elsewhere, "state.db")).close();
      fs.symlinkSync(path.join(elsewhere, "state.db"), path.join(dir, "linked.db"));
      const refused = await openHermesDb(reader, [dir], path.join(dir, "linked.db"), "state.db");
      expect(refused.source).toMatchObject({ status: "refused", reason: "outside HERMES_STATE_ROOTS" });
      expect(refused.db).toBeNull();
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
    expect((await openHermesDb(reader, [dir], path.join(dir, "none.db"), "x")).source.status).toBe(
      "not_present",
    );
  });
});
