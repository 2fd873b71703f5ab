/**
 * @module API users (/api-users): the paged, searchable table of API users and their keys, with create and the row
 * actions. Search, filters, sort and page live in the URL; paging and sorting happen on the server.
 */
import { useMemo } from "react";
import { DataTable, sortFromParam, sortToParam } from "../../components/data-table";
import { Icon } from "../../components/icons";
import { PageHeader } from "../../components/page-header";
import { Pager } from "../../components/pager";
import { SearchInput } from "../../components/search-input";
import { SelectFilter } from "../../components/select-filter";
import { EmptyState, ErrorState, LoadingState } from "../../components/states";
import { useUrlFilters } from "../../lib/url-filters";
import { TenantFilter } from "../tenants/tenant-filter";
import { useApiUsers } from "./api-user-queries";
import { apiUserColumns } from "./api-users-columns";
import { BADGES } from "./status-badges";
import { useUserActions } from "./user-actions";
import { useCan } from "../../lib/permissions";

const FILTERS = ["q", "tenant_id", "status", "sort", "limit"] as const;
const STATUS_FILTERS = [
  "active",
  "revoked",
  "rotated",
  "over_cap",
  "near_cap",
  "rate_limited",
  "never_used",
] as const;

export function ApiUsersPage() {
  const { values, page, update } = useUrlFilters(FILTERS);
  const limit = Number(values.limit) || 50;
  const query = { ...values, limit, page, sort: values.sort || "-created_at" };
  const users = useApiUsers(query);
  const actions = useUserActions({ defaultTenant: values.tenant_id || undefined });
  const can = useCan();
  const canManage = can("manage");
  const columns = useMemo(() => apiUserColumns(canManage ? actions.open : null), [actions.open, canManage]);
  const filtered = Boolean(values.q || values.tenant_id || values.status);

  return (
    <>
      <PageHeader
        title="API users"
        description="Each API user has one key (hms_…), a tenant, the gateways it may call, and its limits."
        actions={
          canManage ? (
            <button
              type="button"
              className="button button-primary"
              onClick={actions.create}
              data-testid="create-user"
            >
              <Icon name="plus" size={16} /> Create API user
            </button>
          ) : null
        }
      />
      <div className="filters" role="search">
        <SearchInput
          label="Search"
          value={values.q}
          onChange={(q) => update({ q })}
          placeholder="Name, or key prefix (hms_…)"
          testId="users-search"
        />
        <TenantFilter
          value={values.tenant_id}
          onChange={(tenant_id) => update({ tenant_id })}
          testId="users-tenant"
        />
        <SelectFilter
          label="Status"
          value={values.status}
          onChange={(status) => update({ status })}
          anyLabel="Any status"
          options={STATUS_FILTERS.map((s) => [s, BADGES[s].label] as const)}
          testId="users-status"
        />
      </div>
      {users.isPending ? (
        <LoadingState label="Loading API users…" />
      ) : users.isError ? (
        <ErrorState what="Loading API users" error={users.error} onRetry={() => void users.refetch()} />
      ) : users.data.data.length === 0 ? (
        <EmptyState title={filtered ? "No API user matches these filters." : "No API users yet."}>
          {filtered ? (
            <button
              type="button"
              className="button"
              onClick={() => update({ q: "", tenant_id: "", status: "" })}
            >
              Clear filters
            </button>
          ) : (
            <button type="button" className="button button-primary" onClick={actions.create}>
              Create the first API user
            </button>
          )}
        </EmptyState>
      ) : (
        <div className={users.isFetching ? "card flush refreshing" : "card flush"}>
          <DataTable
            caption="API users"
            testId="users-table"
            columns={columns}
            data={users.data.data}
            getRowId={(u) => u.id}
            sorting={sortFromParam(query.sort)}
            onSortingChange={(s) => update({ sort: sortToParam(s) })}
          />
          <Pager
            page={users.data.page}
            limit={users.data.limit}
            total={users.data.total}
            onPage={(p) => update({ page: String(p) })}
          />
        </div>
      )}
      {actions.element}
    </>
  );
}
