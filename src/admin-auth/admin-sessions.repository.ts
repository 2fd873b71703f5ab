/**
 * @module Admin session rows: only the SHA-256 digest of a session token is stored, with its expiry.
 */
import type { Kysely, Transaction } from "kysely";
import type { AdminRole, DB } from "../db/schema.js";

type Db = Kysely<DB> | Transaction<DB>;

export type SessionRow = {
  adminId: string;
  username: string;
  role: AdminRole;
  kind: "local" | "sso" | "env";
  status: "active" | "disabled";
  expiresAt: Date;
  createdAt: Date;
};

export async function insertSession(
  db: Db,
  row: {
    tokenDigest: string;
    username: string;
    adminId: string;
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
      admin_id: row.adminId,
      expires_at: row.expiresAt,
      ip: row.ip,
      user_agent: row.userAgent,
    })
    .execute();
}

/** Only unexpired sessions count; an expired row is as good as gone even before the purge removes it. */
export async function findLiveSession(db: Db, tokenDigest: string): Promise<SessionRow | undefined> {
  const row = await db
    .selectFrom("admin_sessions as s")
    .innerJoin("admin_accounts as a", "a.id", "s.admin_id")
    .select(["a.id", "a.username", "a.role", "a.kind", "a.status", "s.expires_at", "s.created_at"])
    .where("s.token_digest", "=", tokenDigest)
    .where("s.expires_at", ">", new Date())
    .executeTakeFirst();
  return row
    ? {
        adminId: row.id,
        username: row.username,
        role: row.role,
        kind: row.kind,
        status: row.status,
        expiresAt: row.expires_at,
        createdAt: row.created_at,
      }
    : undefined;
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
