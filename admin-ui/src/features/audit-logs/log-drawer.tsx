/**
 * @module One audit record in a side drawer: its metadata, then the prompt and the response as a conversation,
 * raw JSON on a toggle, and a plain note when a body was truncated. Opening it is recorded as `audit.view`.
 */
import { useState } from "react";
import { Link } from "react-router";
import { DetailList } from "../../components/card";
import { Dialog } from "../../components/dialog";
import { ErrorState, LoadingState } from "../../components/states";
import type { AuditLogDetail } from "../../lib/api-types";
import { formatBytes, formatDateTime, formatMs, formatNumber } from "../../lib/format";
import { Conversation, promptTurns, responseTurns } from "./conversation";
import { StatusBadge } from "./log-columns";
import { useAuditLog } from "./log-queries";

export function LogDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const log = useAuditLog(id);
  return (
    <Dialog
      title={`Request ${log.data?.request_id ?? id}`}
      onClose={onClose}
      variant="drawer"
      testId="log-drawer"
    >
      {log.isPending ? (
        <LoadingState label="Loading the record…" />
      ) : log.isError ? (
        <ErrorState
          what={`Loading audit record ${id}`}
          error={log.error}
          onRetry={() => void log.refetch()}
        />
      ) : (
        <LogDetail log={log.data} />
      )}
    </Dialog>
  );
}

function LogDetail({ log }: { log: AuditLogDetail }) {
  const [raw, setRaw] = useState(false);
  const usage = log.usage;
  return (
    <div className="log-detail">
      <DetailList
        items={[
          ["Time", formatDateTime(log.ts)],
          ["Status", <StatusBadge key="s" status={log.status} error={log.error} />],
          ...(log.error
            ? ([
                [
                  "Error",
                  <span key="e" className="mono">
                    {log.error}
                  </span>,
                ],
              ] as [string, React.ReactNode][])
            : []),
          [
            "API user",
            log.api_user_id ? (
              <Link key="u" to={`/api-users/${encodeURIComponent(log.api_user_id)}`}>
                {log.api_user_name ?? log.api_user_id}
              </Link>
            ) : (
              "—"
            ),
          ],
          ["Tenant", log.tenant_id ?? "—"],
          ["Request", <span key="r" className="mono">{`${log.gateway} · ${log.method} ${log.path}`}</span>],
          ["Model", log.model ?? "—"],
          [
            "Tokens",
            usage
              ? `${formatNumber(usage.prompt_tokens)} in + ${formatNumber(usage.completion_tokens)} out = ${formatNumber(usage.total_tokens)}${usage.source === "estimated" ? " (estimated)" : ""}`
              : "—",
          ],
          ["Latency", `${formatMs(log.latency_ms)} (first byte ${formatMs(log.ttfb_ms)})`],
          [
            "Streamed",
            log.stream
              ? log.aborted
                ? "yes, aborted by the client"
                : "yes"
              : log.aborted
                ? "no, aborted by the client"
                : "no",
          ],
          [
            "Client",
            <span
              key="c"
              className="mono small"
            >{`${log.client_ip ?? "—"} · ${log.user_agent ?? "—"}`}</span>,
          ],
          [
            "Request id",
            <span key="q" className="mono">
              {log.request_id}
            </span>,
          ],
        ]}
      />
      {"bodies_withheld" in log ? (
        // Viewers read metadata only: the server leaves the bodies out.
        <p className="callout callout-info small" data-testid="bodies-withheld">
          Prompt and response are not shown to your role (viewer).
        </p>
      ) : (
        <>
          <div className="button-row">
            <button
              type="button"
              className="button"
              aria-pressed={raw}
              onClick={() => setRaw((r) => !r)}
              data-testid="raw-toggle"
            >
              {raw ? "Show as conversation" : "Show raw JSON"}
            </button>
          </div>
          <Body
            title="Prompt"
            value={log.prompt}
            truncated={log.request_truncated}
            bytes={log.request_bytes}
            raw={raw}
            turns={promptTurns(log.prompt)}
            testId="log-prompt"
          />
          <Body
            title="Response"
            value={log.response}
            truncated={log.response_truncated}
            bytes={log.response_bytes}
            raw={raw}
            turns={responseTurns(log.response)}
            testId="log-response"
          />
        </>
      )}
    </div>
  );
}

function Body({
  title,
  value,
  truncated,
  bytes,
  raw,
  turns,
  testId,
}: {
  title: string;
  value: unknown;
  truncated: boolean;
  bytes: number | null;
  raw: boolean;
  turns: ReturnType<typeof promptTurns>;
  testId: string;
}) {
  return (
    <section className="log-body" data-testid={testId}>
      <h3>
        {title} <span className="muted small">{bytes !== null ? formatBytes(bytes) : ""}</span>
      </h3>
      {truncated ? (
        <p className="callout callout-warning small" data-testid={`${testId}-truncated`}>
          Truncated: only the first part of this body was stored (HERMES_AUDIT_MAX_BYTES), so it is shown as
          raw text.
        </p>
      ) : null}
      {value === null || value === undefined ? (
        <p className="muted">Not stored (rejected requests keep metadata only).</p>
      ) : raw || !turns ? (
        <pre className="code" data-testid={`${testId}-raw`}>
          {typeof value === "string" ? value : JSON.stringify(value, null, 2)}
        </pre>
      ) : (
        <Conversation turns={turns} testId={`${testId}-conversation`} />
      )}
    </section>
  );
}
