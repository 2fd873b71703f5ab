/**
 * @module Runs migrations to the latest version under an advisory lock, so several instances may start at once.
 */
import { Migrator, sql, type Kysely, type MigrationProvider } from "kysely";
import { MIGRATIONS } from "../../migrations/index.js";
import type { DB } from "./schema.js";

// Arbitrary constant shared by every instance of this service: "hcp-migrate".
const MIGRATION_LOCK_KEY = 0x6863706d;

const provider: MigrationProvider = { getMigrations: async () => ({ ...MIGRATIONS }) };

/** The name of the newest migration this build knows; readiness compares the database against it. */
export const LATEST_MIGRATION = Object.keys(MIGRATIONS).sort().at(-1)!;

export async function migrateToLatest(db: Kysely<DB>): Promise<{ applied: string[] }> {
  // Kysely's own lock is taken after it creates its bookkeeping tables, which races between two starting
  // processes; a session advisory lock on one pinned connection serialises the whole run.
  return db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
    try {
      const migrator = new Migrator({ db: conn, provider });
      const { error, results } = await migrator.migrateToLatest();
      if (error) throw error instanceof Error ? error : new Error(String(error));
      return { applied: (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName) };
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn);
    }
  });
}

/** True when the newest known migration has been applied. Throws if the database cannot be reached. */
export async function isMigrated(db: Kysely<DB>): Promise<boolean> {
  const exists = await sql<{
    present: boolean;
  }>`SELECT to_regclass('kysely_migration') IS NOT NULL AS present`.execute(db);
  if (!exists.rows[0]?.present) return false;
  const row = await sql<{
    n: number;
  }>`SELECT count(*)::int8 AS n FROM kysely_migration WHERE name = ${LATEST_MIGRATION}`.execute(db);
  return (row.rows[0]?.n ?? 0) > 0;
}
