/**
 * @module Loading, empty and error states, the same on every screen. An error says what failed, the server's
 * message, and offers to try again.
 */
import type { ReactNode } from "react";
import { ApiError } from "../lib/api";
import { Icon } from "./icons";

export function LoadingState({
  label = "Loading…",
  fullPage = false,
}: {
  label?: string;
  fullPage?: boolean;
}) {
  return (
    <div
      className={fullPage ? "state state-full" : "state"}
      role="status"
      aria-live="polite"
      data-testid="loading"
    >
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty" data-testid="empty">
      <p className="state-title">{title}</p>
      {children ? <div className="state-body">{children}</div> : null}
    </div>
  );
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    return error.status
      ? `${error.message} (HTTP ${error.status}${error.code ? `, ${error.code}` : ""})`
      : error.message;
  }
  if (error instanceof Error) return error.message;
  return "Unknown error.";
}

export function ErrorState({
  what,
  error,
  onRetry,
  fullPage = false,
}: {
  /** What was being done, e.g. "Loading API users". */
  what: string;
  error: unknown;
  onRetry?: () => void;
  fullPage?: boolean;
}) {
  return (
    <div
      className={fullPage ? "state state-error state-full" : "state state-error"}
      role="alert"
      data-testid="error"
    >
      <p className="state-title">{what} failed.</p>
      <p className="state-body">{errorMessage(error)}</p>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry} data-testid="retry">
          <Icon name="refresh" size={16} /> Retry
        </button>
      ) : null}
    </div>
  );
}

/** An inline error under a form (a failed mutation). */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="form-error" role="alert" data-testid="form-error">
      {errorMessage(error)}
    </p>
  );
}
