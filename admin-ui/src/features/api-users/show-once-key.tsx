/**
 * @module The show-once key panel: the new key masked until revealed, a copy button, the plain warning that it
 * will not be shown again, and a confirmation before it can be closed. The key lives only in this component's
 * state: never in storage, a URL or the query cache.
 */
import { useState } from "react";
import { CopyButton } from "../../components/copy-button";
import { Dialog } from "../../components/dialog";
import { Icon } from "../../components/icons";
import { formatDateTime } from "../../lib/format";

function mask(key: string): string {
  return `${key.slice(0, 8)}${"•".repeat(Math.max(8, key.length - 8))}`;
}

export function ShowOnceKeyDialog({
  apiKey,
  userName,
  rotated,
  previousUntil = null,
  onClosed,
}: {
  apiKey: string;
  userName: string;
  rotated: boolean;
  /** After a rotation with a grace period: when the previous key stops. */
  previousUntil?: string | null;
  /** Called once the admin confirmed closing: only now may the list refresh. */
  onClosed: () => void;
}) {
  const [revealed, setRevealed] = useState(false);
  const [copied, setCopied] = useState(false);
  const [confirming, setConfirming] = useState(false);

  return (
    <Dialog
      title={rotated ? `New key for ${userName}` : `Key for ${userName}`}
      onClose={() => setConfirming(true)}
      testId="key-panel"
    >
      <p className="callout callout-warning" data-testid="key-warning">
        <strong>This key is shown only once.</strong> Copy it now and store it somewhere safe: it cannot be
        shown again. If it is lost, rotate the key to issue a new one.
        {rotated && previousUntil
          ? ` The previous key keeps working until ${formatDateTime(previousUntil)}, then answers 410 key_rotated.`
          : rotated
            ? " The previous key already answers 410 key_rotated."
            : ""}
      </p>
      <div className="key-box">
        <code
          className="key-value"
          data-testid="key-value"
          aria-label={revealed ? "API key" : "API key, hidden"}
        >
          {revealed ? apiKey : mask(apiKey)}
        </code>
        <div className="key-actions">
          <button
            type="button"
            className="button"
            onClick={() => setRevealed((r) => !r)}
            aria-pressed={revealed}
            data-testid="key-reveal"
          >
            <Icon name={revealed ? "eyeOff" : "eye"} size={16} />
            {revealed ? "Hide" : "Reveal"}
          </button>
          <CopyButton text={apiKey} label="Copy key" testId="key-copy" onCopied={() => setCopied(true)} />
        </div>
      </div>
      {confirming ? (
        <div
          className="callout callout-danger"
          role="alertdialog"
          aria-label="Close the key panel?"
          data-testid="key-close-confirm"
        >
          <p>
            {copied
              ? "Close the panel? The key will not be shown again."
              : "You have not copied the key. Close anyway? It will not be shown again."}
          </p>
          <div className="button-row">
            <button type="button" className="button" onClick={() => setConfirming(false)} autoFocus>
              Keep it open
            </button>
            <button
              type="button"
              className="button button-danger"
              onClick={onClosed}
              data-testid="key-close-confirmed"
            >
              Close, I stored the key
            </button>
          </div>
        </div>
      ) : (
        <div className="button-row end">
          <button
            type="button"
            className="button button-primary"
            onClick={() => setConfirming(true)}
            data-testid="key-done"
          >
            Done
          </button>
        </div>
      )}
    </Dialog>
  );
}
