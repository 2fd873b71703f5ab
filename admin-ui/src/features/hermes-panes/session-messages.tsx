/**
 * @module One session's messages, on demand: a page at a time (by message id), tool calls collapsed in <details>,
 * a cut message fetched whole when asked. Everything is shown as text.
 */
import { useState } from "react";
import { Card, DetailList } from "../../components/card";
import { DateTime } from "../../components/date-time";
import { CursorPager } from "../../components/pager";
import { useCursorPages } from "../../lib/cursor-pages";
import { formatNumber } from "../../lib/format";
import { useHermesQuery } from "../hermes/hermes-api";
import { QueryView } from "../hermes/query-view";
import { orDash, TextBlock, usd } from "./pane-bits";
import type { MessagesView, OneMessageView, SessionView } from "./pane-types";

type Message = MessagesView["data"][number];

export function SessionMessages({
  tenantId,
  profile,
  sessionId,
  onClose,
}: {
  tenantId: string;
  profile: string | null;
  sessionId: string;
  onClose: () => void;
}) {
  const base = `sessions/${encodeURIComponent(sessionId)}`;
  const pages = useCursorPages(sessionId);
  const session = useHermesQuery<SessionView>(tenantId, profile, base);
  const messages = useHermesQuery<MessagesView>(tenantId, profile, `${base}/messages`, {
    after: pages.cursor,
    limit: 50,
  });
  return (
    <Card
      title={
        <span>
          Session <span className="mono">{sessionId}</span>
        </span>
      }
      className="hp-detail"
      testId="session-detail"
      actions={
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      }
    >
      <QueryView query={session} what="Loading the session">
        {({ session: s }) => (
          <DetailList
            items={[
              ["Title", orDash(s.title)],
              ["Model", orDash(s.model)],
              ["Billing", `${s.billing_provider ?? "—"}${s.billing_mode ? ` · ${s.billing_mode}` : ""}`],
              [
                "Cost",
                `${usd(s.cost.actual_usd)} actual · ${usd(s.cost.estimated_usd)} estimated (${s.cost.status ?? "no status"})`,
              ],
              ["Working directory", orDash(s.cwd)],
              ["Parent", orDash(s.parent_session_id)],
              [
                "Continuations and branches",
                s.children.length ? s.children.map((c) => c.id).join(", ") : orDash(null),
              ],
            ]}
          />
        )}
      </QueryView>
      <QueryView query={messages} what="Loading the messages">
        {(v) => (
          <>
            <p className="small muted" data-testid="messages-total">
              {formatNumber(v.total)} messages
            </p>
            <ol className="conversation" data-testid="messages">
              {v.data.map((m) => (
                <MessageItem key={m.id} m={m} tenantId={tenantId} profile={profile} base={base} />
              ))}
            </ol>
            <CursorPager pages={pages} nextCursor={v.next_cursor} />
          </>
        )}
      </QueryView>
    </Card>
  );
}

function MessageItem({
  m,
  tenantId,
  profile,
  base,
}: {
  m: Message;
  tenantId: string;
  profile: string | null;
  base: string;
}) {
  const [whole, setWhole] = useState(false);
  const full = useHermesQuery<OneMessageView>(
    tenantId,
    profile,
    `${base}/messages/${m.id}`,
    {},
    { enabled: whole },
  );
  const content = whole && full.data ? full.data.message.content : m.content;
  return (
    <li className={`turn turn-${m.role}`} data-testid={`message-${m.id}`}>
      <div className="turn-role">
        {m.role}
        {m.tool_name ? ` · ${m.tool_name}` : null} · <DateTime iso={m.timestamp} />
        {m.finish_reason ? ` · ${m.finish_reason}` : null}
      </div>
      {content ? (
        <div className="turn-text" data-testid="message-text">
          {content.text}
        </div>
      ) : null}
      {content?.truncated && !whole ? (
        <button
          type="button"
          className="hp-link small"
          onClick={() => setWhole(true)}
          data-testid="message-whole"
        >
          Cut at {formatNumber(content.text.length)} of {formatNumber(content.chars)} characters — show it
          whole
        </button>
      ) : null}
      {m.reasoning ? (
        <details className="tool-call">
          <summary>Reasoning</summary>
          <TextBlock text={m.reasoning} />
        </details>
      ) : null}
      {m.tool_calls.map((c, i) => (
        <details key={c.id ?? i} className="tool-call" data-testid="tool-call">
          <summary>
            Tool call: <span className="mono">{c.name ?? "(unnamed)"}</span>
            {c.id ? <span className="muted small"> · {c.id}</span> : null}
          </summary>
          <TextBlock text={c.arguments} testId="tool-call-arguments" />
        </details>
      ))}
      {m.tool_calls_unreadable ? (
        <p className="small muted">This message's tool calls are not valid JSON (not shown).</p>
      ) : null}
    </li>
  );
}
