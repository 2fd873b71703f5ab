/**
 * @module A month's requests split by outcome (ok, 4xx, 429 rate, 429 quota, upstream errors) as one stacked bar
 * with a legend of counts.
 */
import type { Outcomes } from "../../lib/api-types";
import { formatNumber, formatPercent } from "../../lib/format";

const PARTS: { key: keyof Outcomes; label: string; className: string }[] = [
  { key: "ok", label: "OK", className: "seg-ok" },
  { key: "client_errors", label: "Client errors (4xx)", className: "seg-client" },
  { key: "rate_limited", label: "Rate-limited (429)", className: "seg-rate" },
  { key: "quota_exceeded", label: "Over quota (429)", className: "seg-quota" },
  { key: "upstream_errors", label: "Upstream errors (5xx)", className: "seg-upstream" },
];

export function OutcomeSplit({ outcomes }: { outcomes: Outcomes }) {
  const total = PARTS.reduce((n, p) => n + outcomes[p.key], 0);
  return (
    <div className="outcomes" data-testid="outcome-split">
      <div className="outcome-bar" aria-hidden="true">
        {total > 0
          ? PARTS.filter((p) => outcomes[p.key] > 0).map((p) => (
              <span
                key={p.key}
                className={`outcome-seg ${p.className}`}
                style={{ flexGrow: outcomes[p.key] }}
              />
            ))
          : null}
      </div>
      <ul className="outcome-legend">
        {PARTS.map((p) => (
          <li key={p.key} data-testid={`outcome-${p.key}`}>
            <span className={`legend-dot ${p.className}`} aria-hidden="true" />
            {p.label}: <strong>{formatNumber(outcomes[p.key])}</strong>
            {total > 0 ? <span className="muted"> ({formatPercent(outcomes[p.key] / total)})</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
