/**
 * @module The API user as the admin API shows it (snake_case, with this month's usage), and the request schemas.
 */
import { z } from "zod";
import type { Deps } from "../../../app/create-deps.js";
import type { ApiUser } from "../../../keys/keys.service.js";
import { monthKey, monthUsageByUser, type MonthUsage } from "../../../usage/usage-report.js";
import { displayName } from "../fields.js";

export type ApiUserResponse = {
  id: string;
  name: string;
  tenant_id: string;
  gateways: ("pre" | "post")[];
  rpm_limit: number | null;
  monthly_token_cap: number | null;
  status: "active" | "revoked";
  key_prefix: string;
  created_at: string;
  updated_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  usage: { month: string; tokens_used: number; tokens_reserved: number; requests: number };
};

/** Create and rotate: the only answers that ever carry the plaintext key. */
export type IssuedKeyResponse = { api_user: ApiUserResponse; api_key: string };

const gateways = z
  .array(z.enum(["pre", "post"], { error: 'each entry must be "pre" or "post"' }), {
    error: 'must be an array of "pre" and/or "post"',
  })
  .min(1, 'must name at least one gateway: ["pre"], ["post"] or ["pre","post"]')
  .max(2, "must name each gateway at most once")
  .refine((g) => new Set(g).size === g.length, "must name each gateway at most once");
const rpmLimit = z
  .number({ error: "must be a whole number or null" })
  .int("must be a whole number")
  .positive("must be a positive whole number (or null for unlimited)")
  .max(1_000_000, "must be at most 1000000");
const monthlyTokenCap = z
  .number({ error: "must be a whole number or null" })
  .int("must be a whole number")
  .min(0, "must not be negative (use null for unlimited)")
  .max(Number.MAX_SAFE_INTEGER, "is too large");

export const CreateApiUserRequest = z.strictObject({
  name: displayName,
  tenant_id: z.string({ error: "is required and must be a string" }).min(1, "must not be empty").max(63),
  gateways,
  rpm_limit: rpmLimit.nullable().default(null),
  monthly_token_cap: monthlyTokenCap.nullable().default(null),
});
export type CreateApiUserRequest = z.input<typeof CreateApiUserRequest>;

export const UpdateApiUserRequest = z.strictObject({
  name: displayName.optional(),
  gateways: gateways.optional(),
  rpm_limit: rpmLimit.nullable().optional(),
  monthly_token_cap: monthlyTokenCap.nullable().optional(),
});
export type UpdateApiUserRequest = z.input<typeof UpdateApiUserRequest>;

export function apiUserToResponse(u: ApiUser, usage: MonthUsage, month: string): ApiUserResponse {
  return {
    id: u.id,
    name: u.name,
    tenant_id: u.tenantId,
    gateways: u.gateways,
    rpm_limit: u.rpmLimit,
    monthly_token_cap: u.monthlyTokenCap,
    status: u.status,
    key_prefix: u.keyPrefix,
    created_at: u.createdAt.toISOString(),
    updated_at: u.updatedAt.toISOString(),
    revoked_at: u.revokedAt?.toISOString() ?? null,
    last_used_at: u.lastUsedAt?.toISOString() ?? null,
    usage: {
      month,
      tokens_used: usage.tokensUsed,
      tokens_reserved: usage.tokensReserved,
      requests: usage.requests,
    },
  };
}

/** Shapes users with their usage of the current UTC month, in one usage query. */
export async function withUsage(deps: Deps, users: ApiUser[]): Promise<ApiUserResponse[]> {
  const month = monthKey(new Date());
  const usage = await monthUsageByUser(
    deps.database.db,
    users.map((u) => u.id),
    month,
  );
  return users.map((u) =>
    apiUserToResponse(u, usage.get(u.id) ?? { tokensUsed: 0, tokensReserved: 0, requests: 0 }, month),
  );
}
