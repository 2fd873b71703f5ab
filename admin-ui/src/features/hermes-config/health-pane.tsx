/**
 * @module The Upstream health pane: per gateway (pre, post) the upstream probed (stored, or the supervised Hermes
 * proxy), the latest probe (up/down, latency, HTTP status, Hermes' `upstream` and `authenticated`, the error), the
 * 24-hour availability and a chart of recent probes. "Probe now" asks the server (5-second cache there).
 */
import { Badge } from "../../components/badge";
import { Card, DetailList } from "../../components/card";
import { Icon } from "../../components/icons";
import { FormError } from "../../components/states";
import { formatMs, formatNumber, formatPercent } from "../../lib/format";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { useHealth, useProbeNow, type HealthView } from "./config-api";
import { When } from "./labels";
import { ProbeChart } from "./probe-chart";
import "./hermes-config.css";

type Upstream = HealthView["upstreams"][number];

export function HealthPane({ tenantId }: HermesPaneProps) {
  const health = useHealth(tenantId);
  const probe = useProbeNow(tenantId);
  return (
    <>
      <div className="button-row">
        <button
          type="button"
          className="button"
          disabled={probe.isPending}
          onClick={() => probe.mutate()}
          data-testid="hc-probe-now"
        >
          <Icon name="pulse" size={16} /> {probe.isPending ? "Probing…" : "Probe now"}
        </button>
        <span className="muted small">
          Probed in the background every minute; the last 24 hours are kept.
        </span>
      </div>
      <FormError error={probe.error} />
      <QueryView query={health} what="Loading the upstream health">
        {(v) => (
          <>
            {v.upstreams.map((u) => (
              <UpstreamCard key={u.gateway} u={u} />
            ))}
          </>
        )}
      </QueryView>
    </>
  );
}

function UpstreamCard({ u }: { u: Upstream }) {
  const t = `hc-health-${u.gateway}`;
  const p = u.latest;
  const state = !u.url ? (
    <Badge tone="muted" testId={`${t}-state`}>
      not configured
    </Badge>
  ) : !p ? (
    <Badge tone="muted" testId={`${t}-state`}>
      not probed yet
    </Badge>
  ) : (
    <Badge tone={p.ok ? "success" : "danger"} testId={`${t}-state`}>
      {p.ok ? "up" : "down"}
    </Badge>
  );
  return (
    <Card
      testId={t}
      title={
        <span className="hc-title">
          {u.gateway === "pre" ? "Pre-Hermes gateway" : "Post-Hermes gateway"} {state}
        </span>
      }
    >
      {!u.url ? (
        <p className="muted">
          No upstream is configured for this gateway: it answers 502 upstream_not_configured.
        </p>
      ) : (
        <>
          <DetailList
            items={[
              [
                "Upstream",
                <span key="u">
                  <span className="mono small break" data-testid={`${t}-url`}>
                    {u.url}
                  </span>
                  {u.supervised ? <Badge tone="info">supervised Hermes proxy</Badge> : null}
                </span>,
              ],
              [
                "Latency",
                <span key="l" data-testid={`${t}-latency`}>
                  {formatMs(p?.latency_ms)}
                </span>,
              ],
              [
                "Answer",
                p
                  ? [
                      p.http_status !== null ? `HTTP ${p.http_status}` : null,
                      p.probe ? `via /${p.probe}` : null,
                    ]
                      .filter(Boolean)
                      .join(" ") || "—"
                  : "—",
              ],
              ["Hermes upstream", p?.upstream ?? "—"],
              [
                "Authenticated",
                p?.authenticated === null || p?.authenticated === undefined
                  ? "—"
                  : p.authenticated
                    ? "yes"
                    : "no",
              ],
              [
                "Last error",
                p?.error ? (
                  <span key="e" className="hc-error-text" data-testid={`${t}-error`}>
                    {p.error}
                  </span>
                ) : (
                  "—"
                ),
              ],
              ["Probed", <When key="w" iso={p?.ts} testId={`${t}-probed`} />],
              [
                "Last 24 h",
                u.availability.probes === 0
                  ? "no probes"
                  : `${u.availability.ratio === null ? "—" : formatPercent(u.availability.ratio)} up (${formatNumber(u.availability.up)} of ${formatNumber(u.availability.probes)})`,
              ],
            ]}
          />
          <ProbeChart history={u.history} testId={`${t}-chart`} />
        </>
      )}
    </Card>
  );
}
