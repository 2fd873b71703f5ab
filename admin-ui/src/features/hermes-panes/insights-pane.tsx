/**
 * @module Insights (state.db): sessions, API calls, tokens and cost over 7/30/90 days, per day and per model, the
 * top tools and when the agent is busy. Each figure says where it comes from and what it leaves out, and estimated
 * cost (Hermes' price table) is never shown as if it were billed cost.
 */
import { useMemo } from "react";
import { BarChart } from "../../components/bar-chart";
import { Card, Stat } from "../../components/card";
import { formatCompact, formatNumber } from "../../lib/format";
import { useUrlFilters } from "../../lib/url-filters";
import { useHermesQuery } from "../hermes/hermes-api";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { DbState, Muted, TableFrame, usd } from "./pane-bits";
import type { InsightsView } from "./pane-types";

type Figure = InsightsView["daily"]["figure"];
type Usage = InsightsView["daily"]["data"][number];

const WINDOWS = [7, 30, 90] as const;
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

function FigureNote({ figure }: { figure: Figure }) {
  return (
    <div className="hp-note" data-testid="figure-note">
      <span>From: {figure.source}.</span>
      {figure.leaves_out.length ? (
        <>
          {" "}
          Leaves out:
          <ul>
            {figure.leaves_out.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

function UsageCells({ u }: { u: Omit<Usage, "day"> }) {
  const t = u.tokens;
  return (
    <>
      <td className="num">{formatNumber(u.sessions)}</td>
      <td className="num">{formatNumber(u.api_calls)}</td>
      <td
        className="num"
        title={`input ${formatNumber(t.input)}, output ${formatNumber(t.output)}, cache read ${formatNumber(
          t.cache_read,
        )}, cache write ${formatNumber(t.cache_write)}, reasoning ${formatNumber(t.reasoning)}`}
      >
        <div className="cell-stack hp-tokens">
          <span>
            {formatCompact(t.input)} in · {formatCompact(t.output)} out
          </span>
          <span className="small muted">
            cache {formatCompact(t.cache_read)} r / {formatCompact(t.cache_write)} w · reas.{" "}
            {formatCompact(t.reasoning)}
          </span>
        </div>
      </td>
      <td className="num">{usd(u.estimated_cost_usd)}</td>
      <td className="num">{usd(u.actual_cost_usd)}</td>
    </>
  );
}

function UsageHead({ first }: { first: string }) {
  return (
    <thead>
      <tr>
        <th>{first}</th>
        <th className="num">Sessions</th>
        <th className="num">API calls</th>
        <th className="num">Tokens</th>
        <th className="num">Est. cost</th>
        <th className="num">Actual cost</th>
      </tr>
    </thead>
  );
}

/** 0–5 by share of the busiest cell: a CSS class, since the CSP allows no inline style. */
function heat(n: number, max: number): string {
  if (n <= 0 || max <= 0) return "heat-0";
  return `heat-${Math.max(1, Math.ceil((n / max) * 5))}`;
}

function HeatRow({
  label,
  values,
  labels,
  testId,
}: {
  label: string;
  values: number[];
  labels: string[];
  testId: string;
}) {
  const max = Math.max(0, ...values);
  return (
    <div className={values.length === 7 ? "hp-heat hp-heat-7" : "hp-heat"} data-testid={testId}>
      <span />
      {labels.map((l) => (
        <span key={l} className="hp-heat-label">
          {l}
        </span>
      ))}
      <span className="hp-heat-label">{label}</span>
      {values.map((n, i) => (
        <span
          key={labels[i]}
          className={`hp-heat-cell ${heat(n, max)}`}
          title={`${labels[i]}: ${formatNumber(n)} sessions`}
          data-testid={`${testId}-${i}`}
        >
          {n ? formatCompact(n) : ""}
        </span>
      ))}
    </div>
  );
}

export function InsightsPane({ tenantId, profile }: HermesPaneProps) {
  const { values, update } = useUrlFilters(["days"] as const);
  const days = WINDOWS.find((d) => String(d) === values.days) ?? 30;
  const query = useHermesQuery<InsightsView>(tenantId, profile, "insights", { days });
  return (
    <div className="hp-cards">
      <div className="hp-toggle" role="group" aria-label="Window">
        {WINDOWS.map((d) => (
          <button
            key={d}
            type="button"
            className="button"
            aria-pressed={d === days}
            onClick={() => update({ days: d === 30 ? null : String(d) })}
            data-testid={`insights-${d}`}
          >
            {d} days
          </button>
        ))}
      </div>
      <QueryView query={query} what="Loading the insights">
        {(v) =>
          v.source.status === "ok" ? <Insights v={v} /> : <DbState source={v.source} what="state.db" />
        }
      </QueryView>
    </div>
  );
}

function Insights({ v }: { v: InsightsView }) {
  const t = v.totals;
  const chart = useMemo(
    () => ({
      days: v.daily.data.map((d) => d.day),
      bars: {
        label: "Sessions",
        values: v.daily.data.map((d) => d.sessions),
        color: "#3b5bdb",
        kind: "bars" as const,
      },
      line: {
        label: "Tokens (in + out)",
        values: v.daily.data.map((d) => (d.tokens.input ?? 0) + (d.tokens.output ?? 0)),
        color: "#e8590c",
        kind: "line" as const,
      },
    }),
    [v.daily.data],
  );
  const tokens = (t.tokens.input ?? 0) + (t.tokens.output ?? 0);
  return (
    <>
      <DbState source={v.source} what="state.db" />
      <p className="small muted" data-testid="insights-window">
        {v.window.days} days: {v.window.from.slice(0, 10)} to {v.window.to.slice(0, 10)} (UTC)
      </p>
      <div className="stats">
        <Stat label="Sessions" value={formatNumber(t.sessions)} testId="insights-sessions" />
        <Stat label="API calls" value={formatNumber(t.api_calls)} testId="insights-api-calls" />
        <Stat
          label="Tokens in / out"
          value={`${formatCompact(t.tokens.input)} / ${formatCompact(t.tokens.output)}`}
          hint={`${formatNumber(tokens)} in all; cache read ${formatCompact(t.tokens.cache_read)}, write ${formatCompact(
            t.tokens.cache_write,
          )}, reasoning ${formatCompact(t.tokens.reasoning)}`}
          testId="insights-tokens"
        />
        <Stat
          label="Estimated cost"
          value={usd(t.estimated_cost_usd)}
          hint="Hermes' own estimate from its price table — not a bill"
          testId="insights-estimated"
        />
        <Stat
          label="Actual cost"
          value={usd(t.actual_cost_usd)}
          hint={`reported by the provider for ${formatNumber(t.cost_coverage.with_actual)} sessions; ${formatNumber(
            t.cost_coverage.estimated_only,
          )} estimated only, ${formatNumber(t.cost_coverage.without_cost)} without cost`}
          testId="insights-actual"
        />
      </div>
      <FigureNote figure={t.figure} />
      <FigureNote figure={t.cost_figure} />

      <Card title="Per day" testId="insights-daily">
        {v.daily.data.length ? (
          <BarChart {...chart} caption="Sessions and tokens per day" testId="insights-chart" />
        ) : (
          <p className="muted">No sessions in this window.</p>
        )}
        <details>
          <summary className="small">Every figure per day</summary>
          <TableFrame caption="Usage per day">
            <UsageHead first="Day (UTC)" />
            <tbody>
              {v.daily.data.map((d) => (
                <tr key={d.day}>
                  <td className="mono">{d.day}</td>
                  <UsageCells u={d} />
                </tr>
              ))}
            </tbody>
          </TableFrame>
        </details>
        <FigureNote figure={v.daily.figure} />
      </Card>

      <Card title="Per model" testId="insights-models">
        <TableFrame caption="Usage per model" testId="insights-models-table">
          <UsageHead first="Model" />
          <tbody>
            {v.by_model.data.map((m) => (
              <tr key={`${m.model}:${m.task}:${m.billing_provider ?? ""}`} data-testid="model-row">
                <td>
                  <div className="cell-stack">
                    <span className="mono small">{m.model}</span>
                    <span className="small muted">
                      {m.task === "main" ? "agent loop" : m.task}
                      {m.billing_provider ? ` · ${m.billing_provider}` : ""} · from {m.from}
                    </span>
                  </div>
                </td>
                <UsageCells u={m} />
              </tr>
            ))}
          </tbody>
        </TableFrame>
        <FigureNote figure={v.by_model.figure} />
      </Card>

      <div className="hp-two">
        <Card title="Per source" testId="insights-sources">
          <TableFrame caption="Sessions per source">
            <thead>
              <tr>
                <th>Source</th>
                <th className="num">Sessions</th>
                <th className="num">Estimated</th>
                <th className="num">Actual</th>
              </tr>
            </thead>
            <tbody>
              {v.by_source.data.map((s) => (
                <tr key={s.source}>
                  <td>{s.source}</td>
                  <td className="num">{formatNumber(s.sessions)}</td>
                  <td className="num">{usd(s.estimated_cost_usd)}</td>
                  <td className="num">{usd(s.actual_cost_usd)}</td>
                </tr>
              ))}
            </tbody>
          </TableFrame>
          <FigureNote figure={v.by_source.figure} />
        </Card>
        <Card title="Top tools" testId="insights-tools">
          {v.top_tools.status === "partial" ? (
            <p className="small muted">
              Still counting: {formatNumber(v.top_tools.pending_messages)} messages to go (figures so far).
            </p>
          ) : null}
          {v.top_tools.status === "unavailable" ? <Muted>Not available for this state.db.</Muted> : null}
          <TableFrame caption="Tool calls per tool" testId="insights-tools-table">
            <thead>
              <tr>
                <th>Tool</th>
                <th className="num">Calls</th>
              </tr>
            </thead>
            <tbody>
              {v.top_tools.data.map((x) => (
                <tr key={x.tool} data-testid={`tool-${x.tool}`}>
                  <td className="mono">{x.tool}</td>
                  <td className="num">{formatNumber(x.calls)}</td>
                </tr>
              ))}
            </tbody>
          </TableFrame>
          <FigureNote figure={v.top_tools.figure} />
        </Card>
      </div>

      <Card title="Activity" testId="insights-activity">
        <HeatRow label="Day" values={v.activity.by_weekday} labels={WEEKDAYS} testId="heat-weekday" />
        <HeatRow
          label="Hour"
          values={v.activity.by_hour}
          labels={v.activity.by_hour.map((_, h) => String(h).padStart(2, "0"))}
          testId="heat-hour"
        />
        <FigureNote figure={v.activity.figure} />
      </Card>
    </>
  );
}
