/**
 * @module Audit bodies compressed with lz4 instead of PostgreSQL's default pglz, where the server has lz4 (the
 * PostgreSQL images of the compose file do; PGlite does not and keeps pglz). A 4 KB audit row is toasted and its
 * bodies compressed on every insert: with pglz that was about a third of the database's CPU per record, with lz4
 * (same size on disk for chat text) it costs ~13 µs less per record here (bench/ and the closing note of issue 5).
 * Applies to rows written from now on; rows already stored stay readable as they are.
 */
import { sql, type Kysely } from "kysely";

const hasLz4 = sql<{ lz4: boolean }>`
  SELECT 'lz4' = ANY (enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`;

async function setBodyCompression(db: Kysely<unknown>, method: "lz4" | "pglz"): Promise<void> {
  const row = (await hasLz4.execute(db)).rows[0];
  if (!row?.lz4) return;
  // The parent's setting reaches partitions created later, not those that exist: each is altered too (a catalog
  // change, no rewrite).
  const partitions = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'audit_log'::regclass ORDER BY c.relname`.execute(db);
  for (const table of ["audit_log", ...partitions.rows.map((p) => p.name)]) {
    await sql`
      ALTER TABLE ${sql.id(table)}
        ALTER COLUMN request_body SET COMPRESSION ${sql.raw(method)},
        ALTER COLUMN response_body SET COMPRESSION ${sql.raw(method)}`.execute(db);
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await setBodyCompression(db, "lz4");
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await setBodyCompression(db, "pglz");
}
