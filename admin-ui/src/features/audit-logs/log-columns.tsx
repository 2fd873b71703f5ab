/**
 * @module The audit log table's columns: local time with offset, status, user, model, tokens, latency, and
 * whether the answer was streamed or aborted.
 */
import { createColumnHelper } from "@tanstack/react-table";
import { Badge, type Tone } from "../../components/badge";
import { DateTime } from "../../components/date-time";
import type { AuditLogSummary } from "../../lib/api-types";
import { formatMs, formatNumber } from "../../lib/format";

const col = createColumnHelper<AuditLogSummary>();

export function statusTone(status: number): Tone {
  if (status < 300) return "success";
  if (status === 429) return "warning";
  if (status < 500) return "danger";
  return "danger";
}

export function StatusBadge({ status, error }: { status: number; error: string | null }) {
  return (
    <Badge tone={statusTone(status)} hint={error ?? undefined} testId="log-status">
      {status}
    </Badge>
  );
}

export function TokensCell({ usage }: { usage: AuditLogSummary["usage"] }) {
  if (!usage || usage.total_tokens === null) return <span className="muted">—</span>;
  return (
    <span
      title={`${formatNumber(usage.prompt_tokens)} prompt + ${formatNumber(usage.completion_tokens)} completion`}
    >
      {formatNumber(usage.total_tokens)}
      {usage.source === "estimated" ? <span className="muted small"> est.</span> : null}
    </span>
  );
}

export function logColumns({ showUser = true }: { showUser?: boolean } = {}) {
  return [
    col.accessor("ts", {
      header: "Time",
      cell: (c) => <DateTime iso={c.getValue()} />,
    }),
    col.accessor("status", {
      header: "Status",
      cell: ({ row }) => <StatusBadge status={row.original.status} error={row.original.error} />,
    }),
    ...(showUser
      ? [
          col.accessor("api_user_name", {
            header: "User",
            cell: ({ row }) =>
              row.original.api_user_name ?? <span className="muted">{row.original.api_user_id ?? "—"}</span>,
          }),
        ]
      : []),
    col.accessor("model", {
      header: "Model",
      cell: (c) => c.getValue() ?? <span className="muted">—</span>,
      meta: { className: "hide-sm" },
    }),
    col.display({
      id: "tokens",
      header: "Tokens",
      cell: ({ row }) => <TokensCell usage={row.original.usage} />,
      meta: { className: "num" },
    }),
    col.accessor("latency_ms", {
      header: "Latency",
      cell: (c) => formatMs(c.getValue()),
      meta: { className: "num hide-sm" },
    }),
    col.display({
      id: "flags",
      header: "Flags",
      cell: ({ row }) => (
        <span className="badge-row">
          <span className="chip">{row.original.gateway}</span>
          {row.original.stream ? <Badge tone="info">streamed</Badge> : null}
          {row.original.aborted ? <Badge tone="warning">aborted</Badge> : null}
          {row.original.request_truncated || row.original.response_truncated ? (
            <Badge tone="muted">truncated</Badge>
          ) : null}
        </span>
      ),
      meta: { className: "hide-sm" },
    }),
  ];
}
