import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { captureLogs } from "../harness/log-capture.js";
import { ADMIN_DATABASE_URL, createTestDatabase } from "../harness/test-database.js";
import pg from "pg";

describe("database connection loss", () => {
  it("survives a backend terminated while its connection is checked out", async () => {
    const tdb = await createTestDatabase("lost");
    const logs = captureLogs();
    const database = await openDatabase({ url: tdb.url, poolMax: 2, dataDir: ".", logger: logs.logger });
    const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    try {
      // Hold a connection inside a transaction, kill its backend from outside, and let the error arrive.
      const held = database.db.connection().execute(async (conn) => {
        const pid = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(conn);
        await admin.query("SELECT pg_terminate_backend($1)", [pid.rows[0]!.pid]);
        await new Promise((r) => setTimeout(r, 300));
        await sql`SELECT 1`.execute(conn);
      });
      await expect(held).rejects.toThrow();
      // The process is still alive and the pool hands out a fresh connection.
      const r = await sql<{ one: number }>`SELECT 1 AS one`.execute(database.db);
      expect(r.rows[0]!.one).toBe(1);
      expect(logs.text()).toContain("database: connection lost");
    } finally {
      await admin.end();
      await database.close();
      await tdb.drop();
    }
  });
});
