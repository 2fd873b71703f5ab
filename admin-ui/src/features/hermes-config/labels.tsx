/**
 * @module Small pieces the configuration panes share: badges for a credential's status and a login's expiry, a
 * time shown both relative and absolute, and a file's status line ("not present", "corrupt: …").
 */
import { Badge, type Tone } from "../../components/badge";
import { DateTime } from "../../components/date-time";
import { formatDateTime, formatRelative } from "../../lib/format";
import type { AccountsView } from "./config-api";

type FileStatus = AccountsView["auth_file"];

const STATUS_TONE: Record<string, Tone> = { ok: "success", exhausted: "warning", dead: "danger" };
const STATUS_HINT: Record<string, string> = {
  ok: "The last request with this credential succeeded.",
  exhausted: "Rate-limited or out of quota: Hermes skips it until the reset time.",
  dead: "Rejected by the provider (revoked or invalid): it needs a new login or key.",
};

/** A pool entry's last status as Hermes recorded it; an unknown value is shown as it is, neutral. */
export function CredentialStatus({ status, testId }: { status: string | null; testId?: string }) {
  if (!status)
    return (
      <Badge tone="muted" hint="Hermes has not used this credential yet." testId={testId}>
        not used yet
      </Badge>
    );
  return (
    <Badge tone={STATUS_TONE[status] ?? "neutral"} hint={STATUS_HINT[status]} testId={testId}>
      {status}
    </Badge>
  );
}

const EXPIRY: Record<string, [Tone, string]> = {
  expired: ["danger", "expired"],
  expiring: ["warning", "expires within 24 h"],
  valid: ["success", "valid"],
  unknown: ["muted", "expiry unknown"],
};

export function ExpiryBadge({ expiry, testId }: { expiry: string; testId?: string }) {
  const [tone, label] = EXPIRY[expiry] ?? ["neutral", expiry];
  return (
    <Badge tone={tone} testId={testId}>
      {label}
    </Badge>
  );
}

/** "in 3 hours" and the local date and time with its offset; `compact`: the relative time, the rest on hover. */
export function When({
  iso,
  testId,
  compact = false,
}: {
  iso: string | null | undefined;
  testId?: string;
  compact?: boolean;
}) {
  if (!iso) return <span className="muted">—</span>;
  if (compact)
    return (
      <time dateTime={iso} title={formatDateTime(iso)} data-testid={testId}>
        {formatRelative(iso)}
      </time>
    );
  return (
    <span className="hc-when" data-testid={testId}>
      <span>{formatRelative(iso)}</span> <DateTime iso={iso} />
    </span>
  );
}

/** Nothing for a file that was read; otherwise what is wrong with it, in plain words. */
export function FileNote({ file, what }: { file: FileStatus; what: string }) {
  if (file.status === "ok") return null;
  const text =
    file.status === "not_present"
      ? `${what} is not present.`
      : `${what} is ${file.status === "corrupt" ? "unreadable" : "refused"}: ${file.reason ?? "no reason given"}.`;
  return (
    <p className={file.status === "not_present" ? "muted small" : "form-error"} data-testid="hc-file-note">
      {text} <span className="mono small break">{file.path}</span>
    </p>
  );
}
