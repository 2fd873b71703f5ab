/**
 * @module API users and their keys: create, rotate, revoke, update, delete. Each change commits together with its
 * admin-trail record and a cache-invalidation notice. The plaintext key exists only in the create/rotate result.
 */
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { insertAdminEvent, type Actor } from "../admin-events/admin-events.repository.js";
import type { Gateway } from "../config/config.js";
import type { ApiUserRow, DB } from "../db/schema.js";
import { AppError } from "../errors/app-error.js";
import { findTenantById } from "../tenants/tenants.repository.js";
import { digestApiKey, displayPrefix, generateApiKey } from "./key-format.js";
import { digestText, REPLAY_TTL_MS, replayedKey, sealNewKey } from "./rotation-replay.js";
import {
  deleteApiUserRow,
  deleteExpiredRotationRequests,
  findRotationRequest,
  insertRotationRequest,
  findApiUserById,
  insertApiUser,
  insertRetiredKey,
  lockApiUserById,
  notifyApiUserChanged,
  updateApiUserRow,
} from "./keys.repository.js";

export type KeysContext = {
  db: Kysely<DB>;
  keyPepper: string | undefined;
  /** Seals a rotated key for Idempotency-Key retries (rotation-replay.ts); optional. */
  secretKey?: Buffer | undefined;
};

export type ApiUser = {
  id: string;
  name: string;
  tenantId: string;
  gateways: Gateway[];
  rpmLimit: number | null;
  monthlyTokenCap: number | null;
  status: "active" | "revoked";
  keyPrefix: string;
  createdAt: Date;
  updatedAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  lastRotatedAt: Date | null;
};

export type NewApiUserInput = {
  name: string;
  tenantId: string;
  gateways: Gateway[];
  rpmLimit: number | null;
  monthlyTokenCap: number | null;
};

export type ApiUserChanges = Partial<
  Pick<NewApiUserInput, "name" | "gateways" | "rpmLimit" | "monthlyTokenCap">
>;

export type IssuedKey = { apiUser: ApiUser; apiKey: string };

export function apiUserRowToApiUser(row: ApiUserRow): ApiUser {
  return {
    id: row.id,
    name: row.name,
    tenantId: row.tenant_id,
    gateways: [...row.gateways].sort() as Gateway[],
    rpmLimit: row.rpm_limit,
    monthlyTokenCap: row.monthly_token_cap,
    status: row.status,
    keyPrefix: row.key_prefix,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    lastRotatedAt: row.last_rotated_at,
  };
}

function newApiUserId(): string {
  return `usr_${randomBytes(9).toString("base64url")}`;
}

/** Never repeats the id: it is whatever the client put in the path. */
function notFound(): AppError {
  return new AppError("not_found", "No API user with this id.");
}

/** The fields of a user that an admin diff may show: never the key or its digest. */
function publicFields(u: ApiUser) {
  return {
    name: u.name,
    tenant_id: u.tenantId,
    gateways: u.gateways,
    rpm_limit: u.rpmLimit,
    monthly_token_cap: u.monthlyTokenCap,
    status: u.status,
    key_prefix: u.keyPrefix,
  };
}

export async function createApiUser(
  ctx: KeysContext,
  input: NewApiUserInput,
  actor: Actor,
): Promise<IssuedKey> {
  const apiKey = generateApiKey();
  const apiUser = await ctx.db.transaction().execute(async (tx) => {
    if (!(await findTenantById(tx, input.tenantId))) {
      throw new AppError("invalid_request", "tenant_id: no tenant with this id", { param: "tenant_id" });
    }
    const row = await insertApiUser(tx, {
      id: newApiUserId(),
      name: input.name,
      tenant_id: input.tenantId,
      gateways: [...new Set(input.gateways)],
      rpm_limit: input.rpmLimit,
      monthly_token_cap: input.monthlyTokenCap,
      status: "active",
      key_digest: digestApiKey(apiKey, ctx.keyPepper),
      key_prefix: displayPrefix(apiKey),
      updated_at: new Date(),
    });
    const user = apiUserRowToApiUser(row);
    await insertAdminEvent(tx, actor, {
      action: "api_user.create",
      targetType: "api_user",
      targetId: user.id,
      diff: { after: publicFields(user) },
    });
    return user;
  });
  return { apiUser, apiKey };
}

export type RotateOptions = {
  /** The old key keeps working this long (same user, limits and counter); 0 = it stops at once. */
  graceSeconds: number;
  /** A retry with the same value answers with the same new key instead of rotating again. */
  idempotencyKey?: string;
};

export type RotatedKey = IssuedKey & { graceUntil: Date | null; replayed: boolean };

/**
 * Issues a new key. The old one is retired: at once (410 `key_rotated` from then on) or after the grace period,
 * during which it is still the same API user. Revocation ends it with the user's other keys.
 */
