/**
 * @module A tenant's page (/tenants/:id), in tabs: Overview (details, upstreams, credential) and its API users.
 * Later panes about the tenant's Hermes (accounts, model config, upstream health, sessions, skills…) are further
 * entries in TENANT_TABS.
 */
import { Link, useNavigate, useParams } from "react-router";
import { Card, DetailList, Stat } from "../../components/card";
import { PageHeader } from "../../components/page-header";
import { ErrorState, LoadingState } from "../../components/states";
import { Tabs, type TabDef } from "../../components/tabs";
import type { TenantResponse } from "../../lib/api-types";
import { formatDateTime, formatNumber } from "../../lib/format";
import { TenantUsersTab } from "./tenant-users-tab";
import { useCan } from "../../lib/permissions";
import { useTenantActions } from "./tenant-actions";
import { useTenant } from "./tenant-queries";
import { CredentialBadge } from "./tenants-page";

export function TenantPage() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const tenant = useTenant(id);
  const actions = useTenantActions({ onDeleted: () => void navigate("/tenants", { replace: true }) });
  const canManage = useCan()("manage");
  if (tenant.isPending) return <LoadingState label="Loading the tenant…" />;
  if (tenant.isError)
    return (
      <ErrorState what={`Loading tenant ${id}`} error={tenant.error} onRetry={() => void tenant.refetch()} />
    );
  const t = tenant.data;

  const tabs: TabDef[] = [
    {
      id: "overview",
      label: "Overview",
      render: () => <Overview tenant={t} onAction={canManage ? actions.open : null} />,
    },
    {
      id: "users",
      label: `API users (${formatNumber(t.api_users_count)})`,
      render: () => <TenantUsersTab tenantId={t.id} />,
    },
  ];
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/tenants">Tenants</Link> / <span>{t.name}</span>
      </nav>
      <PageHeader
        title={<span data-testid="tenant-title">{t.name}</span>}
        description={<span className="mono">{t.id}</span>}
        actions={
          <>
            <Link
              className="button"
              to={`/tenants/${encodeURIComponent(t.id)}/hermes`}
              data-testid="tenant-hermes"
            >
              Hermes
            </Link>
            {canManage ? (
              <>
                <button
                  type="button"
                  className="button"
                  onClick={() => actions.open("edit", t)}
                  data-testid="tenant-page-edit"
                >
                  Edit
                </button>
                <button
                  type="button"
                  className="button button-danger"
                  onClick={() => actions.open("delete", t)}
                  data-testid="tenant-page-delete"
                >
                  Delete
                </button>
              </>
            ) : null}
          </>
        }
      />
      <Tabs tabs={tabs} label="Tenant sections" />
      {actions.element}
    </>
  );
}

function Overview({
  tenant: t,
  onAction,
}: {
  tenant: TenantResponse;
  /** null: the role may not change tenants. */
  onAction: ReturnType<typeof useTenantActions>["open"] | null;
}) {
  return (
    <>
      <div className="stats">
        <Stat label="API users" value={formatNumber(t.api_users_count)} testId="tenant-users-count" />
        <Stat
          label="Tokens this month"
          value={formatNumber(t.tokens_this_month)}
          hint="UTC month"
          testId="tenant-tokens"
        />
      </div>
      <div className="grid-2">
        <Card title="Upstreams" testId="tenant-upstreams">
          <DetailList
            items={[
              [
                "Pre-Hermes (:8645)",
                <span key="pre" className="mono break">
                  {t.pre_upstream_url ?? "not configured (502)"}
                </span>,
              ],
              [
                "Post-Hermes (:8646)",
                <span key="post" className="mono break">
                  {t.post_upstream_url ?? "not configured (502)"}
                </span>,
              ],
            ]}
          />
        </Card>
        <Card
          title="Upstream credential"
          testId="tenant-credential"
          actions={
            onAction ? (
              <>
                <button
                  type="button"
                  className="button"
                  onClick={() => onAction("set-credential", t)}
                  data-testid="credential-set"
                >
                  {t.has_upstream_api_key ? "Replace" : "Set"}
                </button>
                {t.has_upstream_api_key ? (
                  <button
                    type="button"
                    className="button"
                    onClick={() => onAction("clear-credential", t)}
                    data-testid="credential-clear"
                  >
                    Clear
                  </button>
                ) : null}
              </>
            ) : null
          }
        >
          <p>
            <CredentialBadge tenant={t} />
          </p>
          <p className="muted small">
            Write-only: the credential is never shown, only whether one is set and its fingerprint.
          </p>
        </Card>
      </div>
      <Card title="Record">
        <DetailList
          items={[
            ["Created", formatDateTime(t.created_at)],
            ["Updated", formatDateTime(t.updated_at)],
          ]}
        />
      </Card>
    </>
  );
}
