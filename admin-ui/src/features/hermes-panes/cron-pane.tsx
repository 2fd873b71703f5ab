/**
 * @module Cron (cron/jobs.json): each job's schedule, state, model, last and next run, last status and error,
 * delivery and its latest runs from state.db; its outputs (cron/output/<job>/) listed and read on demand.
 */
import { useState } from "react";
import { Badge } from "../../components/badge";
import { Card, DetailList } from "../../components/card";
import { DateTime } from "../../components/date-time";
import { CursorPager } from "../../components/pager";
import { EmptyState } from "../../components/states";
import { useCursorPages } from "../../lib/cursor-pages";
import { formatBytes, formatNumber } from "../../lib/format";
import { useHermesQuery } from "../hermes/hermes-api";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { Chips, FileNote, orDash, TableFrame, TextBlock, usd, YesNo, type DetailItem } from "./pane-bits";
import type { CronOutputsView, CronOutputView, CronView } from "./pane-types";

type Job = CronView["data"][number];

const STATE_TONE: Record<string, "success" | "danger" | "warning" | "muted"> = {
  scheduled: "success",
  running: "success",
  error: "danger",
  paused: "warning",
  completed: "muted",
};

export function CronPane({ tenantId, profile }: HermesPaneProps) {
  const query = useHermesQuery<CronView>(tenantId, profile, "cron");
  return (
    <QueryView query={query} what="Loading the cron jobs">
      {(v) => (
        <div className="hp-cards">
          <FileNote file={v.file} what="cron/jobs.json" />
          <p className="small muted" data-testid="cron-ticker">
            Scheduler heartbeat: <DateTime iso={v.ticker.heartbeat_at} /> · last success:{" "}
            <DateTime iso={v.ticker.last_success_at} />
          </p>
          {v.data.length === 0 ? (
            <EmptyState title="No cron jobs" />
          ) : (
            v.data.map((j) => <JobCard key={j.id} job={j} tenantId={tenantId} profile={profile} />)
          )}
          {v.orphan_outputs.length ? (
            <p className="small muted" data-testid="cron-orphans">
              Output directories of jobs no longer in jobs.json: {v.orphan_outputs.join(", ")}
            </p>
          ) : null}
        </div>
      )}
    </QueryView>
  );
}

