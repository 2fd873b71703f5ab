/**
 * @module The action trail as a table: time, actor, action, target, IP, and the diff of each entry (expanded in
 * place).
 */
import { createColumnHelper } from "@tanstack/react-table";
import { Link } from "react-router";
import { Badge, type Tone } from "../../components/badge";
import { DataTable } from "../../components/data-table";
import { DateTime } from "../../components/date-time";
import type { AdminEventResponse } from "../../lib/api-types";
import { DiffView } from "./diff-view";

const col = createColumnHelper<AdminEventResponse>();

function actionTone(action: string): Tone {
  if (/delete|revoke|login_failed/.test(action)) return "danger";
  if (/rotate|update/.test(action)) return "warning";
  if (/create/.test(action)) return "success";
  if (action.startsWith("audit.")) return "info";
  return "neutral";
}

function targetLink(e: AdminEventResponse) {
  if (!e.target_id) return <span className="muted">—</span>;
  const label = `${e.target_type ?? ""} ${e.target_id}`.trim();
  if (e.target_type === "api_user")
    return <Link to={`/api-users/${encodeURIComponent(e.target_id)}`}>{label}</Link>;
  if (e.target_type === "tenant")
    return <Link to={`/tenants/${encodeURIComponent(e.target_id)}`}>{label}</Link>;
  if (e.target_type === "audit_log")
    return <Link to={`/logs?id=${encodeURIComponent(e.target_id)}`}>{label}</Link>;
  return label;
}

const COLUMNS = [
  col.accessor("ts", {
    header: "Time",
    cell: (c) => <DateTime iso={c.getValue()} />,
  }),
  col.accessor("actor", { header: "Actor" }),
  col.accessor("action", {
    header: "Action",
    cell: (c) => (
      <Badge tone={actionTone(c.getValue())} testId="event-action">
        {c.getValue()}
      </Badge>
    ),
  }),
  col.display({ id: "target", header: "Target", cell: ({ row }) => targetLink(row.original) }),
  col.accessor("ip", {
    header: "IP",
    cell: (c) => <span className="mono small">{c.getValue() ?? "—"}</span>,
    meta: { className: "hide-sm" },
  }),
  col.accessor("diff", {
    header: "Change",
    cell: (c) => <DiffView diff={c.getValue()} />,
    meta: { className: "diff-cell" },
  }),
];

export function EventsTable({ events, caption }: { events: AdminEventResponse[]; caption: string }) {
  return (
    <DataTable
      caption={caption}
      testId="events-table"
      rowTestId="event-row"
      columns={COLUMNS}
      data={events}
      getRowId={(e) => String(e.id)}
    />
  );
}
