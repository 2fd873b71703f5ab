/**
 * @module Tenant queries. Plain functions over Kysely; the service owns transactions.
 */
import type { Kysely, Transaction } from "kysely";
import type { DB, NewTenantRow, TenantRow, TenantUpdate } from "../db/schema.js";

type Db = Kysely<DB> | Transaction<DB>;

export async function findTenantById(db: Db, id: string): Promise<TenantRow | undefined> {
  return db.selectFrom("tenants").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertTenant(db: Db, row: NewTenantRow): Promise<TenantRow> {
  return db.insertInto("tenants").values(row).returningAll().executeTakeFirstOrThrow();
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
