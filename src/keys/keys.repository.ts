/**
 * @module API user and key queries. Plain functions; the service owns transactions.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { ApiUserRow, ApiUserUpdate, DB, NewApiUserRow } from "../db/schema.js";
import { CHANNELS } from "../db/notifications.js";

type Db = Kysely<DB> | Transaction<DB>;

export async function insertApiUser(db: Db, row: NewApiUserRow): Promise<ApiUserRow> {
  return db.insertInto("api_users").values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findApiUserById(db: Db, id: string): Promise<ApiUserRow | undefined> {
  return db.selectFrom("api_users").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Locks the row for the rest of the transaction, so concurrent rotate/revoke/update serialise. */
export async function lockApiUserById(tx: Transaction<DB>, id: string): Promise<ApiUserRow | undefined> {
  return tx.selectFrom("api_users").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function updateApiUserRow(db: Db, id: string, changes: ApiUserUpdate): Promise<ApiUserRow> {
  return db
    .updateTable("api_users")
    .set({ ...changes, updated_at: new Date() })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteApiUserRow(db: Db, id: string): Promise<boolean> {
  const res = await db.deleteFrom("api_users").where("id", "=", id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function insertRetiredKey(
  db: Db,
  row: { key_digest: string; api_user_id: string; reason: "rotated" | "revoked"; key_prefix: string },
): Promise<void> {
  await db
    .insertInto("retired_keys")
    .values({ ...row, retired_at: new Date() })
    .onConflict((oc) => oc.column("key_digest").doNothing())
    .execute();
}

/** What a key digest currently means: a live (or revoked) user, a key retired by rotation, or nothing. */
export type KeyLookup =
  | { kind: "user"; user: ApiUserRow }
  | { kind: "retired"; reason: "rotated" | "revoked"; apiUserId: string }
  | { kind: "unknown" };

export async function findKeyByDigest(db: Db, digest: string): Promise<KeyLookup> {
  const user = await db
    .selectFrom("api_users")
    .selectAll()
    .where("key_digest", "=", digest)
    .executeTakeFirst();
  if (user) return { kind: "user", user };
  const retired = await db
    .selectFrom("retired_keys")
    .select(["reason", "api_user_id"])
    .where("key_digest", "=", digest)
    .executeTakeFirst();
  return retired
    ? { kind: "retired", reason: retired.reason, apiUserId: retired.api_user_id }
    : { kind: "unknown" };
}

/** Tells every instance's key cache to drop this user; delivered when the transaction commits. */
export async function notifyApiUserChanged(db: Db, apiUserId: string): Promise<void> {
  await sql`SELECT pg_notify(${CHANNELS.apiUserChanged}, ${apiUserId})`.execute(db);
}
