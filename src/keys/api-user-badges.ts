/**
 * @module The status badges of an API user, most severe first, computed from its row, this month's usage and its
 * recent rate-limit refusals. The list filter (`status=`) selects exactly the users whose badges include the value.
 */

export const BADGES = [
  "revoked",
  "over_cap",
  "near_cap",
  "rate_limited",
  "rotated",
  "never_used",
  "active",
] as const;

export type Badge = (typeof BADGES)[number];

/** Refusals this recent (429 `rate_limit_exceeded` in the audit log) make a user `rate_limited`. */
export const RATE_LIMITED_WINDOW_MS = 60_000;

export type BadgeInput = {
  status: "active" | "revoked";
  monthlyTokenCap: number | null;
  /** This month's used plus reserved tokens: what the cap admission compares against the cap. */
  tokensCommitted: number;
  rateLimited: boolean;
  lastRotatedAt: Date | null;
  lastUsedAt: Date | null;
};

/** `over`: the admission refuses every request needing a token (used + reserved ≥ cap); `near`: ≥ 90 % of it. */
export function capState(committed: number, cap: number | null): "over" | "near" | null {
  if (cap === null) return null;
  if (committed >= cap) return "over";
  // Integer arithmetic, as the SQL filter does it: no rounding at the 90 % line.
  return committed * 10 >= cap * 9 ? "near" : null;
}

export function apiUserBadges(u: BadgeInput): Badge[] {
  const cap = capState(u.tokensCommitted, u.monthlyTokenCap);
  const present: Record<Badge, boolean> = {
    revoked: u.status === "revoked",
    over_cap: cap === "over",
    near_cap: cap === "near",
    rate_limited: u.rateLimited,
    rotated: u.lastRotatedAt !== null,
    never_used: u.lastUsedAt === null,
    active: u.status === "active",
  };
  return BADGES.filter((b) => present[b]);
}
