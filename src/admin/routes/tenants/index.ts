/**
 * @module /api/admin/tenants: list, create, get, update, delete. The upstream credential is write-only: responses
 * show `has_upstream_api_key` and a fingerprint.
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../../../app/create-deps.js";
import * as tenants from "../../../tenants/tenants.service.js";
import { actorOf } from "../../middleware/session.js";
import { parseJsonBody } from "../../validation.js";
import { displayName, hermesHomePath, upstreamApiKey, upstreamUrl } from "../fields.js";

export const CreateTenantRequest = z.strictObject({
  id: z
    .string({ error: "is required and must be a string" })
    .regex(
      /^[a-z0-9][a-z0-9-]{0,62}$/,
      "must be a slug: 1-63 lowercase letters, digits or dashes, starting with a letter or digit",
    ),
  name: displayName,
  pre_upstream_url: upstreamUrl.nullable().default(null),
  post_upstream_url: upstreamUrl.nullable().default(null),
  upstream_api_key: upstreamApiKey.nullable().default(null),
  hermes_home: hermesHomePath.nullable().default(null),
});
export type CreateTenantRequest = z.input<typeof CreateTenantRequest>;

export const UpdateTenantRequest = z.strictObject({
  name: displayName.optional(),
  pre_upstream_url: upstreamUrl.nullable().optional(),
  post_upstream_url: upstreamUrl.nullable().optional(),
  upstream_api_key: upstreamApiKey.nullable().optional(),
  hermes_home: hermesHomePath.nullable().optional(),
});
export type UpdateTenantRequest = z.input<typeof UpdateTenantRequest>;

export type TenantResponse = {
  id: string;
  name: string;
  pre_upstream_url: string | null;
  post_upstream_url: string | null;
  has_upstream_api_key: boolean;
  upstream_api_key_fingerprint: string | null;
  /** Null = none; the default tenant then reads HERMES_HOME. */
  hermes_home: string | null;
  created_at: string;
  updated_at: string;
  api_users_count: number;
  /** Tokens its API users used this UTC month (as the caps count them). */
  tokens_this_month: number;
};

export type TenantListResponse = { data: TenantResponse[] };

export function tenantToResponse(t: tenants.TenantWithStats): TenantResponse {
  return {
    id: t.id,
    name: t.name,
    pre_upstream_url: t.preUpstreamUrl,
    post_upstream_url: t.postUpstreamUrl,
    has_upstream_api_key: t.hasUpstreamApiKey,
    upstream_api_key_fingerprint: t.upstreamApiKeyFingerprint,
    hermes_home: t.hermesHome,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
    api_users_count: t.apiUsersCount,
    tokens_this_month: t.tokensThisMonth,
  };
}

export function registerTenantRoutes(app: Hono, deps: Deps): void {
  const ctx: tenants.TenantsContext = {
    db: deps.database.db,
    secretKey: deps.config.secrets.secretKey,
    hermesRoots: deps.config.hermes.stateRoots,
  };
  const one = async (t: tenants.Tenant) => tenantToResponse((await tenants.withTenantStats(ctx, [t]))[0]!);

  app.get("/api/admin/tenants", async (c) => {
    const list = await tenants.withTenantStats(ctx, await tenants.listTenants(ctx));
    const body: TenantListResponse = { data: list.map(tenantToResponse) };
    return c.json(body);
  });

  app.post("/api/admin/tenants", async (c) => {
    const body = await parseJsonBody(c, CreateTenantRequest);
    const tenant = await tenants.createTenant(
      ctx,
      {
        id: body.id,
        name: body.name,
        preUpstreamUrl: body.pre_upstream_url,
        postUpstreamUrl: body.post_upstream_url,
        upstreamApiKey: body.upstream_api_key,
        hermesHome: body.hermes_home,
      },
      actorOf(c),
    );
    return c.json(await one(tenant), 201);
  });

  app.get("/api/admin/tenants/:id", async (c) => {
    return c.json(await one(await tenants.getTenant(ctx, c.req.param("id"))));
  });

  app.patch("/api/admin/tenants/:id", async (c) => {
    const body = await parseJsonBody(c, UpdateTenantRequest);
    const tenant = await tenants.updateTenant(
      ctx,
      c.req.param("id"),
      {
        name: body.name,
        preUpstreamUrl: body.pre_upstream_url,
        postUpstreamUrl: body.post_upstream_url,
        upstreamApiKey: body.upstream_api_key,
        hermesHome: body.hermes_home,
      },
      actorOf(c),
    );
    return c.json(await one(tenant));
  });

  app.delete("/api/admin/tenants/:id", async (c) => {
    await tenants.deleteTenant(ctx, c.req.param("id"), actorOf(c));
    return c.body(null, 204);
  });
}
