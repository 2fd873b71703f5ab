/**
 * @module Change one's own password: the current one is required, and every other session of the account ends.
 */
import { useState } from "react";
import { Dialog } from "../../components/dialog";
import { useChangePassword } from "./admin-queries";

export function ChangePasswordDialog({ onClose }: { onClose: () => void }) {
  const change = useChangePassword();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  return (
    <Dialog title="Change your password" onClose={onClose} testId="change-password">
      {change.isSuccess ? (
        <>
          <p data-testid="password-changed">
            Password changed. {change.data.sessions_ended} other session
            {change.data.sessions_ended === 1 ? "" : "s"} ended.
          </p>
          <div className="dialog-footer">
            <button type="button" className="button button-primary" onClick={onClose}>
              Done
            </button>
          </div>
        </>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            change.mutate({ current, next });
          }}
        >
          <div className="field">
            <label htmlFor="current-password">Current password</label>
            <input
              id="current-password"
              type="password"
              autoComplete="current-password"
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="new-password">New password (12 characters or more)</label>
            <input
              id="new-password"
              type="password"
              autoComplete="new-password"
              value={next}
              onChange={(e) => setNext(e.target.value)}
            />
          </div>
          {change.error ? (
            <p className="form-error" role="alert">
              {change.error.message}
            </p>
          ) : null}
          <div className="dialog-footer">
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            <button
              type="submit"
              className="button button-primary"
              disabled={!current || next.length < 12 || change.isPending}
              data-testid="change-password-submit"
            >
              Change password
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
