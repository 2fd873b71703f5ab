/**
 * @module Tenants: list, get, create, update, delete. Each change commits together with its action-trail record and
 * a `tenantChanged` notice for every instance's cache. The upstream credential is write-only: it is stored
 * encrypted and only its presence and fingerprint ever come back out.
 */
import type { Kysely } from "kysely";
import { insertAdminEvent, type Actor } from "../admin-events/admin-events.repository.js";
import type { DB, TenantRow, TenantUpdate } from "../db/schema.js";
import { AppError } from "../errors/app-error.js";
import { validateHermesHome } from "../hermes/hermes-home.js";
import { monthOf } from "../usage/usage-period.js";
import { DEFAULT_TENANT_ID } from "./default-tenant.js";
import {
  countApiUsersOfTenant,
  deleteTenantRow,
  findTenantById,
  insertTenant,
  listTenants as listTenantRows,
  lockTenantById,
  notifyTenantChanged,
  selectTenantStats,
  updateTenant as updateTenantRow,
} from "./tenants.repository.js";
import { encryptUpstreamSecret, fingerprintUpstreamSecret } from "./upstream-secret.js";

export type TenantsContext = {
  db: Kysely<DB>;
  secretKey: Buffer | undefined;
  /** HERMES_STATE_ROOTS: a `hermes_home` must lie inside one of them. Absent: none can be set. */
  hermesRoots?: readonly string[];
};

export type Tenant = {
  id: string;
  name: string;
  preUpstreamUrl: string | null;
  postUpstreamUrl: string | null;
  hasUpstreamApiKey: boolean;
  upstreamApiKeyFingerprint: string | null;
  /** The tenant's Hermes home; null = none (the default tenant then reads HERMES_HOME). */
  hermesHome: string | null;
  createdAt: Date;
  updatedAt: Date;
};

/** A tenant with how many API users it has and the tokens they used this UTC month. */
export type TenantWithStats = Tenant & { apiUsersCount: number; tokensThisMonth: number };

export type NewTenantInput = {
  id: string;
  name: string;
  preUpstreamUrl: string | null;
  postUpstreamUrl: string | null;
  /** Plaintext, from the admin; null = none. */
  upstreamApiKey: string | null;
  /** Absolute path inside HERMES_STATE_ROOTS; null or absent = none. */
  hermesHome?: string | null;
};

export type TenantChanges = Partial<Omit<NewTenantInput, "id">>;

export function tenantRowToTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    name: row.name,
    preUpstreamUrl: row.pre_upstream_url,
    postUpstreamUrl: row.post_upstream_url,
    hasUpstreamApiKey: row.upstream_api_key !== null,
    upstreamApiKeyFingerprint: row.upstream_api_key !== null ? row.upstream_api_key_fingerprint : null,
    hermesHome: row.hermes_home ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What the action trail may show of a tenant: the credential only as presence and fingerprint. */
function publicFields(t: Tenant) {
  return {
    name: t.name,
    pre_upstream_url: t.preUpstreamUrl,
    post_upstream_url: t.postUpstreamUrl,
    has_upstream_api_key: t.hasUpstreamApiKey,
    upstream_api_key_fingerprint: t.upstreamApiKeyFingerprint,
    hermes_home: t.hermesHome,
  };
}

/** Checks a `hermes_home` against the roots (null clears it); undefined stays undefined (no change). */
async function checkedHermesHome(
  ctx: TenantsContext,
  value: string | null | undefined,
): Promise<string | null | undefined> {
  if (value === undefined || value === null) return value;
  return validateHermesHome(ctx.hermesRoots ?? [], value);
}

/** Never repeats the id: it is whatever the client put in the path. */
export function tenantNotFound(): AppError {
  return new AppError("not_found", "No tenant with this id.");
}

function credentialColumns(plain: string | null, secretKey: Buffer | undefined) {
  return plain === null
    ? { upstream_api_key: null, upstream_api_key_fingerprint: null }
    : {
        upstream_api_key: encryptUpstreamSecret(plain, secretKey),
        upstream_api_key_fingerprint: fingerprintUpstreamSecret(plain),
      };
}

export async function listTenants(ctx: TenantsContext): Promise<Tenant[]> {
  return (await listTenantRows(ctx.db)).map(tenantRowToTenant);
}