export async function rotateApiKey(
  ctx: KeysContext,
  id: string,
  actor: Actor,
  options: RotateOptions = { graceSeconds: 0 },
): Promise<RotatedKey> {
  const apiKey = generateApiKey();
  const idem = options.idempotencyKey === undefined ? null : digestText(options.idempotencyKey);
  const request = digestText(JSON.stringify({ grace_seconds: options.graceSeconds }));
  const binding = `${id}:${idem}`;
  return ctx.db.transaction().execute(async (tx) => {
    const row = await lockApiUserById(tx, id);
    if (!row) throw notFound();
    if (idem !== null) {
      await deleteExpiredRotationRequests(tx);
      const earlier = await findRotationRequest(tx, id, idem);
      if (earlier) {
        const replayed = replayedKey(row.key_digest, earlier, request, binding, ctx);
        return { apiUser: apiUserRowToApiUser(row), apiKey: replayed, graceUntil: null, replayed: true };
      }
    }
    if (row.status === "revoked") {
      throw new AppError("conflict", "A revoked API user cannot be rotated; create a new one.");
    }
    const graceUntil = options.graceSeconds > 0 ? new Date(Date.now() + options.graceSeconds * 1000) : null;
    await insertRetiredKey(tx, {
      key_digest: row.key_digest,
      api_user_id: row.id,
      reason: "rotated",
      key_prefix: row.key_prefix,
      grace_until: graceUntil,
    });
    const newDigest = digestApiKey(apiKey, ctx.keyPepper);
    const updated = await updateApiUserRow(tx, id, {
      key_digest: newDigest,
      key_prefix: displayPrefix(apiKey),
      last_rotated_at: new Date(),
    });
    if (idem !== null) {
      await insertRotationRequest(tx, {
        api_user_id: id,
        idempotency_digest: idem,
        request_digest: request,
        new_key_digest: newDigest,
        new_key_sealed: sealNewKey(apiKey, ctx.secretKey, binding),
        expires_at: new Date(Date.now() + REPLAY_TTL_MS),
      });
    }
    await insertAdminEvent(tx, actor, {
      action: "api_user.rotate",
      targetType: "api_user",
      targetId: id,
      diff: {
        before: { key_prefix: row.key_prefix },
        after: { key_prefix: updated.key_prefix },
        grace_seconds: options.graceSeconds,
        old_key_valid_until: graceUntil?.toISOString() ?? null,
      },
    });
    await notifyApiUserChanged(tx, id);
    return { apiUser: apiUserRowToApiUser(updated), apiKey, graceUntil, replayed: false };
  });
}

/** Keeps the record; its key answers 410 `key_revoked`. Revoking twice is a no-op. */
export async function revokeApiUser(ctx: KeysContext, id: string, actor: Actor): Promise<ApiUser> {
  return ctx.db.transaction().execute(async (tx) => {
    const row = await lockApiUserById(tx, id);
    if (!row) throw notFound();
    if (row.status === "revoked") return apiUserRowToApiUser(row);
    const updated = await updateApiUserRow(tx, id, { status: "revoked", revoked_at: new Date() });
    await insertAdminEvent(tx, actor, {
      action: "api_user.revoke",
      targetType: "api_user",
      targetId: id,
      diff: { before: { status: row.status }, after: { status: "revoked" } },
    });
    await notifyApiUserChanged(tx, id);
    return apiUserRowToApiUser(updated);
  });
}

export async function updateApiUser(
  ctx: KeysContext,
  id: string,
  changes: ApiUserChanges,
  actor: Actor,
): Promise<ApiUser> {
  return ctx.db.transaction().execute(async (tx) => {
    const row = await lockApiUserById(tx, id);
    if (!row) throw notFound();
    const before = apiUserRowToApiUser(row);
    const updated = apiUserRowToApiUser(
      await updateApiUserRow(tx, id, {
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.gateways !== undefined ? { gateways: [...new Set(changes.gateways)] } : {}),
        ...(changes.rpmLimit !== undefined ? { rpm_limit: changes.rpmLimit } : {}),
        ...(changes.monthlyTokenCap !== undefined ? { monthly_token_cap: changes.monthlyTokenCap } : {}),
      }),
    );
    const b = publicFields(before);
    const a = publicFields(updated);
    const changed = (Object.keys(a) as (keyof typeof a)[]).filter(
      (k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]),
    );
    if (changed.length > 0) {
      await insertAdminEvent(tx, actor, {
        action: "api_user.update",
        targetType: "api_user",
        targetId: id,
        diff: {
          before: Object.fromEntries(changed.map((k) => [k, b[k]])),
          after: Object.fromEntries(changed.map((k) => [k, a[k]])),
        },
      });
      await notifyApiUserChanged(tx, id);
    }
    return updated;
  });
}

/** Removes the user, its key and retired keys (they then answer 401); audit records stay. */
export async function deleteApiUser(ctx: KeysContext, id: string, actor: Actor): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const row = await lockApiUserById(tx, id);
    if (!row) throw notFound();
    await deleteApiUserRow(tx, id);
    await insertAdminEvent(tx, actor, {
      action: "api_user.delete",
      targetType: "api_user",
      targetId: id,
      diff: { before: publicFields(apiUserRowToApiUser(row)) },
    });
    await notifyApiUserChanged(tx, id);
  });
}

export async function getApiUser(ctx: KeysContext, id: string): Promise<ApiUser> {
  const row = await findApiUserById(ctx.db, id);
  if (!row) throw notFound();
  return apiUserRowToApiUser(row);
}
