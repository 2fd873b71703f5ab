/**
 * @module Usage (/usage): for a date range and all tenants or one, the totals, a daily chart, top users and top
 * models, and a CSV of exactly what is on screen. Numbers come from the audit log.
 */
import { useMemo } from "react";
import { Link } from "react-router";
import { BarChart } from "../../components/bar-chart";
import { Card, Stat } from "../../components/card";
import { Icon } from "../../components/icons";
import { PageHeader } from "../../components/page-header";
import { ErrorState, LoadingState } from "../../components/states";
import { saveFile } from "../../lib/csv";
import { formatNumber } from "../../lib/format";
import { useUrlFilters } from "../../lib/url-filters";
import { TenantFilter } from "../tenants/tenant-filter";
import { usageCsv } from "./usage-csv";
import { TopTable } from "./top-table";
import { useUsageSummary } from "./usage-queries";

const FILTERS = ["from", "to", "tenant_id"] as const;

function utcDay(offsetDays = 0): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

export function UsagePage() {
  const { values, update } = useUrlFilters(FILTERS);
  const from = values.from || utcDay(-29);
  const to = values.to || utcDay();
  const report = useUsageSummary({ from, to, tenant_id: values.tenant_id, top: 10 });
  const chart = useMemo(() => {
    const daily = report.data?.daily ?? [];
    return {
      days: daily.map((d) => d.day),
      bars: {
        label: "Tokens",
        values: daily.map((d) => d.total_tokens),
        color: "#4f6bed",
        kind: "bars" as const,
      },
      line: {
        label: "Requests",
        values: daily.map((d) => d.requests),
        color: "#f08c2e",
        kind: "line" as const,
      },
    };
  }, [report.data]);

  return (
    <>
      <PageHeader
        title="Usage"
        description="Requests and tokens per day, from the audit log (every request to either gateway). Days are UTC."
        actions={
          <button
            type="button"
            className="button"
            disabled={!report.data}
            onClick={() =>
              report.data &&
              saveFile(
                `usage-${from}-${to}${values.tenant_id ? `-${values.tenant_id}` : ""}.csv`,
                usageCsv(report.data, values.tenant_id),
              )
            }
            data-testid="usage-csv"
          >
            <Icon name="download" size={16} /> Export CSV
          </button>
        }
      />
      <div className="filters">
        <label className="filter">
          <span className="filter-label">From (UTC day)</span>
          <input
            type="date"
            value={from}
            max={to}
            onChange={(e) => update({ from: e.target.value })}
            data-testid="usage-from"
          />
        </label>
        <label className="filter">
          <span className="filter-label">To (UTC day, inclusive)</span>
          <input
            type="date"
            value={to}
            min={from}
            onChange={(e) => update({ to: e.target.value })}
            data-testid="usage-to"
          />
        </label>
        <TenantFilter
          value={values.tenant_id}
          onChange={(tenant_id) => update({ tenant_id })}
          testId="usage-tenant"
        />
      </div>
      {report.isPending ? (
        <LoadingState label="Loading usage…" />
      ) : report.isError ? (
        <ErrorState what="Loading usage" error={report.error} onRetry={() => void report.refetch()} />
      ) : (
        <div className={report.isFetching ? "refreshing" : undefined}>
          <div className="stats" data-testid="usage-totals">
            <Stat
              label="Requests"
              value={formatNumber(report.data.totals.requests)}
              testId="total-requests"
            />
            <Stat
              label="Errors"
              value={formatNumber(report.data.totals.errors)}
              hint={`${formatNumber(report.data.totals.rate_limited)} rate-limited, ${formatNumber(report.data.totals.quota_exceeded)} over quota`}
              testId="total-errors"
            />
            <Stat
              label="Tokens in (prompt)"
              value={formatNumber(report.data.totals.prompt_tokens)}
              testId="total-prompt"
            />
            <Stat
              label="Tokens out (completion)"
              value={formatNumber(report.data.totals.completion_tokens)}
              testId="total-completion"
            />
            <Stat
              label="Total tokens"
              value={formatNumber(report.data.totals.total_tokens)}
              testId="total-tokens"
            />
          </div>
          <Card title="Daily">
            {report.data.totals.requests === 0 ? <p className="muted">No requests in this range.</p> : null}
            <BarChart
              testId="usage-chart"
              caption={`Daily tokens and requests, ${from} to ${to}`}
              {...chart}
            />
          </Card>
          <div className="grid-2">
            <TopTable
              title="Top users"
              testId="top-users"
              empty="No users in this range."
              head={["User", "Tenant"]}
              rows={report.data.top_users.map((u) => ({
                key: u.api_user_id,
                cells: [
                  <Link key="u" to={`/api-users/${encodeURIComponent(u.api_user_id)}`}>
                    {u.api_user_name ?? u.api_user_id}
                  </Link>,
                  u.tenant_id ?? "—",
                ],
                requests: u.requests,
                tokens: u.total_tokens,
              }))}
            />
            <TopTable
              title="Top models"
              testId="top-models"
              empty="No models in this range."
              head={["Model"]}
              rows={report.data.top_models.map((m) => ({
                key: m.model,
                cells: [
                  <span key="m" className="mono">
                    {m.model}
                  </span>,
                ],
                requests: m.requests,
                tokens: m.total_tokens,
              }))}
            />
          </div>
        </div>
      )}
    </>
  );
}
