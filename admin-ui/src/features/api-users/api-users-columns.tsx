/**
 * @module The API users table's columns: name, tenant, gateways, key prefix, status badges, RPM, tokens this month
 * against the cap, last used, and the row's actions.
 */
import { createColumnHelper } from "@tanstack/react-table";
import { Link } from "react-router";
import { TokenMeter } from "../../components/meter";
import { ActionMenu } from "../../components/menu";
import type { ApiUserResponse } from "../../lib/api-types";
import { formatDateTime, formatNumber, formatRelative } from "../../lib/format";
import { GatewayChips, StatusBadges } from "./status-badges";
import type { UserAction } from "./user-actions";

const col = createColumnHelper<ApiUserResponse>();

/** `onAction` null: the role may not change API users, and the row has no action menu. */
export function apiUserColumns(onAction: ((action: UserAction, user: ApiUserResponse) => void) | null) {
  return [
    col.accessor("name", {
      header: "Name",
      cell: ({ row }) => (
        <div className="cell-stack">
          <Link
            to={`/api-users/${encodeURIComponent(row.original.id)}`}
            className="strong"
            data-testid="user-link"
          >
            {row.original.name}
          </Link>
          <span className="muted mono small">{row.original.id}</span>
          {/* On a phone the status column is folded in here. */}
          <span className="show-sm">
            <StatusBadges user={row.original} />
          </span>
        </div>
      ),
    }),
    col.accessor("tenant_id", {
      header: "Tenant",
      enableSorting: false,
      cell: (c) => <Link to={`/tenants/${encodeURIComponent(c.getValue())}`}>{c.getValue()}</Link>,
      meta: { className: "hide-sm" },
    }),
    col.accessor("gateways", {
      header: "Gateways",
      enableSorting: false,
      cell: (c) => <GatewayChips gateways={c.getValue()} />,
      meta: { className: "hide-sm" },
    }),
    col.accessor("key_prefix", {
      header: "Key",
      enableSorting: false,
      cell: (c) => <span className="mono small">{c.getValue()}…</span>,
      meta: { className: "hide-sm" },
    }),
    col.display({
      id: "status",
      header: "Status",
      cell: ({ row }) => <StatusBadges user={row.original} />,
      meta: { className: "status-cell hide-sm" },
    }),
    col.accessor("rpm_limit", {
      header: "RPM",
      enableSorting: false,
      cell: (c) =>
        c.getValue() === null ? <span className="muted">unlimited</span> : formatNumber(c.getValue()),
      meta: { className: "num hide-sm" },
    }),
    col.accessor((u) => u.usage.tokens_used, {
      id: "tokens_used",
      header: "Tokens this month",
      cell: ({ row }) => (
        <TokenMeter
          used={row.original.usage.tokens_used}
          reserved={row.original.usage.tokens_reserved}
          cap={row.original.monthly_token_cap}
          resetAt={row.original.usage.reset_at}
          compact
        />
      ),
      meta: { className: "meter-cell" },
    }),
    col.accessor("last_used_at", {
      header: "Last used",
      cell: (c) => <span title={formatDateTime(c.getValue())}>{formatRelative(c.getValue())}</span>,
      meta: { className: "hide-sm nowrap" },
    }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) => {
        const u = row.original;
        if (!onAction) return null;
        return (
          <ActionMenu
            label={`Actions for ${u.name}`}
            testId="row-actions"
            items={[
              {
                label: "Edit limits and gateways",
                onSelect: () => onAction("edit", u),
                testId: "action-edit",
              },
              { label: "Rotate key…", onSelect: () => onAction("rotate", u), testId: "action-rotate" },
              {
                label: "Revoke key…",
                onSelect: () => onAction("revoke", u),
                disabled: u.status === "revoked",
                testId: "action-revoke",
              },
              {
                label: "Delete…",
                onSelect: () => onAction("delete", u),
                danger: true,
                testId: "action-delete",
              },
            ]}
          />
        );
      },
      meta: { className: "actions" },
    }),
  ];
}