/** Adds each tenant's users count and this month's tokens (one query for any number of tenants). */
export async function withTenantStats(
  ctx: TenantsContext,
  tenants: readonly Tenant[],
  now = new Date(),
): Promise<TenantWithStats[]> {
  const stats = await selectTenantStats(
    ctx.db,
    tenants.map((t) => t.id),
    monthOf(now),
  );
  return tenants.map((t) => {
    const s = stats.get(t.id);
    return { ...t, apiUsersCount: s?.apiUsers ?? 0, tokensThisMonth: s?.tokensUsed ?? 0 };
  });
}

export async function getTenant(ctx: TenantsContext, id: string): Promise<Tenant> {
  const row = await findTenantById(ctx.db, id);
  if (!row) throw tenantNotFound();
  return tenantRowToTenant(row);
}

export async function createTenant(
  ctx: TenantsContext,
  input: NewTenantInput,
  actor: Actor,
): Promise<Tenant> {
  const hermesHome = (await checkedHermesHome(ctx, input.hermesHome)) ?? null;
  return ctx.db.transaction().execute(async (tx) => {
    const row = await insertTenant(tx, {
      id: input.id,
      name: input.name,
      pre_upstream_url: input.preUpstreamUrl,
      post_upstream_url: input.postUpstreamUrl,
      ...credentialColumns(input.upstreamApiKey, ctx.secretKey),
      hermes_home: hermesHome,
      updated_at: new Date(),
    });
    if (!row) {
      throw new AppError("conflict", "A tenant with this id already exists.", { param: "id" });
    }
    const tenant = tenantRowToTenant(row);
    await insertAdminEvent(tx, actor, {
      action: "tenant.create",
      targetType: "tenant",
      targetId: tenant.id,
      diff: { after: publicFields(tenant) },
    });
    await notifyTenantChanged(tx, tenant.id);
    return tenant;
  });
}

export async function updateTenant(
  ctx: TenantsContext,
  id: string,
  changes: TenantChanges,
  actor: Actor,
): Promise<Tenant> {
  const hermesHome = await checkedHermesHome(ctx, changes.hermesHome);
  return ctx.db.transaction().execute(async (tx) => {
    const row = await lockTenantById(tx, id);
    if (!row) throw tenantNotFound();
    const update: TenantUpdate = {
      ...(hermesHome !== undefined ? { hermes_home: hermesHome } : {}),
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.preUpstreamUrl !== undefined ? { pre_upstream_url: changes.preUpstreamUrl } : {}),
      ...(changes.postUpstreamUrl !== undefined ? { post_upstream_url: changes.postUpstreamUrl } : {}),
      ...(changes.upstreamApiKey !== undefined
        ? credentialColumns(changes.upstreamApiKey, ctx.secretKey)
        : {}),
    };
    const before = tenantRowToTenant(row);
    const updatedRow = Object.keys(update).length > 0 ? await updateTenantRow(tx, id, update) : row;
    const after = tenantRowToTenant(updatedRow!);
    const b = publicFields(before);
    const a = publicFields(after);
    const changed = (Object.keys(a) as (keyof typeof a)[]).filter((k) => a[k] !== b[k]);
    // Re-setting the same credential yields the same fingerprint but is still a change worth recording.
    if (changes.upstreamApiKey !== undefined && !changed.includes("upstream_api_key_fingerprint")) {
      changed.push("upstream_api_key_fingerprint");
    }
    if (changed.length > 0) {
      await insertAdminEvent(tx, actor, {
        action: "tenant.update",
        targetType: "tenant",
        targetId: id,
        diff: {
          before: Object.fromEntries(changed.map((k) => [k, b[k]])),
          after: Object.fromEntries(changed.map((k) => [k, a[k]])),
        },
      });
      await notifyTenantChanged(tx, id);
    }
    return after;
  });
}

/** Refuses while API users still belong to the tenant, and for the default tenant (recreated at every start). */
export async function deleteTenant(ctx: TenantsContext, id: string, actor: Actor): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const row = await lockTenantById(tx, id);
    if (!row) throw tenantNotFound();
    if (id === DEFAULT_TENANT_ID) {
      throw new AppError("conflict", "The default tenant cannot be deleted; change its upstreams instead.");
    }
    const users = await countApiUsersOfTenant(tx, id);
    if (users > 0) {
      throw new AppError(
        "conflict",
        `Tenant '${id}' still has ${users} API user${users === 1 ? "" : "s"}; delete them first.`,
      );
    }
    await deleteTenantRow(tx, id);
    await insertAdminEvent(tx, actor, {
      action: "tenant.delete",
      targetType: "tenant",
      targetId: id,
      diff: { before: publicFields(tenantRowToTenant(row)) },
    });
    await notifyTenantChanged(tx, id);
  });
}
