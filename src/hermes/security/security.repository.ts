/**
 * @module What the security pane reads from the control plane's own database: a tenant's API users and upstream
 * settings, and failed admin logins from the action trail.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.js";

export async function tenantApiUsers(db: Kysely<DB>, tenantId: string) {
  return db
    .selectFrom("api_users")
    .select(["id", "name", "key_prefix", "status", "created_at", "last_used_at", "revoked_at"])
    .where("tenant_id", "=", tenantId)
    .orderBy("created_at")
    .execute();
}

export async function tenantUpstreams(db: Kysely<DB>, tenantId: string) {
  return db
    .selectFrom("tenants")
    .select(["pre_upstream_url", "post_upstream_url", "upstream_api_key"])
    .where("id", "=", tenantId)
    .executeTakeFirst();
}

export async function failedAdminLogins(
  db: Kysely<DB>,
  since: Date,
): Promise<{ count: number; last: Date | null }> {
  const row = await db
    .selectFrom("admin_events")
    .select((eb) => [eb.fn.countAll<string>().as("n"), eb.fn.max("ts").as("last")])
    .where("action", "=", "auth.login_failed")
    .where("ts", ">=", since)
    .executeTakeFirst();
  return { count: Number(row?.n ?? 0), last: row?.last ? new Date(row.last as unknown as string) : null };
}
