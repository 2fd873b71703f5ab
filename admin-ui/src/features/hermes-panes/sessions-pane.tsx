/**
 * @module Sessions (state.db): a paged, filterable list of the profile's sessions, one session's messages on demand
 * (paged; tool calls collapsed), and the cron runs grouped under their job.
 */
import { useState } from "react";
import { Card } from "../../components/card";
import { DateTime } from "../../components/date-time";
import { CursorPager } from "../../components/pager";
import { SearchInput } from "../../components/search-input";
import { SelectFilter } from "../../components/select-filter";
import { EmptyState } from "../../components/states";
import { useCursorPages } from "../../lib/cursor-pages";
import { useUrlFilters } from "../../lib/url-filters";
import { formatCompact, formatNumber } from "../../lib/format";
import { useHermesQuery } from "../hermes/hermes-api";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { DbState, Muted, orDash, TableFrame, usd } from "./pane-bits";
import type { SessionsView } from "./pane-types";
import { SessionMessages } from "./session-messages";

type Summary = SessionsView["data"][number];

/** Kept in the URL, like every filter: a filtered list can be linked to. */
const FILTERS = ["source", "model", "from", "to", "q"] as const;

function Cost({ s }: { s: Summary }) {
  if (s.cost.actual_usd !== null)
    return <span title="reported by the provider">{usd(s.cost.actual_usd)}</span>;
  if (s.cost.estimated_usd !== null)
    return (
      <span className="muted" title="Hermes' estimate from its price table, not a bill">
        ~{usd(s.cost.estimated_usd)} est.
      </span>
    );
  return <Muted />;
}

function SessionsTable({
  rows,
  selected,
  onOpen,
  testId,
}: {
  rows: Summary[];
  selected: string | null;
  onOpen: (id: string) => void;
  testId: string;
}) {
  return (
    <TableFrame caption="Sessions" testId={testId}>
      <thead>
        <tr>
          <th>Started</th>
          <th>Title</th>
          <th>Source · model</th>
          <th className="num">Msgs</th>
          <th className="num">Tools</th>
          <th className="num">Tokens in / out</th>
          <th className="num">Cost</th>
          <th>End</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => (
          <tr
            key={s.id}
            className={s.id === selected ? "clickable selected" : "clickable"}
            data-testid={`session-${s.id}`}
            onClick={() => onOpen(s.id)}
          >
            <td>
              <DateTime iso={s.started_at} />
            </td>
            <td>
              <div className="cell-stack">
                <button type="button" className="hp-link" data-testid="session-open">
                  {s.title ?? <Muted>(untitled)</Muted>}
                </button>
                <span className="mono small muted">{s.id}</span>
              </div>
            </td>
            <td>
              <div className="cell-stack">
                <span data-testid="session-source">{s.source}</span>
                <span className="mono small muted hide-sm">{s.model ?? ""}</span>
              </div>
            </td>
            <td className="num" data-testid="session-messages">
              {formatNumber(s.message_count)}
            </td>
            <td className="num">{formatNumber(s.tool_call_count)}</td>
            <td className="num" title={tokenTitle(s.tokens)}>
              {formatCompact(s.tokens.input)} / {formatCompact(s.tokens.output)}
            </td>
            <td className="num">
              <Cost s={s} />
            </td>
            <td>{orDash(s.end_reason)}</td>
          </tr>
        ))}
      </tbody>
    </TableFrame>
  );
}

function tokenTitle(t: Summary["tokens"]): string {
  return `input ${formatNumber(t.input)}, output ${formatNumber(t.output)}, cache read ${formatNumber(
    t.cache_read,
  )}, cache write ${formatNumber(t.cache_write)}, reasoning ${formatNumber(t.reasoning)}`;
}

/** Local date (YYYY-MM-DD) → the start of that day, as the API's ISO time. */
function dayStart(day: string, plusDays = 0): string | undefined {
  if (!day) return undefined;
  const d = new Date(`${day}T00:00:00`);
  if (Number.isNaN(d.getTime())) return undefined;
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
}

