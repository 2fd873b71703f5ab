/**
 * @module Admin session rows: only the SHA-256 digest of a session token is stored, with its expiry.
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../db/schema.js";

type Db = Kysely<DB> | Transaction<DB>;

export type SessionRow = { username: string; expiresAt: Date; createdAt: Date };

export async function insertSession(
  db: Db,
  row: {
    tokenDigest: string;
    username: string;
    expiresAt: Date;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<void> {
  await db
    .insertInto("admin_sessions")
    .values({
      token_digest: row.tokenDigest,
      username: row.username,
      expires_at: row.expiresAt,
      ip: row.ip,
      user_agent: row.userAgent,
    })
    .execute();
}

/** Only unexpired sessions count; an expired row is as good as gone even before the purge removes it. */
export async function findLiveSession(db: Db, tokenDigest: string): Promise<SessionRow | undefined> {
  const row = await db
    .selectFrom("admin_sessions")
    .select(["username", "expires_at", "created_at"])
    .where("token_digest", "=", tokenDigest)
    .where("expires_at", ">", new Date())
    .executeTakeFirst();
  return row ? { username: row.username, expiresAt: row.expires_at, createdAt: row.created_at } : undefined;
}

export async function deleteSession(db: Db, tokenDigest: string): Promise<boolean> {
  const res = await db
    .deleteFrom("admin_sessions")
    .where("token_digest", "=", tokenDigest)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function deleteExpiredSessions(db: Db, now = new Date()): Promise<number> {
  const res = await db.deleteFrom("admin_sessions").where("expires_at", "<=", now).executeTakeFirst();
  return Number(res.numDeletedRows);
}
