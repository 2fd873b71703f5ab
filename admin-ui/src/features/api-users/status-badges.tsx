/**
 * @module The status badges of an API user (computed by the server, most severe first), each with what it means
 * and what to do about it.
 */
import { Badge, type Tone } from "../../components/badge";
import type { ApiUserResponse, Badge as BadgeKind } from "../../lib/api-types";
import { formatDate } from "../../lib/format";

export const BADGES: Record<BadgeKind, { label: string; tone: Tone; hint: (u?: ApiUserResponse) => string }> =
  {
    revoked: {
      label: "Revoked",
      tone: "danger",
      hint: () => "The key answers 410 key_revoked. Rotate to issue a new key, or delete the user.",
    },
    over_cap: {
      label: "Over cap",
      tone: "danger",
      hint: (u) =>
        `Requests answer 429 insufficient_quota until the budget resets${u ? ` on ${formatDate(u.usage.reset_at)}` : ""}. Raise the monthly cap to unblock now.`,
    },
    near_cap: {
      label: "Near cap",
      tone: "warning",
      hint: () => "90% or more of this month's token cap is used. Raise the cap if the user needs more.",
    },
    rate_limited: {
      label: "Rate-limited",
      tone: "warning",
      hint: () =>
        "Answered 429 rate_limit_exceeded in the last minute. Raise the RPM limit if this is expected traffic.",
    },
    rotated: {
      label: "Rotated",
      tone: "info",
      hint: () => "The key was rotated: older keys answer 410 key_rotated. Clients must use the newest key.",
    },
    never_used: {
      label: "Never used",
      tone: "muted",
      hint: () => "No request with this key yet. Check that the key reached its owner.",
    },
    active: { label: "Active", tone: "success", hint: () => "The key works on its gateways." },
  };

export function StatusBadges({ user }: { user: ApiUserResponse }) {
  return (
    <span className="badge-row" data-testid="status-badges">
      {user.badges.map((b) => {
        const info = BADGES[b];
        return (
          <Badge key={b} tone={info.tone} hint={info.hint(user)} testId={`badge-${b}`}>
            {info.label}
          </Badge>
        );
      })}
    </span>
  );
}

export function GatewayChips({ gateways }: { gateways: readonly string[] }) {
  return (
    <span className="chip-row">
      {[...gateways].sort().map((g) => (
        <span key={g} className="chip">
          {g}
        </span>
      ))}
    </span>
  );
}
