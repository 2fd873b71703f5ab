/**
 * @module The API user as the admin API shows it (snake_case, with this month's usage), and the request schemas.
 */
import { z } from "zod";
import type { Deps } from "../../../app/create-deps.js";
import { BADGES, type Badge } from "../../../keys/api-user-badges.js";
import { describeApiUsers, type ApiUserOverview } from "../../../keys/api-user-list.service.js";
import type { ApiUser } from "../../../keys/keys.service.js";
import { displayName } from "../fields.js";

export { BADGES };
export type { Badge };

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
  /** When the key was last rotated; null if never. */
  last_rotated_at: string | null;
  /** This UTC month's usage as the cap counts it; `reset_at` is the first instant of next month. */
  usage: { month: string; tokens_used: number; tokens_reserved: number; requests: number; reset_at: string };
  /** Most severe first; `active` unless revoked. */
  badges: Badge[];
};

/** GET /api/admin/api-users: one page of the matching users and how many match in all. */
export type ApiUserListResponse = { data: ApiUserResponse[]; total: number; page: number; limit: number };

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

const SORT_KEYS = ["created_at", "name", "last_used_at", "tokens_used"] as const;
const SORTS = [...SORT_KEYS, ...SORT_KEYS.map((k) => `-${k}` as const)] as const;
const whole = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

export const ApiUserListQuery = z.object({
  tenant_id: z.string().max(63, "must be at most 63 characters").optional(),
  status: z.enum(BADGES, { error: `must be one of ${BADGES.join(", ")}` }).optional(),
  q: z.string().max(200, "must be at most 200 characters").optional(),
  sort: z
    .enum(SORTS, { error: `must be one of ${SORT_KEYS.join(", ")}, each optionally prefixed with -` })
    .default("-created_at"),
  page: whole(1, 100_000, 1),
  limit: whole(1, 200, 50),
});
export type ApiUserListQuery = z.input<typeof ApiUserListQuery>;

export function apiUserToResponse({ user: u, usage, badges }: ApiUserOverview): ApiUserResponse {
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
    last_rotated_at: u.lastRotatedAt?.toISOString() ?? null,
    usage: {
      month: usage.month,
      tokens_used: usage.tokensUsed,
      tokens_reserved: usage.tokensReserved,
      requests: usage.requests,
      reset_at: usage.resetAt.toISOString(),
    },
    badges,
  };
}

/** Shapes users with this month's usage and their badges. */
export async function withUsage(deps: Deps, users: ApiUser[]): Promise<ApiUserResponse[]> {
  return (await describeApiUsers(deps.database.db, users)).map(apiUserToResponse);
}
