/**
 * @module Admin activity (/activity): the action trail, newest first, with actor, action, target, before/after
 * diff and IP, filtered by actor, action, target and time. Includes reads of prompts (audit.view, audit.export).
 */
import { PageHeader } from "../../components/page-header";
import { CursorPager } from "../../components/pager";
import { SearchInput } from "../../components/search-input";
import { SelectFilter } from "../../components/select-filter";
import { EmptyState, ErrorState, LoadingState } from "../../components/states";
import { timeZoneLabel } from "../../lib/format";
import { useCursorPages } from "../../lib/cursor-pages";
import { useUrlFilters } from "../../lib/url-filters";
import { useEvents } from "./activity-queries";
import { EventsTable } from "./events-table";

const TARGET_TYPES = [
  ["api_user", "API user"],
  ["tenant", "Tenant"],
  ["audit_log", "Audit log"],
  ["admin", "Admin"],
] as const;
const FILTERS = ["actor", "action", "target_type", "target_id", "from", "to"] as const;
const ACTIONS = [
  ["auth.", "Sign-ins and sign-outs"],
  ["auth.login_failed", "Failed sign-ins"],
  ["api_user.", "API users: all"],
  ["api_user.create", "API user created"],
  ["api_user.update", "API user edited"],
  ["api_user.rotate", "Key rotated"],
  ["api_user.revoke", "Key revoked"],
  ["api_user.delete", "API user deleted"],
  ["tenant.", "Tenants: all"],
  ["audit.", "Audit log reads: all"],
  ["audit.view", "Request opened (audit.view)"],
  ["audit.export", "JSONL exported (audit.export)"],
] as const;

export function ActivityPage() {
  const { values, update } = useUrlFilters(FILTERS);
  const key = JSON.stringify(values);
  const pages = useCursorPages(key);
  const events = useEvents({ ...values, limit: 50, cursor: pages.cursor });
  const day = (v: string) => (v ? v.slice(0, 10) : "");

  return (
    <>
      <PageHeader
        title="Admin activity"
        description="What admins did: sign-ins, changes to tenants and API users (with before and after), and every read of prompts and responses."
      />
      <div className="filters" role="search">
        <SearchInput
          label="Actor"
          value={values.actor}
          onChange={(v) => update({ actor: v })}
          placeholder="admin"
          testId="activity-actor"
        />
        <SelectFilter
          label="Action"
          value={values.action}
          onChange={(action) => update({ action })}
          anyLabel="All actions"
          options={ACTIONS}
          testId="activity-action"
        />
        <SelectFilter
          label="Target type"
          value={values.target_type}
          onChange={(target_type) => update({ target_type })}
          anyLabel="Any"
          options={TARGET_TYPES}
          testId="activity-target-type"
        />
        <SearchInput
          label="Target id"
          value={values.target_id}
          onChange={(v) => update({ target_id: v })}
          testId="activity-target-id"
        />
        <label className="filter">
          <span className="filter-label">From (UTC day)</span>
          <input type="date" value={day(values.from)} onChange={(e) => update({ from: e.target.value })} />
        </label>
        <label className="filter">
          <span className="filter-label">To (UTC day, exclusive)</span>
          <input type="date" value={day(values.to)} onChange={(e) => update({ to: e.target.value })} />
        </label>
      </div>
      <p className="muted small">Times are shown in {timeZoneLabel()}.</p>
      {events.isPending ? (
        <LoadingState label="Loading the action trail…" />
      ) : events.isError ? (
        <ErrorState
          what="Loading the action trail"
          error={events.error}
          onRetry={() => void events.refetch()}
        />
      ) : events.data.data.length === 0 ? (
        <EmptyState title="No admin action matches these filters." />
      ) : (
        <div className={events.isFetching ? "card flush refreshing" : "card flush"}>
          <EventsTable events={events.data.data} caption="Admin action trail" />
          <CursorPager pages={pages} nextCursor={events.data.next_cursor} />
        </div>
      )}
    </>
  );
}
