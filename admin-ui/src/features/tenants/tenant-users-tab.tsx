/**
 * @module A tenant's API users (first page, newest first), linking to the full filtered list.
 */
import { Link } from "react-router";
import { Card } from "../../components/card";
import { EmptyState, ErrorState, LoadingState } from "../../components/states";
import { formatNumber } from "../../lib/format";
import { useApiUsers } from "../api-users/api-user-queries";
import { StatusBadges } from "../api-users/status-badges";

export function TenantUsersTab({ tenantId }: { tenantId: string }) {
  const users = useApiUsers({ tenant_id: tenantId, limit: 20, page: 1, sort: "-created_at" });
  return (
    <Card
      title="API users"
      actions={<Link to={`/api-users?tenant_id=${encodeURIComponent(tenantId)}`}>Manage in API users</Link>}
    >
      {users.isPending ? (
        <LoadingState label="Loading API users…" />
      ) : users.isError ? (
        <ErrorState
          what="Loading this tenant's API users"
          error={users.error}
          onRetry={() => void users.refetch()}
        />
      ) : users.data.data.length === 0 ? (
        <EmptyState title="No API users on this tenant." />
      ) : (
        <ul className="plain-list">
          {users.data.data.map((u) => (
            <li key={u.id}>
              <Link to={`/api-users/${encodeURIComponent(u.id)}`}>{u.name}</Link>{" "}
              <span className="mono small muted">{u.key_prefix}…</span> <StatusBadges user={u} />{" "}
              <span className="muted small">{formatNumber(u.usage.tokens_used)} tokens this month</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
