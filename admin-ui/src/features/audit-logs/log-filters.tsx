/**
 * @module The audit log's filters: user, tenant, gateway, status or class, model, request id and a time range in
 * the admin's local zone (shown), sent to the server as UTC instants.
 */
import { SearchInput } from "../../components/search-input";
import { SelectFilter } from "../../components/select-filter";
import { isoDay, timeZoneLabel } from "../../lib/format";
import type { FilterPatch } from "../../lib/url-filters";
import { TenantFilter } from "../tenants/tenant-filter";

export const LOG_FILTERS = [
  "api_user_id",
  "tenant_id",
  "gateway",
  "status",
  "model",
  "q",
  "from",
  "to",
] as const;
export type LogFilterKey = (typeof LOG_FILTERS)[number];

const STATUSES = [
  ["2xx", "2xx success"],
  ["4xx", "4xx client errors"],
  ["401", "401 bad key"],
  ["403", "403 wrong gateway"],
  ["410", "410 rotated/revoked"],
  ["429", "429 rate or quota"],
  ["5xx", "5xx upstream errors"],
  ["502", "502 unreachable"],
  ["504", "504 timeout"],
] as const;

const GATEWAYS = [
  ["pre", "pre (:8645)"],
  ["post", "post (:8646)"],
] as const;

const pad = (n: number) => String(n).padStart(2, "0");

/** ISO instant → the value of a datetime-local input, in local time. */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${isoDay(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
/** A datetime-local value (local time) → an ISO instant in UTC. */
function fromLocalInput(v: string): string {
  if (!v) return "";
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}

export function LogFilters({
  values,
  update,
}: {
  values: Record<LogFilterKey, string>;
  update: (patch: FilterPatch<LogFilterKey>) => void;
}) {
  const any = LOG_FILTERS.some((k) => values[k]);
  return (
    <div className="filters" role="search" data-testid="log-filters">
      <SearchInput
        label="API user id"
        value={values.api_user_id}
        onChange={(v) => update({ api_user_id: v })}
        placeholder="usr_…"
        testId="logs-user"
      />
      <TenantFilter
        value={values.tenant_id}
        onChange={(tenant_id) => update({ tenant_id })}
        testId="logs-tenant"
      />
      <SelectFilter
        label="Gateway"
        value={values.gateway}
        onChange={(gateway) => update({ gateway })}
        anyLabel="Both"
        options={GATEWAYS}
        testId="logs-gateway"
      />
      <SelectFilter
        label="Status"
        value={values.status}
        onChange={(status) => update({ status })}
        anyLabel="Any"
        options={STATUSES}
        testId="logs-status"
      />
      <SearchInput
        label="Model"
        value={values.model}
        onChange={(v) => update({ model: v })}
        placeholder="exact model id"
        testId="logs-model"
      />
      <SearchInput
        label="Request id"
        value={values.q}
        onChange={(v) => update({ q: v })}
        placeholder="req_…"
        testId="logs-request-id"
      />
      <fieldset className="filter time-range">
        <legend className="filter-label">
          Time range{" "}
          <span className="muted" data-testid="logs-zone">
            ({timeZoneLabel()})
          </span>
        </legend>
        <span className="time-range-inputs">
          <input
            type="datetime-local"
            aria-label="From (inclusive)"
            value={values.from ? toLocalInput(values.from) : ""}
            onChange={(e) => update({ from: fromLocalInput(e.target.value) })}
            data-testid="logs-from"
          />
          <span aria-hidden="true">→</span>
          <input
            type="datetime-local"
            aria-label="To (exclusive)"
            value={values.to ? toLocalInput(values.to) : ""}
            onChange={(e) => update({ to: fromLocalInput(e.target.value) })}
            data-testid="logs-to"
          />
        </span>
      </fieldset>
      {any ? (
        <button
          type="button"
          className="button button-ghost"
          onClick={() =>
            update(Object.fromEntries(LOG_FILTERS.map((k) => [k, ""])) as FilterPatch<LogFilterKey>)
          }
        >
          Clear filters
        </button>
      ) : null}
    </div>
  );
}
