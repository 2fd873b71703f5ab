/**
 * @module A timestamp in the admin's local zone with its offset, as a <time> element; on a narrow screen the time
 * may wrap below the date, never inside either.
 */
import { formatDateTime } from "../lib/format";

export function DateTime({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span className="muted">—</span>;
  const [date, ...rest] = formatDateTime(iso).split(" ");
  return (
    <time dateTime={iso} className="datetime mono small">
      <span>{date}</span> <span>{rest.join(" ")}</span>
    </time>
  );
}
