/**
 * @module The privacy notice every screen shows: prompts and responses are stored, for how long, and up to what
 * size, from the running service's own configuration.
 */
import { formatBytes } from "../lib/format";
import type { StatusResponse } from "../lib/api-types";

export function PrivacyNotice({ status }: { status: StatusResponse | undefined }) {
  const days = status?.retention_days;
  return (
    <p className="privacy-notice" data-testid="privacy-notice">
      <strong>Privacy:</strong> the prompts and responses of every request are stored
      {days !== undefined ? ` for ${days} days` : " for the configured retention"}
      {status?.audit_max_bytes !== undefined ? ` (up to ${formatBytes(status.audit_max_bytes)} each)` : ""}.
      Only signed-in admins can read them, and every read is recorded.
    </p>
  );
}
