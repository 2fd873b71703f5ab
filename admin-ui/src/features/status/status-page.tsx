/**
 * @module Status (/status): version and commit, uptime, the database, the audit pipeline (queue, spool, dropped,
 * quarantined, mode; rows written since this start beside the stored total), retention's last run, the running
 * instances, the supervised Hermes proxies (when configured) and each tenant's upstreams. Refreshes every 15 s.
 */
import { Badge } from "../../components/badge";
import { Card, DetailList, Stat } from "../../components/card";
import { PageHeader } from "../../components/page-header";
import { ErrorState, LoadingState } from "../../components/states";
import type { StatusResponse } from "../../lib/api-types";
import { formatBytes, formatDateTime, formatDuration, formatNumber } from "../../lib/format";
import { ProxyStateTable } from "../hermes-config/proxy-state";
import { useStatusQuery } from "./status-queries";

export function StatusPage() {
  const status = useStatusQuery({ live: true });
  return (
    <>
      <PageHeader
        title="Status"
        description="This instance and the ones sharing its database. Refreshes every 15 seconds."
      />
      {status.isPending ? (
        <LoadingState label="Loading status…" />
      ) : status.isError ? (
        <ErrorState what="Loading the status" error={status.error} onRetry={() => void status.refetch()} />
      ) : (
        <StatusView s={status.data} />
      )}
    </>
  );
}

function StatusView({ s }: { s: StatusResponse }) {
  const a = s.audit;
  const retention = a.last_retention_run;
  return (
    <>
      <div className="stats">
        <Stat
          label="Version"
          value={s.version}
          hint={s.git_commit ? `commit ${s.git_commit.slice(0, 12)}` : "commit unknown"}
          testId="status-version"
        />
        <Stat
          label="Uptime"
          value={formatDuration(s.uptime_seconds)}
          hint={`since ${formatDateTime(s.started_at)}`}
        />
        <Stat
          label="Database"
          value={
            <Badge tone={s.database.healthy ? "success" : "danger"} testId="status-db">
              {s.database.kind} · {s.database.healthy ? "healthy" : "failing"}
            </Badge>
          }
          hint={s.database.reason ?? undefined}
        />
        <Stat
          label="Audit writer"
          value={
            <Badge tone={a.mode === "live" ? "success" : "warning"} testId="status-audit-mode">
              {a.mode}
            </Badge>
          }
          hint={
            a.mode === "spooling"
              ? "The database refuses writes: records wait in the spool."
              : "Records reach the database."
          }
        />
      </div>
      <div className="grid-2">
        <Card title="Audit log" testId="status-audit">
          <DetailList
            items={[
              ["Rows written since this start", formatNumber(a.rows_written)],
              ["Rows stored in total (approx.)", a.rows_stored === null ? "—" : formatNumber(a.rows_stored)],
              ["Queue depth", formatNumber(a.queue_depth)],
              ["Spool", `${formatNumber(a.spool_files)} file(s), ${formatBytes(a.spool_bytes)}`],
              ["Write errors", formatNumber(a.write_errors)],
              ["Dropped", formatNumber(a.dropped)],
              ["Quarantined", formatNumber(a.quarantined)],
              ["Last flush", formatDateTime(a.last_flush_at)],
              ["Last error", a.last_error ?? "—"],
            ]}
          />
        </Card>
        <Card title="Retention" testId="status-retention">
          <DetailList
            items={[
              ["Keeps", `${formatNumber(s.retention_days)} days of prompts, responses and admin activity`],
              ["Body size kept", `up to ${formatBytes(s.audit_max_bytes)} per request and per response`],
              ["Last run", retention ? formatDateTime(retention.at) : "not yet"],
              ["Cut-off", retention ? formatDateTime(retention.cutoff) : "—"],
              ["Partitions dropped", retention ? formatNumber(retention.dropped_partitions.length) : "—"],
              ["Admin events deleted", retention ? formatNumber(retention.admin_events_deleted) : "—"],
            ]}
          />
        </Card>
      </div>
      <Card title="Instances" testId="status-instances">
        {s.instances === null ? (
          <p className="muted">Unknown while the database does not answer.</p>
        ) : (
          <div className="table-wrap">
            <table className="table table-compact">
              <thead>
                <tr>
                  <th scope="col">Instance</th>
                  <th scope="col">Started</th>
                  <th scope="col" className="num">
                    Last heartbeat
                  </th>
                  <th scope="col" className="num">
                    Tokens reserved
                  </th>
                </tr>
              </thead>
              <tbody>
                {s.instances.map((i) => (
                  <tr key={i.id}>
                    <td className="mono small">{i.id}</td>
                    <td className="nowrap">{formatDateTime(i.started_at)}</td>
                    <td className="num">{formatDuration(i.heartbeat_age_seconds)} ago</td>
                    <td className="num">{formatNumber(i.tokens_reserved)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      {s.hermes_proxies.length > 0 ? (
        <Card
          title="Supervised Hermes proxies (default tenant, this instance)"
          testId="status-hermes-proxies"
        >
          <ProxyStateTable proxies={s.hermes_proxies} testId="status-proxy" />
        </Card>
      ) : null}
      <Card title="Tenants' upstreams" testId="status-tenants">
        {s.tenants === null ? (
          <p className="muted">Unknown while the database does not answer.</p>
        ) : (
          <div className="table-wrap">
            <table className="table table-compact">
              <thead>
                <tr>
                  <th scope="col">Tenant</th>
                  <th scope="col">Pre-Hermes (:8645)</th>
                  <th scope="col">Post-Hermes (:8646)</th>
                </tr>
              </thead>
              <tbody>
                {s.tenants.map((t) => (
                  <tr key={t.id}>
                    <td>
                      {t.name} <span className="muted mono small">{t.id}</span>
                    </td>
                    <td className="mono small break">
                      {t.pre_upstream_url ?? <span className="muted">not configured</span>}
                    </td>
                    <td className="mono small break">
                      {t.post_upstream_url ?? <span className="muted">not configured</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
