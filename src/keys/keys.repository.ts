/**
 * @module API user and key queries. Plain functions; the service owns transactions.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { Selectable } from "kysely";
import type { ApiUserRow, ApiUserUpdate, DB, KeyRotationRequestsTable, NewApiUserRow } from "../db/schema.js";
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
  row: {
    key_digest: string;
    api_user_id: string;
    reason: "rotated" | "revoked";
    key_prefix: string;
    grace_until?: Date | null;
  },
): Promise<void> {
  await db
    .insertInto("retired_keys")
    .values({ ...row, retired_at: new Date() })
    .onConflict((oc) => oc.column("key_digest").doNothing())
    .execute();
}

/**
 * What a key digest currently means: a live (or revoked) user, a key retired by rotation, or nothing. A rotated key
 * in its grace period is still its user, until `graceUntil`.
 */
export type KeyLookup =
  | { kind: "user"; user: ApiUserRow; graceUntil: Date | null }
  | { kind: "retired"; reason: "rotated" | "revoked"; apiUserId: string }
  | { kind: "unknown" };

export async function findKeyByDigest(db: Db, digest: string): Promise<KeyLookup> {
  const user = await db
    .selectFrom("api_users")
    .selectAll()
    .where("key_digest", "=", digest)
    .executeTakeFirst();
  if (user) return { kind: "user", user, graceUntil: null };
  const retired = await db
    .selectFrom("retired_keys")
    .select(["reason", "api_user_id", "grace_until"])
    .where("key_digest", "=", digest)
    .executeTakeFirst();
  if (retired?.reason === "rotated" && retired.grace_until && retired.grace_until.getTime() > Date.now()) {
    const owner = await findApiUserById(db, retired.api_user_id);
    if (owner) return { kind: "user", user: owner, graceUntil: retired.grace_until };
  }
  return retired
    ? { kind: "retired", reason: retired.reason, apiUserId: retired.api_user_id }
    : { kind: "unknown" };
}

/** Tells every instance's key cache to drop this user; delivered when the transaction commits. */
export async function notifyApiUserChanged(db: Db, apiUserId: string): Promise<void> {
  await sql`SELECT pg_notify(${CHANNELS.apiUserChanged}, ${apiUserId})`.execute(db);
}

export type RotationRequestRow = Selectable<KeyRotationRequestsTable>;

export async function findRotationRequest(
  db: Db,
  apiUserId: string,
  idempotencyDigest: string,
): Promise<RotationRequestRow | undefined> {
  return db
    .selectFrom("key_rotation_requests")
    .selectAll()
    .where("api_user_id", "=", apiUserId)
    .where("idempotency_digest", "=", idempotencyDigest)
    .where("expires_at", ">", new Date())
    .executeTakeFirst();
}

export async function insertRotationRequest(
  db: Db,
  row: Omit<RotationRequestRow, "created_at">,
): Promise<void> {
  await db
    .insertInto("key_rotation_requests")
    .values(row)
    .onConflict((oc) =>
      oc.columns(["api_user_id", "idempotency_digest"]).doUpdateSet({
        request_digest: row.request_digest,
        new_key_digest: row.new_key_digest,
        new_key_sealed: row.new_key_sealed,
        expires_at: row.expires_at,
      }),
    )
    .execute();
}

export async function deleteExpiredRotationRequests(db: Db): Promise<void> {
  await db.deleteFrom("key_rotation_requests").where("expires_at", "<=", new Date()).execute();
}
