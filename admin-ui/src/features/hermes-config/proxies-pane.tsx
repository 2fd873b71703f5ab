/**
 * @module The Proxies pane: the `hermes proxy` children this instance supervises for the default tenant
 * (HERMES_PRE_AI_PROVIDER / HERMES_POST_AI_PROVIDER): state, pid, URL, restarts, last exit, error, and their last
 * output lines as the server redacted them. Refreshes every 10 s. Each instance runs its own: this is the one
 * that answered.
 */
import { Card, DetailList } from "../../components/card";
import { EmptyState } from "../../components/states";
import { formatDateTime } from "../../lib/format";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { useProxies, type HermesProxiesResponse } from "./config-api";
import { When } from "./labels";
import { lastExitText, proxyStateMeaning, ProxyStateBadge } from "./proxy-state";
import "./hermes-config.css";

type Proxy = HermesProxiesResponse["data"][number];

export function ProxiesPane({ tenantId }: HermesPaneProps) {
  const proxies = useProxies();
  return (
    <>
      {tenantId !== "default" ? (
        <p className="muted" data-testid="hc-proxies-note">
          Supervised proxies serve the default tenant only; this tenant's gateways use its stored upstream
          URLs.
        </p>
      ) : null}
      <QueryView query={proxies} what="Loading the supervised proxies">
        {(v) =>
          v.data.length === 0 ? (
            <EmptyState title="No supervised proxies">
              Not present: neither HERMES_PRE_AI_PROVIDER nor HERMES_POST_AI_PROVIDER is set, so the gateways
              use the upstream URLs stored for each tenant.
            </EmptyState>
          ) : (
            v.data.map((p) => <ProxyCard key={p.gateway} p={p} />)
          )
        }
      </QueryView>
    </>
  );
}

function ProxyCard({ p }: { p: Proxy }) {
  const t = `hc-proxy-${p.gateway}`;
  return (
    <Card
      testId={t}
      title={
        <span className="hc-title">
          {p.gateway === "pre" ? "Pre-Hermes" : "Post-Hermes"} proxy ·{" "}
          <span className="mono">{p.provider}</span>{" "}
          <ProxyStateBadge state={p.state} testId={`${t}-state`} withHint={false} />
        </span>
      }
    >
      {proxyStateMeaning(p.state) ? (
        <p className="muted small" data-testid={`${t}-meaning`}>
          {proxyStateMeaning(p.state)}
        </p>
      ) : null}
      <DetailList
        items={[
          [
            "Binary",
            <span key="b" className="mono small break">
              {p.bin}
            </span>,
          ],
          [
            "PID",
            <span key="p" className="mono" data-testid={`${t}-pid`}>
              {p.pid ?? "—"}
            </span>,
          ],
          [
            "URL",
            <span key="u" className="mono small break" data-testid={`${t}-url`}>
              {p.url ?? "—"}
            </span>,
          ],
          ["Started", <When key="s" iso={p.started_at} />],
          ["Answering since", <When key="r" iso={p.ready_at} />],
          [
            "Restarts",
            <span key="n" data-testid={`${t}-restarts`}>
              {p.restarts}
            </span>,
          ],
          ["Last exit", lastExitText(p)],
          ["Next restart", p.next_restart_at ? formatDateTime(p.next_restart_at) : "—"],
          [
            "Error",
            p.error ? (
              <span key="e" className="hc-error-text" data-testid={`${t}-error`}>
                {p.error}
              </span>
            ) : (
              "—"
            ),
          ],
        ]}
      />
      <h3 className="hc-subtitle">Output (last {p.output.length} lines, redacted)</h3>
      {p.output.length === 0 ? (
        <p className="muted small">No output yet.</p>
      ) : (
        <pre className="hc-output" data-testid={`${t}-output`} tabIndex={0}>
          {p.output.map((l, i) => (
            <span key={i}>
              <span className="muted">
                {formatDateTime(l.at).slice(11, 19)} {l.stream === "stderr" ? "err" : "out"}{" "}
              </span>
              {l.line}
              {"\n"}
            </span>
          ))}
        </pre>
      )}
    </Card>
  );
}
