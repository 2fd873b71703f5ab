/**
 * @module Tenants (/tenants): every tenant with its upstreams, whether a credential is set, its API users count and
 * this month's tokens; create, edit, credential and delete.
 */
import { createColumnHelper } from "@tanstack/react-table";
import { useMemo } from "react";
import { Link, useNavigate } from "react-router";
import { Badge } from "../../components/badge";
import { DataTable } from "../../components/data-table";
import { Icon } from "../../components/icons";
import { ActionMenu } from "../../components/menu";
import { PageHeader } from "../../components/page-header";
import { EmptyState, ErrorState, LoadingState } from "../../components/states";
import type { TenantResponse } from "../../lib/api-types";
import { formatNumber } from "../../lib/format";
import { useTenantActions, type TenantAction } from "./tenant-actions";
import { useTenants } from "./tenant-queries";
import { useCan } from "../../lib/permissions";

const col = createColumnHelper<TenantResponse>();

export function CredentialBadge({ tenant }: { tenant: TenantResponse }) {
  return tenant.has_upstream_api_key ? (
    <Badge tone="success" hint="Sent upstream as a Bearer token; write-only." testId="credential-badge">
      set · <span className="mono">{tenant.upstream_api_key_fingerprint}</span>
    </Badge>
  ) : (
    <Badge tone="muted" testId="credential-badge">
      not set
    </Badge>
  );
}

function columns(onAction: ((a: TenantAction, t: TenantResponse) => void) | null) {
  return [
    col.accessor("name", {
      header: "Tenant",
      cell: ({ row }) => (
        <div className="cell-stack">
          <Link
            to={`/tenants/${encodeURIComponent(row.original.id)}`}
            className="strong"
            data-testid="tenant-link"
          >
            {row.original.name}
          </Link>
          <span className="muted mono small">{row.original.id}</span>
        </div>
      ),
    }),
    col.accessor("pre_upstream_url", {
      header: "Pre upstream",
      cell: (c) => <span className="mono small break">{c.getValue() ?? "—"}</span>,
      meta: { className: "hide-sm" },
    }),
    col.accessor("post_upstream_url", {
      header: "Post upstream",
      cell: (c) => <span className="mono small break">{c.getValue() ?? "—"}</span>,
      meta: { className: "hide-sm" },
    }),
    col.display({
      id: "credential",
      header: "Credential",
      cell: ({ row }) => <CredentialBadge tenant={row.original} />,
    }),
    col.accessor("api_users_count", {
      header: "API users",
      cell: ({ row }) => (
        <Link to={`/api-users?tenant_id=${encodeURIComponent(row.original.id)}`}>
          {formatNumber(row.original.api_users_count)}
        </Link>
      ),
      meta: { className: "num" },
    }),
    col.accessor("tokens_this_month", {
      header: "Tokens this month",
      cell: (c) => formatNumber(c.getValue()),
      meta: { className: "num hide-sm" },
    }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) => {
        const t = row.original;
        if (!onAction) return null;
        return (
          <ActionMenu
            label={`Actions for ${t.name}`}
            testId="tenant-actions"
            items={[
              {
                label: "Edit name and upstreams",
                onSelect: () => onAction("edit", t),
                testId: "tenant-edit",
              },
              {
                label: t.has_upstream_api_key ? "Replace credential…" : "Set credential…",
                onSelect: () => onAction("set-credential", t),
              },
              ...(t.has_upstream_api_key
                ? [{ label: "Clear credential…", onSelect: () => onAction("clear-credential", t) }]
                : []),
              {
                label: "Delete…",
                onSelect: () => onAction("delete", t),
                danger: true,
                testId: "tenant-delete",
              },
            ]}
          />
        );
      },
      meta: { className: "actions" },
    }),
  ];
}

export function TenantsPage() {
  const tenants = useTenants();
  const navigate = useNavigate();
  const actions = useTenantActions({
    onCreated: (t) => void navigate(`/tenants/${encodeURIComponent(t.id)}`),
  });
  const canManage = useCan()("manage");
  const cols = useMemo(() => columns(canManage ? actions.open : null), [actions.open, canManage]);
  return (
    <>
      <PageHeader
        title="Tenants"
        description="One tenant per Hermes deployment: its API users' requests go to its upstreams, never to another's."
        actions={
          canManage ? (
            <button
              type="button"
              className="button button-primary"
              onClick={actions.create}
              data-testid="create-tenant"
            >
              <Icon name="plus" size={16} /> Create tenant
            </button>
          ) : null
        }
      />
      {tenants.isPending ? (
        <LoadingState label="Loading tenants…" />
      ) : tenants.isError ? (
        <ErrorState what="Loading tenants" error={tenants.error} onRetry={() => void tenants.refetch()} />
      ) : tenants.data.data.length === 0 ? (
        <EmptyState title="No tenants." />
      ) : (
        <div className="card flush">
          <DataTable
            caption="Tenants"
            testId="tenants-table"
            columns={cols}
            data={tenants.data.data}
            getRowId={(t) => t.id}
          />
        </div>
      )}
      {actions.element}
    </>
  );
}
