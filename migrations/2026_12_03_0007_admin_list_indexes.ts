/**
 * @module Indexes for the admin console's lists at scale (issue 18, Speed; bench/admin-api.ts): the API users page's
 * default order, its tenant filter, its name and key-prefix searches, the name sort and the cap filters read an index
 * instead of sorting or scanning every user; the month's usage (the cap filters, the tenants' token totals) reads one
 * month's entries instead of every month's. The audit log's pages already had theirs (migration 0001). Nothing here
 * indexes a column the gateway writes per request (api_users.last_used_at, usage_monthly's counters), so those
 * updates stay HOT (no index entries to add); the last-use and tokens sorts therefore still sort every user.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // Newest first (the default), ties by id: a page is the first entries of a backward scan.
  await sql`CREATE INDEX api_users_created_at_idx ON api_users (created_at, id)`.execute(db);
  // Replaces the tenant_id index: same lookups (the foreign key's), plus the tenant filter in list order.
  await sql`CREATE INDEX api_users_tenant_created_at_idx ON api_users (tenant_id, created_at, id)`.execute(
    db,
  );
  await sql`DROP INDEX IF EXISTS api_users_tenant_id_idx`.execute(db);
  // The search and the name sort compare lower(name) byte-wise (COLLATE "C"), so a LIKE prefix can use it.
  await sql`CREATE INDEX api_users_name_idx ON api_users ((lower(name) COLLATE "C"), id)`.execute(db);
  await sql`CREATE INDEX api_users_key_prefix_idx ON api_users ((key_prefix COLLATE "C"))`.execute(db);
  // The over_cap and near_cap filters compare only capped users with their usage: read those, not every user.
  await sql`
    CREATE INDEX api_users_capped_idx ON api_users (id) INCLUDE (monthly_token_cap)
      WHERE monthly_token_cap IS NOT NULL`.execute(db);
  // The primary key leads with the user; these read one month out of all the months kept.
  await sql`CREATE INDEX usage_monthly_month_idx ON usage_monthly (month, api_user_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS usage_monthly_month_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS api_users_capped_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS api_users_key_prefix_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS api_users_name_idx`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS api_users_tenant_id_idx ON api_users (tenant_id)`.execute(db);
  await sql`DROP INDEX IF EXISTS api_users_tenant_created_at_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS api_users_created_at_idx`.execute(db);
}
