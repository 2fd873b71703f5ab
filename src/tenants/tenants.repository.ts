/**
 * @module Tenant queries. Plain functions over Kysely; the service owns transactions.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import { CHANNELS } from "../db/notifications.js";
import type { DB, NewTenantRow, TenantRow, TenantUpdate } from "../db/schema.js";

type Db = Kysely<DB> | Transaction<DB>;

export async function findTenantById(db: Db, id: string): Promise<TenantRow | undefined> {
  return db.selectFrom("tenants").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Undefined when the id is taken (also by a concurrent insert that committed first). */
export async function insertTenant(db: Db, row: NewTenantRow): Promise<TenantRow | undefined> {
  return db
    .insertInto("tenants")
    .values(row)
    .onConflict((oc) => oc.column("id").doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateTenant(
  db: Db,
  id: string,
  changes: TenantUpdate,
): Promise<TenantRow | undefined> {
  return db
    .updateTable("tenants")
    .set({ ...changes, updated_at: new Date() })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
}

/** Locks the row for the rest of the transaction, so concurrent updates and deletes serialise. */
export async function lockTenantById(tx: Transaction<DB>, id: string): Promise<TenantRow | undefined> {
  return tx.selectFrom("tenants").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function listTenants(db: Db): Promise<TenantRow[]> {
  return db.selectFrom("tenants").selectAll().orderBy("created_at", "asc").orderBy("id", "asc").execute();
}

export async function deleteTenantRow(db: Db, id: string): Promise<boolean> {
  const res = await db.deleteFrom("tenants").where("id", "=", id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function countApiUsersOfTenant(db: Db, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom("api_users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("tenant_id", "=", tenantId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** API users per tenant and the tokens they used in `month` (`YYYY-MM-01`); tenants without users are absent. */
export async function selectTenantStats(
  db: Db,
  tenantIds: readonly string[],
  month: string,
): Promise<Map<string, { apiUsers: number; tokensUsed: number }>> {
  if (tenantIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("api_users as a")
    .leftJoin("usage_monthly as m", (join) =>
      join.onRef("m.api_user_id", "=", "a.id").on("m.month", "=", month),
    )
    .select([
      "a.tenant_id",
      (eb) => eb.fn.countAll<number>().as("api_users"),
      sql<number>`COALESCE(sum(m.tokens_used), 0)::int8`.as("tokens_used"),
    ])
    .where("a.tenant_id", "in", [...tenantIds])
    .groupBy("a.tenant_id")
    .execute();
  return new Map(
    rows.map((r) => [r.tenant_id, { apiUsers: Number(r.api_users), tokensUsed: Number(r.tokens_used) }]),
  );
}

/** Tells every instance's tenant cache to drop this tenant; delivered when the transaction commits. */
export async function notifyTenantChanged(db: Db, tenantId: string): Promise<void> {
  await sql`SELECT pg_notify(${CHANNELS.tenantChanged}, ${tenantId})`.execute(db);
}
