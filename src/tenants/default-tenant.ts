/**
 * @module The `default` tenant, created on first start from HERMES_PRE_UPSTREAM_URL / HERMES_POST_UPSTREAM_URL.
 */
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.js";
import { findTenantById, updateTenant } from "./tenants.repository.js";

export const DEFAULT_TENANT_ID = "default";

export type DefaultTenantUrls = { preUpstreamUrl: string | undefined; postUpstreamUrl: string | undefined };

/**
 * Creates the default tenant if missing. On later starts a variable that is set wins over the stored value, so an
 * operator who changes it in Portainer and redeploys gets the new upstream; an unset variable leaves the row alone.
 */
export async function ensureDefaultTenant(
  db: Kysely<DB>,
  urls: DefaultTenantUrls,
): Promise<{ created: boolean; updated: string[] }> {
  return db.transaction().execute(async (tx) => {
    const existing = await findTenantById(tx, DEFAULT_TENANT_ID);
    if (!existing) {
      await tx
        .insertInto("tenants")
        .values({
          id: DEFAULT_TENANT_ID,
          name: "Default",
          pre_upstream_url: urls.preUpstreamUrl ?? null,
          post_upstream_url: urls.postUpstreamUrl ?? null,
          updated_at: new Date(),
        })
        // Two instances starting at once: the second one's insert is a no-op.
        .onConflict((oc) => oc.column("id").doNothing())
        .execute();
      return { created: true, updated: [] };
    }
    const changes: { pre_upstream_url?: string; post_upstream_url?: string } = {};
    if (urls.preUpstreamUrl && urls.preUpstreamUrl !== existing.pre_upstream_url)
      changes.pre_upstream_url = urls.preUpstreamUrl;
    if (urls.postUpstreamUrl && urls.postUpstreamUrl !== existing.post_upstream_url)
      changes.post_upstream_url = urls.postUpstreamUrl;
    if (Object.keys(changes).length > 0) await updateTenant(tx, DEFAULT_TENANT_ID, changes);
    return { created: false, updated: Object.keys(changes) };
  });
}
