/**
 * @module Security: this gateway's posture for the tenant — stale, unused and revoked keys, failed admin logins,
 * HERMES_SECRET_KEY, upstream URLs without TLS, and secret files in the Hermes home readable beyond their owner.
 */
import { Badge } from "../../components/badge";
import { Card } from "../../components/card";
import { DateTime } from "../../components/date-time";
import { formatNumber } from "../../lib/format";
import { useHermesQuery } from "../hermes/hermes-api";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { Muted, TableFrame } from "./pane-bits";
import type { SecurityView } from "./pane-types";

type KeyRef = SecurityView["keys"]["never_used"][number];

function Keys({ title, keys, testId }: { title: string; keys: KeyRef[]; testId: string }) {
  return (
    <div data-testid={testId}>
      <p className="stat-label">
        {title} ({keys.length})
      </p>
      {keys.length === 0 ? (
        <Muted>none</Muted>
      ) : (
        <ul className="plain-list small">
          {keys.map((k) => (
            <li key={k.id}>
              <strong>{k.name}</strong> <span className="mono">{k.key_prefix}…</span> · created{" "}
              <DateTime iso={k.created_at} /> · last used <DateTime iso={k.last_used_at} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function SecurityPane({ tenantId, profile }: HermesPaneProps) {
  const query = useHermesQuery<SecurityView>(tenantId, profile, "security");
  return (
    <QueryView query={query} what="Checking the posture">
      {(v) => (
        <div className="hp-cards">
          <Card title={`Findings (${v.findings.length})`} testId="security-findings">
            {v.findings.length === 0 ? (
              <p className="muted">Nothing to report.</p>
            ) : (
              <ul className="plain-list">
                {v.findings.map((f) => (
                  <li key={f.code} data-testid={`finding-${f.code}`}>
                    <Badge tone={f.severity === "warning" ? "warning" : "info"}>{f.severity}</Badge>{" "}
                    {f.message} <span className="mono small muted">{f.code}</span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Card title="API keys" testId="security-keys">
            <div className="hp-two">
              <Keys title="Older than 90 days" keys={v.keys.older_than_90_days} testId="keys-old" />
              <Keys title="Never used" keys={v.keys.never_used} testId="keys-unused" />
              <Keys title="Revoked, still listed" keys={v.keys.revoked_still_listed} testId="keys-revoked" />
            </div>
          </Card>
          <Card title="Service" testId="security-service">
            <ul className="plain-list">
              <li data-testid="security-failed-logins">
                Failed admin logins in the last day (whole service):{" "}
                <strong>{formatNumber(v.failed_admin_logins.last_day)}</strong>
                {v.failed_admin_logins.last_at ? (
                  <>
                    {" "}
                    · last <DateTime iso={v.failed_admin_logins.last_at} />
                  </>
                ) : null}
              </li>
              <li data-testid="security-secret-key">
                HERMES_SECRET_KEY:{" "}
                {v.secret_key.set ? <Badge tone="success">set</Badge> : <Badge tone="warning">not set</Badge>}
                {v.secret_key.tenant_upstream_key_unencrypted
                  ? " · this tenant's upstream key is stored unencrypted"
                  : null}
              </li>
            </ul>
          </Card>
          <Card title="Upstream URLs" testId="security-urls">
            <TableFrame caption="Upstream URLs">
              <thead>
                <tr>
                  <th>Where</th>
                  <th>URL</th>
                  <th>TLS</th>
                </tr>
              </thead>
              <tbody>
                {v.upstream_urls.map((u) => (
                  <tr key={`${u.where} ${u.url}`} data-testid={u.flagged ? "url-flagged" : "url"}>
                    <td className="mono small">{u.where}</td>
                    <td className="mono small break">{u.url}</td>
                    <td>
                      {u.tls ? (
                        <Badge tone="success">TLS</Badge>
                      ) : u.loopback ? (
                        <Badge tone="muted">loopback</Badge>
                      ) : (
                        <Badge tone="danger">no TLS</Badge>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </TableFrame>
          </Card>
          <Card title="Secret files in the Hermes home" testId="security-files">
            <TableFrame caption="Secret files and their modes">
              <thead>
                <tr>
                  <th>File</th>
                  <th>Mode</th>
                </tr>
              </thead>
              <tbody>
                {v.secret_files.map((f) => (
                  <tr key={f.path} data-testid={f.wider_than_0600 ? "file-wide" : "file"}>
                    <td className="mono small break">{f.path}</td>
                    <td>
                      <span className="mono">{f.mode}</span>{" "}
                      {f.wider_than_0600 ? <Badge tone="danger">wider than 0600</Badge> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </TableFrame>
          </Card>
        </div>
      )}
    </QueryView>
  );
}
