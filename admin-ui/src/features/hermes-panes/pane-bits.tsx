/**
 * @module What the Hermes panes share: how a file's or database's state is said (plainly "not present" when it is
 * missing), capped text shown as text, yes/no and money cells, a table frame, and "show more" for long lists that
 * the API gives whole (capped server-side).
 */
import { useState, type ReactNode } from "react";
import { Badge, type Tone } from "../../components/badge";
import { formatBytes, formatNumber } from "../../lib/format";
import type { CappedText, DbSource, FileStatus } from "./pane-types";
import "./hermes-panes.css";

type Status = "ok" | "not_present" | "corrupt" | "refused" | "unresolved";

const STATUS_TONE: Record<Status, Tone> = {
  ok: "success",
  not_present: "muted",
  corrupt: "danger",
  refused: "warning",
  unresolved: "warning",
};

export function statusLabel(status: Status): string {
  return status === "not_present" ? "not present" : status;
}

export function StatusBadge({ status, testId }: { status: Status; testId?: string }) {
  return (
    <Badge tone={STATUS_TONE[status]} testId={testId}>
      {statusLabel(status)}
    </Badge>
  );
}

/** One file's state as a line: nothing when it is fine (unless `always`), else "not present" / corrupt / refused. */
export function FileNote({
  file,
  what,
  always = false,
  testId = "file-note",
}: {
  file: FileStatus | DbSource;
  what: string;
  always?: boolean;
  testId?: string;
}) {
  if (file.status === "ok" && !always) return null;
  const tone =
    file.status === "ok"
      ? "callout-info"
      : file.status === "not_present"
        ? "callout-info"
        : "callout-warning";
  return (
    <div className={`callout ${tone}`} data-testid={testId} data-status={file.status}>
      <p>
        <strong>{what}</strong>: {file.status === "not_present" ? "not present" : statusLabel(file.status)}
        {file.reason ? ` — ${file.reason}` : null}
      </p>
      <p className="mono small break muted">{file.path}</p>
    </div>
  );
}

/** A SQLite database's state: a line with its sizes when readable, else plainly why not ("not present"…). */
export function DbState({ source, what }: { source: DbSource; what: string }) {
  return source.status === "ok" ? <DbLine source={source} /> : <FileNote file={source} what={what} />;
}

/** A SQLite source's line: path, sizes (main file and WAL), journal mode. */
export function DbLine({ source }: { source: DbSource }) {
  return (
    <p className="small muted hp-source" data-testid="db-source">
      <span className="mono break">{source.path}</span> · <StatusBadge status={source.status} />
      {source.size_bytes !== null ? ` · ${formatBytes(source.size_bytes)}` : null}
      {source.wal_bytes ? ` + ${formatBytes(source.wal_bytes)} WAL` : null}
      {source.journal_mode ? ` · ${source.journal_mode}` : null}
    </p>
  );
}

export function Muted({ children = "—" }: { children?: ReactNode }) {
  return <span className="muted">{children}</span>;
}

export function orDash(v: string | number | null | undefined): ReactNode {
  if (v === null || v === undefined || v === "") return <Muted />;
  return typeof v === "number" ? formatNumber(v) : v;
}

export function YesNo({
  value,
  yes = "yes",
  no = "no",
  testId,
}: {
  value: boolean | null;
  yes?: string;
  no?: string;
  testId?: string;
}) {
  if (value === null) return <Muted />;
  return (
    <Badge tone={value ? "success" : "muted"} testId={testId}>
      {value ? yes : no}
    </Badge>
  );
}

const USD = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 4,
});

export function usd(v: number | null | undefined): string {
  return v === null || v === undefined ? "—" : USD.format(v);
}

/** Text from the API (already redacted and capped), shown as text with a note when it was cut. */
export function TextBlock({ text, testId }: { text: CappedText | null; testId?: string }) {
  if (!text) return <Muted>(none)</Muted>;
  return (
    <div>
      <pre className="code hp-pre" data-testid={testId}>
        {text.text}
      </pre>
      {text.truncated ? (
        <p className="small muted">
          Cut at {formatNumber(text.text.length)} of {formatNumber(text.chars)} characters.
        </p>
      ) : null}
    </div>
  );
}

export function Chips({ items, empty = "—" }: { items: readonly string[]; empty?: string }) {
  if (items.length === 0) return <Muted>{empty}</Muted>;
  return (
    <span className="badge-row">
      {items.map((s) => (
        <span key={s} className="chip">
          {s}
        </span>
      ))}
    </span>
  );
}

export function TableFrame({
  caption,
  testId,
  children,
}: {
  caption: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className="table table-compact hp-table" data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        {children}
      </table>
    </div>
  );
}

/** The first `step` items, then "Show more" for the next `step` (lists the API gives whole but may be long). */
export function useShowMore<T>(items: readonly T[], step = 25) {
  const [shown, setShown] = useState(step);
  const more =
    items.length > shown ? (
      <div className="pager">
        <span className="muted">
          {formatNumber(shown)} of {formatNumber(items.length)}
        </span>
        <button
          type="button"
          className="button"
          onClick={() => setShown((n) => n + step)}
          data-testid="show-more"
        >
          Show more
        </button>
      </div>
    ) : null;
  return { visible: items.slice(0, shown), more };
}

/** One row of a DetailList, for rows added only when they have something to say. */
export type DetailItem = [label: string, value: ReactNode];
