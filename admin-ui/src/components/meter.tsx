/**
 * @module Tokens used this month against the monthly cap, as a bar with the numbers and the reset date.
 */
import { formatCompact, formatDate, formatNumber, formatPercent } from "../lib/format";

export function TokenMeter({
  used,
  reserved = 0,
  cap,
  resetAt,
  compact = false,
}: {
  used: number;
  reserved?: number;
  cap: number | null;
  resetAt?: string;
  compact?: boolean;
}) {
  const fmt = compact ? formatCompact : formatNumber;
  const reset = resetAt ? `resets ${formatDate(resetAt)}` : null;
  if (cap === null) {
    return (
      <div className="meter meter-unlimited" data-testid="token-meter">
        <span className="meter-numbers">
          {fmt(used)} <span className="muted">/ unlimited</span>
        </span>
        {reset && !compact ? <span className="meter-reset muted">{reset}</span> : null}
      </div>
    );
  }
  const fraction = cap === 0 ? 1 : Math.min(1, (used + reserved) / cap);
  const tone = fraction >= 1 ? "danger" : fraction >= 0.9 ? "warning" : "ok";
  return (
    <div className={`meter meter-${tone}`} data-testid="token-meter">
      <span className="meter-numbers">
        {fmt(used)} <span className="muted">/ {fmt(cap)}</span>
      </span>
      <span
        className="meter-track"
        role="meter"
        aria-valuemin={0}
        aria-valuemax={cap}
        aria-valuenow={Math.min(used + reserved, cap)}
        aria-label={`${formatPercent(fraction)} of the monthly cap`}
      >
        <span className="meter-fill" style={{ width: `${fraction * 100}%` }} />
      </span>
      {reset ? <span className="meter-reset muted">{reset}</span> : null}
    </div>
  );
}