export function SessionsPane({ tenantId, profile }: HermesPaneProps) {
  const { values: f, update } = useUrlFilters(FILTERS);
  const { source, model, from, to, q } = f;
  const [selected, setSelected] = useState<string | null>(null);
  const filters = { source, model, from: dayStart(from), to: dayStart(to, 1), q, cron: "exclude" };
  const pages = useCursorPages(JSON.stringify(filters));
  const list = useHermesQuery<SessionsView>(tenantId, profile, "sessions", {
    ...filters,
    limit: 25,
    cursor: pages.cursor,
  });
  const cron = useHermesQuery<SessionsView>(tenantId, profile, "sessions", { cron: "only", limit: 200 });
  const facets = list.data?.facets;

  return (
    <div className="hp-cards">
      <QueryView query={list} what="Loading the sessions">
        {(v) =>
          v.source.status !== "ok" ? (
            <DbState source={v.source} what="state.db" />
          ) : (
            <>
              <DbState source={v.source} what="state.db" />
              {v.missing_columns.length ? (
                <p className="small muted" data-testid="missing-columns">
                  This state.db is an older schema; these read as empty: {v.missing_columns.join(", ")}
                </p>
              ) : null}
              <div className="filters">
                <SelectFilter
                  label="Source"
                  value={source}
                  onChange={(v) => update({ source: v })}
                  anyLabel="Any source"
                  options={(facets?.sources ?? []).map(
                    (f) => [f.value, `${f.value} (${f.sessions})`] as const,
                  )}
                  testId="filter-source"
                />
                <SelectFilter
                  label="Model"
                  value={model}
                  onChange={(v) => update({ model: v })}
                  anyLabel="Any model"
                  options={(facets?.models ?? []).map(
                    (f) => [f.value, `${f.value} (${f.sessions})`] as const,
                  )}
                  testId="filter-model"
                />
                <label className="filter">
                  <span className="filter-label">From</span>
                  <input
                    type="date"
                    value={from}
                    onChange={(e) => update({ from: e.target.value })}
                    data-testid="filter-from"
                  />
                </label>
                <label className="filter">
                  <span className="filter-label">To</span>
                  <input
                    type="date"
                    value={to}
                    onChange={(e) => update({ to: e.target.value })}
                    data-testid="filter-to"
                  />
                </label>
                <SearchInput
                  value={q}
                  onChange={(v) => update({ q: v })}
                  label="Title or id"
                  testId="filter-q"
                />
              </div>
              {v.data.length === 0 ? (
                <EmptyState title="No sessions">None match these filters.</EmptyState>
              ) : (
                <Card
                  title={
                    <span>
                      Sessions{" "}
                      <span className="muted small" data-testid="sessions-total">
                        ({formatNumber(v.total)})
                      </span>
                    </span>
                  }
                >
                  <SessionsTable
                    rows={v.data}
                    selected={selected}
                    onOpen={setSelected}
                    testId="sessions-table"
                  />
                  <CursorPager pages={pages} nextCursor={v.next_cursor} />
                </Card>
              )}
            </>
          )
        }
      </QueryView>
      {selected ? (
        <SessionMessages
          key={selected}
          tenantId={tenantId}
          profile={profile}
          sessionId={selected}
          onClose={() => setSelected(null)}
        />
      ) : null}
      {list.data?.source.status === "ok" ? (
        <CronRuns query={cron} selected={selected} onOpen={setSelected} />
      ) : null}
    </div>
  );
}

/** The cron runs (`cron_<job>_<time>` sessions), one group per job, newest first as the API lists them. */
function CronRuns({
  query,
  selected,
  onOpen,
}: {
  query: ReturnType<typeof useHermesQuery<SessionsView>>;
  selected: string | null;
  onOpen: (id: string) => void;
}) {
  return (
    <QueryView query={query} what="Loading the cron runs">
      {(v) => {
        const groups = new Map<string, Summary[]>();
        for (const s of v.data) {
          const job = s.cron_job_id ?? "(unknown job)";
          groups.set(job, [...(groups.get(job) ?? []), s]);
        }
        return (
          <Card title={`Cron runs (${formatNumber(v.total)})`} testId="cron-runs">
            {groups.size === 0 ? (
              <p className="muted">No cron runs in this state.db.</p>
            ) : (
              [...groups].map(([job, rows]) => (
                <details key={job} className="hp-group" data-testid={`cron-group-${job}`}>
                  <summary>
                    Job <span className="mono">{job}</span> · {formatNumber(rows.length)} run
                    {rows.length === 1 ? "" : "s"}
                  </summary>
                  <SessionsTable
                    rows={rows}
                    selected={selected}
                    onOpen={onOpen}
                    testId={`cron-table-${job}`}
                  />
                </details>
              ))
            )}
            {v.next_cursor ? (
              <p className="small muted">Showing the newest {formatNumber(v.data.length)}.</p>
            ) : null}
          </Card>
        );
      }}
    </QueryView>
  );
}