function JobCard({ job: j, tenantId, profile }: { job: Job; tenantId: string; profile: string | null }) {
  const [outputs, setOutputs] = useState(false);
  return (
    <Card
      title={
        <span>
          {j.name ?? j.id}{" "}
          <Badge tone={STATE_TONE[j.state ?? ""] ?? "neutral"} testId="cron-state">
            {j.state ?? "unknown"}
          </Badge>{" "}
          {j.enabled ? null : <Badge tone="muted">disabled</Badge>}
        </span>
      }
      testId={`cron-job-${j.id}`}
    >
      <DetailList
        items={[
          ["Job id", <span className="mono">{j.id}</span>],
          [
            "Schedule",
            <span data-testid="cron-schedule">
              {j.schedule.display ?? j.schedule.expr ?? j.schedule.run_at ?? "—"}
              {j.schedule.expr && j.schedule.display ? (
                <span className="mono muted"> ({j.schedule.expr})</span>
              ) : null}
            </span>,
          ],
          ["Model", `${j.model ?? "default"}${j.provider ? ` · ${j.provider}` : ""}`],
          ["Skills", <Chips items={j.skills} empty="none" />],
          ["Delivery", orDash(j.deliver)],
          ["Repeat", j.repeat ? `${formatNumber(j.repeat.completed)} of ${j.repeat.times ?? "∞"}` : "—"],
          ["Last run", <DateTime iso={j.last_run_at} />],
          ["Next run", <DateTime iso={j.next_run_at} />],
          ["Last status", <span data-testid="cron-last-status">{orDash(j.last_status)}</span>],
          ...(j.last_error
            ? [["Last error", <span className="break">{j.last_error}</span>] as DetailItem]
            : []),
          ...(j.last_delivery_error
            ? [["Delivery error", <span className="break">{j.last_delivery_error}</span>] as DetailItem]
            : []),
          ...(j.paused_reason ? [["Paused", j.paused_reason] as DetailItem] : []),
          ["Script", <YesNo value={j.has_script} />],
        ]}
      />
      {j.prompt ? (
        <details>
          <summary className="small">Prompt</summary>
          <pre className="code hp-pre">{j.prompt}</pre>
        </details>
      ) : null}
      <h3 className="small">Latest runs {j.runs ? `(${formatNumber(j.runs.total)} in state.db)` : ""}</h3>
      {j.runs === null ? (
        <p className="small muted">state.db is not readable.</p>
      ) : j.runs.latest.length === 0 ? (
        <p className="small muted">No runs in state.db.</p>
      ) : (
        <TableFrame caption="Latest runs" testId="cron-runs-table">
          <thead>
            <tr>
              <th>Session</th>
              <th>Started</th>
              <th>End</th>
              <th className="num">Msgs</th>
              <th className="num">Est. cost</th>
            </tr>
          </thead>
          <tbody>
            {j.runs.latest.map((r) => (
              <tr key={r.session_id}>
                <td className="mono small break">{r.session_id}</td>
                <td>
                  <DateTime iso={r.started_at} />
                </td>
                <td>{orDash(r.end_reason)}</td>
                <td className="num">{formatNumber(r.message_count)}</td>
                <td className="num">{usd(r.estimated_cost_usd)}</td>
              </tr>
            ))}
          </tbody>
        </TableFrame>
      )}
      <p className="small">
        Outputs: {formatNumber(j.outputs.count)} ({formatBytes(j.outputs.bytes)}){" "}
        {j.outputs.count ? (
          <button
            type="button"
            className="hp-link"
            onClick={() => setOutputs((o) => !o)}
            data-testid="cron-outputs"
          >
            {outputs ? "hide" : "list them"}
          </button>
        ) : null}
      </p>
      {outputs ? <Outputs tenantId={tenantId} profile={profile} job={j.id} /> : null}
    </Card>
  );
}

function Outputs({ tenantId, profile, job }: { tenantId: string; profile: string | null; job: string }) {
  const pages = useCursorPages(job);
  const [open, setOpen] = useState<string | null>(null);
  const query = useHermesQuery<CronOutputsView>(
    tenantId,
    profile,
    `cron/${encodeURIComponent(job)}/outputs`,
    {
      limit: 20,
      before: pages.cursor,
    },
  );
  return (
    <QueryView query={query} what="Loading the outputs">
      {(v) => (
        <>
          <ul className="plain-list" data-testid="cron-output-list">
            {v.data.map((o) => (
              <li key={o.name}>
                <button
                  type="button"
                  className="hp-link mono"
                  onClick={() => setOpen(o.name)}
                  data-testid="cron-output"
                >
                  {o.name}
                </button>{" "}
                <span className="small muted">
                  {formatBytes(o.size_bytes)} · <DateTime iso={o.modified_at} />
                </span>
                {open === o.name ? (
                  <Output tenantId={tenantId} profile={profile} job={job} name={o.name} />
                ) : null}
              </li>
            ))}
          </ul>
          <CursorPager pages={pages} nextCursor={v.next_cursor} />
        </>
      )}
    </QueryView>
  );
}

function Output(p: { tenantId: string; profile: string | null; job: string; name: string }) {
  const query = useHermesQuery<CronOutputView>(
    p.tenantId,
    p.profile,
    `cron/${encodeURIComponent(p.job)}/outputs/${encodeURIComponent(p.name)}`,
  );
  return (
    <QueryView query={query} what="Loading the output">
      {(v) => <TextBlock text={v.content} testId="cron-output-text" />}
    </QueryView>
  );
}
