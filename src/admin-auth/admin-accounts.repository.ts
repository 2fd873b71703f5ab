/**
 * @module Admin account rows. Usernames compare case-insensitively (a unique index on lower(username)).
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { AdminRole, DB } from "../db/schema.js";

type Db = Kysely<DB> | Transaction<DB>;

export type AdminAccountRow = {
  id: string;
  username: string;
  role: AdminRole;
  status: "active" | "disabled";
  kind: "local" | "sso" | "env";
  password_hash: string | null;
  sso_issuer: string | null;
  sso_subject: string | null;
  created_at: Date;
  updated_at: Date;
  last_login_at: Date | null;
};

export async function findAccountByUsername(db: Db, username: string): Promise<AdminAccountRow | undefined> {
  return db
    .selectFrom("admin_accounts")
    .selectAll()
    .where(sql<string>`lower(username)`, "=", username.toLowerCase())
    .executeTakeFirst();
}

export async function findAccountById(db: Db, id: string): Promise<AdminAccountRow | undefined> {
  return db.selectFrom("admin_accounts").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findEnvAccount(db: Db): Promise<AdminAccountRow | undefined> {
  return db.selectFrom("admin_accounts").selectAll().where("kind", "=", "env").executeTakeFirst();
}

export async function findSsoAccount(
  db: Db,
  issuer: string,
  subject: string,
): Promise<AdminAccountRow | undefined> {
  return db
    .selectFrom("admin_accounts")
    .selectAll()
    .where("sso_issuer", "=", issuer)
    .where("sso_subject", "=", subject)
    .executeTakeFirst();
}

/** Serialises changes that must keep at least one active owner. */
export async function lockAccounts(tx: Transaction<DB>): Promise<AdminAccountRow[]> {
  return tx.selectFrom("admin_accounts").selectAll().orderBy("created_at").forUpdate().execute();
}

export async function listAccounts(db: Db): Promise<AdminAccountRow[]> {
  return db.selectFrom("admin_accounts").selectAll().orderBy("created_at").orderBy("id").execute();
}

export async function insertAccount(
  db: Db,
  row: Pick<AdminAccountRow, "id" | "username" | "role" | "kind" | "password_hash"> &
    Partial<Pick<AdminAccountRow, "sso_issuer" | "sso_subject" | "status">>,
): Promise<AdminAccountRow> {
  return db
    .insertInto("admin_accounts")
    .values({ ...row, updated_at: new Date() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateAccount(
  db: Db,
  id: string,
  changes: Partial<
    Pick<
      AdminAccountRow,
      "username" | "role" | "status" | "password_hash" | "last_login_at" | "sso_issuer" | "sso_subject"
    >
  >,
): Promise<AdminAccountRow> {
  return db
    .updateTable("admin_accounts")
    .set({ ...changes, updated_at: new Date() })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteAccount(db: Db, id: string): Promise<void> {
  await db.deleteFrom("admin_accounts").where("id", "=", id).execute();
}

/** Ends an account's sessions, except `keepDigest` (the one making the change). */
export async function deleteSessionsOf(db: Db, adminId: string, keepDigest?: string): Promise<number> {
  let q = db.deleteFrom("admin_sessions").where("admin_id", "=", adminId);
  if (keepDigest) q = q.where("token_digest", "!=", keepDigest);
  const res = await q.executeTakeFirst();
  return Number(res.numDeletedRows);
}
