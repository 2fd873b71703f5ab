/**
 * @module User detail (/api-users/:id): limits, key prefix and dates, this month's usage with its chart and outcome
 * split, the user's last requests from the audit log, and the admin trail entries about them.
 */
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { Card, DetailList } from "../../components/card";
import { DataTable } from "../../components/data-table";
import { PageHeader } from "../../components/page-header";
import { EmptyState, ErrorState, LoadingState } from "../../components/states";
import type { ApiUserResponse } from "../../lib/api-types";
import { formatDateTime, formatNumber, utcMonth } from "../../lib/format";
import { useEvents } from "../activity/activity-queries";
import { EventsTable } from "../activity/events-table";
import { logColumns } from "../audit-logs/log-columns";
import { useAuditLogs } from "../audit-logs/log-queries";
import { useApiUser } from "./api-user-queries";
import { GatewayChips, StatusBadges } from "./status-badges";
import { useCan } from "../../lib/permissions";
import { useUserActions } from "./user-actions";
import { UserUsageCard } from "./user-usage-card";

const RECENT_COLUMNS = logColumns({ showUser: false });

export function ApiUserDetailPage() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const user = useApiUser(id);
  const actions = useUserActions({ onDeleted: () => void navigate("/api-users", { replace: true }) });
  const month = params.get("month") || utcMonth();
  const canManage = useCan()("manage");

  if (user.isPending) return <LoadingState label="Loading the API user…" />;
  if (user.isError)
    return (
      <ErrorState what={`Loading API user ${id}`} error={user.error} onRetry={() => void user.refetch()} />
    );
  const u = user.data;

  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/api-users">API users</Link> / <span>{u.name}</span>
      </nav>
      <PageHeader
        title={<span data-testid="user-title">{u.name}</span>}
        description={<span className="mono">{u.id}</span>}
        actions={
          canManage ? (
            <>
              <button
                type="button"
                className="button"
                onClick={() => actions.open("edit", u)}
                data-testid="detail-edit"
              >
                Edit
              </button>
              <button
                type="button"
                className="button"
                onClick={() => actions.open("rotate", u)}
                data-testid="detail-rotate"
              >
                Rotate key
              </button>
              <button
                type="button"
                className="button"
                onClick={() => actions.open("revoke", u)}
                disabled={u.status === "revoked"}
                data-testid="detail-revoke"
              >
                Revoke
              </button>
              <button
                type="button"
                className="button button-danger"
                onClick={() => actions.open("delete", u)}
                data-testid="detail-delete"
              >
                Delete
              </button>
            </>
          ) : null
        }
      >
        <StatusBadges user={u} />
      </PageHeader>
      <div className="grid-2">
        <Card title="Limits" testId="user-limits">
          <DetailList
            items={[
              [
                "Tenant",
                <Link key="t" to={`/tenants/${encodeURIComponent(u.tenant_id)}`}>
                  {u.tenant_id}
                </Link>,
              ],
              ["Gateways", <GatewayChips key="g" gateways={u.gateways} />],
              ["Requests per minute", u.rpm_limit === null ? "unlimited" : formatNumber(u.rpm_limit)],
              [
                "Monthly token cap",
                u.monthly_token_cap === null ? "unlimited" : formatNumber(u.monthly_token_cap),
              ],
              ["Budget resets", formatDateTime(u.usage.reset_at)],
            ]}
          />
        </Card>
        <Card title="Key" testId="user-key">
          <DetailList items={keyDetails(u)} />
        </Card>
      </div>
      <UserUsageCard
        user={u}
        month={month}
        onMonth={(m) => setParams((p) => ({ ...Object.fromEntries(p), month: m }), { replace: true })}
      />
      <RecentRequests userId={u.id} />
      <UserTrail userId={u.id} />
      {actions.element}
    </>
  );
}

function keyDetails(u: ApiUserResponse): [string, React.ReactNode][] {
  return [
    [
      "Key prefix",
      <span key="p" className="mono" data-testid="user-key-prefix">
        {u.key_prefix}…
      </span>,
    ],
    ["Status", u.status],
    ["Created", formatDateTime(u.created_at)],
    ["Last rotated", u.last_rotated_at ? formatDateTime(u.last_rotated_at) : "never"],
    ["Revoked", u.revoked_at ? formatDateTime(u.revoked_at) : "—"],
    ["Last used", u.last_used_at ? formatDateTime(u.last_used_at) : "never"],
  ];
}

function RecentRequests({ userId }: { userId: string }) {
  const logs = useAuditLogs({ api_user_id: userId, limit: 10 });
  const navigate = useNavigate();
  return (
    <Card
      title="Last requests"
      testId="user-recent"
      actions={
        <Link to={`/logs?api_user_id=${encodeURIComponent(userId)}`}>All of this user's requests</Link>
      }
    >
      {logs.isPending ? (
        <LoadingState label="Loading requests…" />
      ) : logs.isError ? (
        <ErrorState
          what="Loading this user's requests"
          error={logs.error}
          onRetry={() => void logs.refetch()}
        />
      ) : logs.data.data.length === 0 ? (
        <EmptyState title="No request from this user yet." />
      ) : (
        <DataTable
          caption="Last requests"
          columns={RECENT_COLUMNS}
          data={logs.data.data}
          getRowId={(r) => String(r.id)}
          onRowClick={(r) => void navigate(`/logs?api_user_id=${encodeURIComponent(userId)}&id=${r.id}`)}
        />
      )}
    </Card>
  );
}

function UserTrail({ userId }: { userId: string }) {
  const events = useEvents({ target_type: "api_user", target_id: userId, limit: 20 });
  return (
    <Card
      title="Admin trail"
      testId="user-trail"
      actions={<Link to={`/activity?target_id=${encodeURIComponent(userId)}`}>Full trail</Link>}
    >
      {events.isPending ? (
        <LoadingState label="Loading the trail…" />
      ) : events.isError ? (
        <ErrorState
          what="Loading the admin trail"
          error={events.error}
          onRetry={() => void events.refetch()}
        />
      ) : events.data.data.length === 0 ? (
        <EmptyState title="No admin action on this user yet." />
      ) : (
        <EventsTable events={events.data.data} caption="Admin actions on this user" />
      )}
    </Card>
  );
}
