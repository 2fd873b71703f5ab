/**
 * @module The Accounts pane: the profile's credential pools (status badges, errors, reset times, expiry, secrets
 * only as fingerprint or last-4 preview), the singleton provider logins, and the external CLIs' identities. Only
 * fields the API names are rendered; nothing is passed through as it came.
 */
import { Badge } from "../../components/badge";
import { Card, Stat } from "../../components/card";
import { EmptyState } from "../../components/states";
import { formatNumber } from "../../lib/format";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { useAccounts, type AccountsView } from "./config-api";
import { IdentitiesCard } from "./identities-card";
import { CredentialStatus, ExpiryBadge, FileNote, When } from "./labels";
import "./hermes-config.css";

type Pool = AccountsView["pools"][number];
type Entry = Pool["entries"][number];
type Login = AccountsView["providers"][number];

export function AccountsPane({ tenantId, profile }: HermesPaneProps) {
  const accounts = useAccounts(tenantId, profile);
  return (
    <>
      <QueryView query={accounts} what="Loading the accounts">
        {(v) => <AccountsView v={v} />}
      </QueryView>
      <IdentitiesCard tenantId={tenantId} profile={profile} />
    </>
  );
}

function AccountsView({ v }: { v: AccountsView }) {
  return (
    <>
      <div className="stats">
        <Stat
          label="Active provider"
          value={<span data-testid="hc-active-provider">{v.active_provider ?? "none"}</span>}
          hint="Hermes' last resort, after config.yaml and the environment"
        />
        <Stat label="Credential pools" value={formatNumber(v.pools.length)} />
        <Stat label="Provider logins" value={formatNumber(v.providers.length)} />
        <Stat label="auth.json updated" value={<When iso={v.updated_at} />} />
      </div>
      <FileNote file={v.auth_file} what="auth.json" />
      {v.root_auth_file && v.root_auth_file.status !== "ok" ? (
        <FileNote file={v.root_auth_file} what="The root home's auth.json" />
      ) : null}
      <FileNote file={v.config_file} what="config.yaml" />
      {v.pools.length === 0 ? (
        <EmptyState title="No credential pools">
          {v.auth_file.status === "ok"
            ? "auth.json has no credential_pool entries."
            : "Not present: this profile has no readable auth.json."}
        </EmptyState>
      ) : (
        v.pools.map((pool) => <PoolCard key={pool.provider} pool={pool} />)
      )}
      <LoginsCard logins={v.providers} />
    </>
  );
}

function PoolCard({ pool }: { pool: Pool }) {
  return (
    <Card
      testId={`hc-pool-${pool.provider}`}
      title={
        <span className="hc-title">
          <span className="mono">{pool.provider}</span>
          <Badge
            tone="info"
            hint={pool.strategy_source === "config" ? "From config.yaml" : "Hermes' default"}
          >
            {pool.strategy.replace("_", " ")}
          </Badge>
          {pool.from_root ? <Badge tone="muted">from the root home</Badge> : null}
        </span>
      }
    >
      {pool.suppressed_sources.length > 0 ? (
        <p className="muted small">Suppressed sources: {pool.suppressed_sources.join(", ")}</p>
      ) : null}
      {pool.skipped_entries > 0 ? (
        <p className="muted small">
          {pool.skipped_entries} malformed entries skipped (Hermes skips them too).
        </p>
      ) : null}
      {pool.entries.length === 0 ? (
        <p className="muted">No entries.</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">Credential</th>
                <th scope="col">Status</th>
                <th scope="col">Error and reset</th>
                <th scope="col">Expiry</th>
                <th scope="col" className="num">
                  Requests
                </th>
                <th scope="col">Secret</th>
              </tr>
            </thead>
            <tbody>
              {pool.entries.map((e, i) => (
                <EntryRow key={e.id ?? i} e={e} testId={`hc-entry-${pool.provider}-${i}`} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function EntryRow({ e, testId }: { e: Entry; testId: string }) {
  const url = e.inference_base_url ?? e.base_url;
  return (
    <tr data-testid={testId}>
      <td>
        <div className="hc-strong">{e.label ?? e.id ?? "—"}</div>
        <div className="muted small">
          {[e.auth_type, e.source, e.priority !== null ? `priority ${e.priority}` : null]
            .filter(Boolean)
            .join(" · ")}
        </div>
        {url ? <div className="mono small break">{url}</div> : null}
      </td>
      <td>
        <CredentialStatus status={e.status} testId={`${testId}-status`} />
        {e.status_at ? (
          <div className="muted small">
            <When iso={e.status_at} compact />
          </div>
        ) : null}
      </td>
      <td data-testid={`${testId}-error`}>
        {e.error ? (
          <>
            <div>
              {e.error.code !== null ? <span className="mono">{e.error.code}</span> : null}{" "}
              {e.error.reason ?? null}
            </div>
            {e.error.message ? <div className="muted small break">{e.error.message}</div> : null}
          </>
        ) : e.failure_reason ? (
          <span>{e.failure_reason}</span>
        ) : (
          <span className="muted">—</span>
        )}
        {e.error?.reset_at ? (
          <div className="small">
            resets <When iso={e.error.reset_at} testId={`${testId}-reset`} />
          </div>
        ) : null}
      </td>
      <td>
        {e.expires_at ? (
          <>
            <ExpiryBadge expiry={e.expiry} />
            <div>
              <When iso={e.expires_at} />
            </div>
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="num">{e.request_count === null ? "—" : formatNumber(e.request_count)}</td>
      <td className="mono small break" data-testid={`${testId}-secret`}>
        {e.secret.kind === "fingerprint"
          ? e.secret.fingerprint
          : e.secret.kind === "preview"
            ? e.secret.preview
            : "—"}
        {e.borrowed ? <div className="muted small">kept elsewhere</div> : null}
      </td>
    </tr>
  );
}

function LoginsCard({ logins }: { logins: Login[] }) {
  return (
    <Card title="Provider logins" testId="hc-logins">
      {logins.length === 0 ? (
        <p className="muted">Not present: no OAuth logins in auth.json.</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">Account</th>
                <th scope="col">Logged in</th>
                <th scope="col">Expiry</th>
                <th scope="col">Tokens</th>
              </tr>
            </thead>
            <tbody>
              {logins.map((l) => (
                <tr key={l.provider} data-testid={`hc-login-${l.provider}`}>
                  <td>
                    <div className="mono hc-strong">{l.provider}</div>
                    <div className="muted small">
                      {[l.label, l.auth_mode, l.from_root ? "from the root home" : null]
                        .filter(Boolean)
                        .join(" · ")}
                    </div>
                    {l.base_url ? <div className="mono small break">{l.base_url}</div> : null}
                  </td>
                  <td>
                    {l.account ? (
                      <>
                        <div>{l.account.email ?? "—"}</div>
                        <div className="muted small">
                          {[l.account.plan, l.account.account_id].filter(Boolean).join(" · ")}
                        </div>
                      </>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>
                    <When iso={l.logged_in_at} compact />
                  </td>
                  <td>
                    <ExpiryBadge expiry={l.expiry} testId={`hc-login-${l.provider}-expiry`} />
                    <div>
                      <When iso={l.expires_at} />
                    </div>
                  </td>
                  <td className="small">
                    {[l.has_access_token ? "access" : null, l.has_refresh_token ? "refresh" : null]
                      .filter(Boolean)
                      .join(" + ") || "none"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
