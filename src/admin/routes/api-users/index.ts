/**
 * @module /api/admin/api-users: list, create, get, update, delete, plus rotate and revoke. Create and rotate are the
 * only answers carrying a plaintext key.
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../../../app/create-deps.js";
import { pageApiUsers, type ApiUserSortKey } from "../../../keys/api-user-list.service.js";
import * as keys from "../../../keys/keys.service.js";
import { AppError } from "../../../errors/app-error.js";
import { actorOf } from "../../middleware/session.js";
import { parseJsonBody, parseQuery } from "../../validation.js";
import {
  ApiUserListQuery,
  apiUserToResponse,
  CreateApiUserRequest,
  UpdateApiUserRequest,
  withUsage,
  type ApiUserListResponse,
  type IssuedKeyResponse,
} from "./api-user-response.js";

/** Rotate's answer: the new key, and until when the old one still works (null: it stopped at once). */
export type RotatedKeyResponse = IssuedKeyResponse & { old_key_valid_until: string | null };

/** Revoke takes no fields; an empty JSON object (or no body) is fine. */
const EmptyBody = z.strictObject({});

/** The console offers 0, 15 min, 1 h and 24 h; any whole number of seconds up to a day is accepted. */
export const RotateRequest = z.strictObject({
  grace_seconds: z
    .number({ error: "must be a number of seconds" })
    .int("must be a whole number")
    .min(0, "must be >= 0")
    .max(86_400, "must be at most 86400 (24 hours)")
    .default(0),
});
export type RotateRequest = z.input<typeof RotateRequest>;

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export function registerApiUserRoutes(app: Hono, deps: Deps): void {
  const ctx: keys.KeysContext = {
    db: deps.database.db,
    keyPepper: deps.config.secrets.keyPepper,
    secretKey: deps.config.secrets.secretKey,
  };
  const one = async (user: keys.ApiUser) => (await withUsage(deps, [user]))[0]!;

  app.get("/api/admin/api-users", async (c) => {
    const q = parseQuery(c, ApiUserListQuery);
    const descending = q.sort.startsWith("-");
    const page = await pageApiUsers(deps.database.db, {
      tenantId: q.tenant_id || undefined,
      status: q.status,
      q: q.q,
      sort: (descending ? q.sort.slice(1) : q.sort) as ApiUserSortKey,
      descending,
      page: q.page,
      limit: q.limit,
    });
    const body: ApiUserListResponse = {
      data: page.data.map(apiUserToResponse),
      total: page.total,
      page: q.page,
      limit: q.limit,
    };
    return c.json(body);
  });

  app.post("/api/admin/api-users", async (c) => {
    const body = await parseJsonBody(c, CreateApiUserRequest);
    const issued = await keys.createApiUser(
      ctx,
      {
        name: body.name,
        tenantId: body.tenant_id,
        gateways: body.gateways,
        rpmLimit: body.rpm_limit,
        monthlyTokenCap: body.monthly_token_cap,
      },
      actorOf(c),
    );
    const response: IssuedKeyResponse = { api_user: await one(issued.apiUser), api_key: issued.apiKey };
    c.header("cache-control", "no-store");
    return c.json(response, 201);
  });

  app.get("/api/admin/api-users/:id", async (c) => {
    return c.json(await one(await keys.getApiUser(ctx, c.req.param("id"))));
  });

  app.patch("/api/admin/api-users/:id", async (c) => {
    const body = await parseJsonBody(c, UpdateApiUserRequest);
    const user = await keys.updateApiUser(
      ctx,
      c.req.param("id"),
      {
        name: body.name,
        gateways: body.gateways,
        rpmLimit: body.rpm_limit,
        monthlyTokenCap: body.monthly_token_cap,
      },
      actorOf(c),
    );
    return c.json(await one(user));
  });

  app.delete("/api/admin/api-users/:id", async (c) => {
    await keys.deleteApiUser(ctx, c.req.param("id"), actorOf(c));
    return c.body(null, 204);
  });

  app.post("/api/admin/api-users/:id/rotate", async (c) => {
    const body = await parseJsonBody(c, RotateRequest);
    const idempotencyKey = c.req.header("idempotency-key");
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey))
      throw new AppError("invalid_request", "Idempotency-Key: must be 1-255 visible ASCII characters", {
        param: "Idempotency-Key",
      });
    const issued = await keys.rotateApiKey(ctx, c.req.param("id"), actorOf(c), {
      graceSeconds: body.grace_seconds,
      idempotencyKey,
    });
    const response: RotatedKeyResponse = {
      api_user: await one(issued.apiUser),
      api_key: issued.apiKey,
      old_key_valid_until: issued.graceUntil?.toISOString() ?? null,
    };
    c.header("cache-control", "no-store");
    if (issued.replayed) c.header("idempotent-replayed", "true");
    return c.json(response);
  });

  app.post("/api/admin/api-users/:id/revoke", async (c) => {
    await parseJsonBody(c, EmptyBody);
    return c.json(await one(await keys.revokeApiUser(ctx, c.req.param("id"), actorOf(c))));
  });
}
