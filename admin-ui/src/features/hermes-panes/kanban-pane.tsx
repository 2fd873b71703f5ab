/**
 * @module Kanban (kanban.db at the Hermes root, shared by profiles; other boards under kanban/boards/<slug>/): tasks
 * counted by status, assignee and priority, filtered and paged; one task's comments, events and runs on demand.
 */
import { useState } from "react";
import { Badge } from "../../components/badge";
import { Card, DetailList } from "../../components/card";
import { DateTime } from "../../components/date-time";
import { CursorPager } from "../../components/pager";
import { SelectFilter } from "../../components/select-filter";
import { EmptyState } from "../../components/states";
import { useCursorPages } from "../../lib/cursor-pages";
import { useUrlFilters } from "../../lib/url-filters";
import { formatNumber } from "../../lib/format";
import { useHermesQuery } from "../hermes/hermes-api";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { DbState, orDash, TableFrame, TextBlock } from "./pane-bits";
import type { KanbanView, TaskView } from "./pane-types";

type Count = KanbanView["counts"]["by_status"][number];

function Counts({ title, counts, testId }: { title: string; counts: Count[]; testId: string }) {
  return (
    <div data-testid={testId}>
      <p className="stat-label">{title}</p>
      <ul className="plain-list small">
        {counts.map((c) => (
          <li key={String(c.value)} data-testid={`${testId}-${c.value ?? "none"}`}>
            <span className="mono">{c.value ?? "(none)"}</span>: {formatNumber(c.tasks)}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function KanbanPane({ tenantId, profile }: HermesPaneProps) {
  const { values: filters, update } = useUrlFilters(["board", "status", "assignee"] as const);
  const { board, status, assignee } = filters;
  const [open, setOpen] = useState<string | null>(null);
  const pages = useCursorPages(JSON.stringify(filters));
  const query = useHermesQuery<KanbanView>(tenantId, profile, "kanban", {
    ...filters,
    limit: 50,
    cursor: pages.cursor,
  });
  return (
    <QueryView query={query} what="Loading the kanban board">
      {(v) =>
        v.source.status !== "ok" ? (
          <DbState source={v.source} what="kanban.db" />
        ) : (
          <div className="hp-cards">
            <p className="small muted">
              Kanban belongs to the Hermes home: every profile sees the same boards.
            </p>
            <DbState source={v.source} what="kanban.db" />
            <div className="filters">
              <label className="filter">
                <span className="filter-label">Board</span>
                <select
                  value={board || v.board}
                  onChange={(e) => {
                    setOpen(null);
                    update({ board: e.target.value, status: null, assignee: null });
                  }}
                  data-testid="kanban-board"
                >
                  {v.boards.map((b) => (
                    <option key={b.slug} value={b.slug}>
                      {b.slug}
                      {b.current ? " (current)" : ""}
                    </option>
                  ))}
                </select>
              </label>
              <SelectFilter
                label="Status"
                value={status}
                onChange={(v) => update({ status: v })}
                anyLabel="Any status"
                options={v.counts.by_status.filter((c) => c.value).map((c) => [c.value!, c.value!] as const)}
                testId="kanban-status"
              />
              <SelectFilter
                label="Assignee"
                value={assignee}
                onChange={(v) => update({ assignee: v })}
                anyLabel="Anyone"
                options={v.counts.by_assignee
                  .filter((c) => c.value)
                  .map((c) => [c.value!, c.value!] as const)}
                testId="kanban-assignee"
              />
            </div>
            <Card title={`Board ${v.board}: ${formatNumber(v.total)} tasks`} testId="kanban-counts">
              <div className="hp-two">
                <Counts title="By status" counts={v.counts.by_status} testId="kanban-by-status" />
                <Counts title="By assignee" counts={v.counts.by_assignee} testId="kanban-by-assignee" />
                <Counts title="By priority" counts={v.counts.by_priority} testId="kanban-by-priority" />
              </div>
            </Card>
            {v.data.length === 0 ? (
              <EmptyState title="No tasks" />
            ) : (
              <Card title="Tasks" testId="kanban-tasks">
                <TableFrame caption="Tasks" testId="kanban-table">
                  <thead>
                    <tr>
                      <th>Task</th>
                      <th>Status</th>
                      <th>Assignee</th>
                      <th className="num">Priority</th>
                      <th className="hide-sm">Created</th>
                    </tr>
                  </thead>
                  <tbody>
                    {v.data.map((t) => (
                      <tr
                        key={t.id}
                        className={t.id === open ? "clickable selected" : "clickable"}
                        onClick={() => setOpen(t.id)}
                        data-testid={`task-${t.id}`}
                      >
                        <td>
                          <div className="cell-stack">
                            <button type="button" className="hp-link" data-testid="task-open">
                              {t.title ?? t.id}
                            </button>
                            <span className="mono small muted">{t.id}</span>
                            {t.last_failure_error ? (
                              <span className="small break">
                                {formatNumber(t.consecutive_failures)} failures: {t.last_failure_error}
                              </span>
                            ) : null}
                          </div>
                        </td>
                        <td>
                          <Badge
                            tone={
                              t.status === "blocked" ? "warning" : t.status === "done" ? "success" : "neutral"
                            }
                          >
                            {t.status}
                          </Badge>
                          {t.block_kind ? <div className="small muted">{t.block_kind}</div> : null}
                        </td>
                        <td>{orDash(t.assignee)}</td>
                        <td className="num">{orDash(t.priority)}</td>
                        <td className="hide-sm">
                          <DateTime iso={t.created_at} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </TableFrame>
                <CursorPager pages={pages} nextCursor={v.next_cursor} />
              </Card>
            )}
            {open ? (
              <TaskDetail
                key={`${v.board}:${open}`}
                tenantId={tenantId}
                profile={profile}
                board={v.board}
                task={open}
                onClose={() => setOpen(null)}
              />
            ) : null}
          </div>
        )
      }
    </QueryView>
  );
}

function TaskDetail(p: {
  tenantId: string;
  profile: string | null;
  board: string;
  task: string;
  onClose: () => void;
}) {
  const query = useHermesQuery<TaskView>(
    p.tenantId,
    p.profile,
    `kanban/tasks/${encodeURIComponent(p.task)}`,
    {
      board: p.board,
    },
  );
  return (
    <Card
      title={
        <span>
          Task <span className="mono">{p.task}</span>
        </span>
      }
      className="hp-detail"
      testId="task-detail"
      actions={
        <button type="button" className="button" onClick={p.onClose}>
          Close
        </button>
      }
    >
      <QueryView query={query} what="Loading the task">
        {(v) => (
          <>
            <DetailList
              items={[
                ["Title", <span data-testid="task-title">{orDash(v.task.title)}</span>],
                ["Status", v.task.status],
                ["Assignee", orDash(v.task.assignee)],
                ["Created by", orDash(v.task.created_by)],
                ["Started", <DateTime iso={v.task.started_at} />],
                ["Completed", <DateTime iso={v.task.completed_at} />],
                ["Session", orDash(v.task.session_id)],
                ["Parents", orDash(v.links.parents.join(", "))],
                ["Children", orDash(v.links.children.join(", "))],
              ]}
            />
            <h3 className="small">Body</h3>
            <TextBlock text={v.task.body} testId="task-body" />
            {v.task.result ? (
              <>
                <h3 className="small">Result</h3>
                <TextBlock text={v.task.result} />
              </>
            ) : null}
            <h3 className="small">Comments ({v.comments.length})</h3>
            <ol className="conversation" data-testid="task-comments">
              {v.comments.map((c) => (
                <li key={c.id} className="turn">
                  <div className="turn-role">
                    {c.author ?? "—"} · <DateTime iso={c.created_at} />
                  </div>
                  <div className="turn-text">{c.body?.text ?? ""}</div>
                </li>
              ))}
            </ol>
            <h3 className="small">Runs ({v.runs.length})</h3>
            <TableFrame caption="Runs" testId="task-runs">
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Profile</th>
                  <th>Status</th>
                  <th>Started</th>
                  <th>Summary or error</th>
                </tr>
              </thead>
              <tbody>
                {v.runs.map((r) => (
                  <tr key={r.id}>
                    <td className="num">{r.id}</td>
                    <td>{orDash(r.profile)}</td>
                    <td>
                      {orDash(r.status)}
                      {r.outcome ? <div className="small muted">{r.outcome}</div> : null}
                    </td>
                    <td>
                      <DateTime iso={r.started_at} />
                    </td>
                    <td className="break small">{r.error ?? r.summary ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </TableFrame>
            <h3 className="small">Events ({v.events.length})</h3>
            <TableFrame caption="Events" testId="task-events">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Kind</th>
                  <th>Payload</th>
                </tr>
              </thead>
              <tbody>
                {v.events.map((e) => (
                  <tr key={e.id}>
                    <td>
                      <DateTime iso={e.created_at} />
                    </td>
                    <td className="mono">{e.kind}</td>
                    <td className="mono small break">{e.payload ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </TableFrame>
          </>
        )}
      </QueryView>
    </Card>
  );
}
