/**
 * @module AppError: the one error type domain code throws. It knows codes and safe messages, never HTTP statuses.
 */

/** Closed set of error codes; src/http/render-error.ts maps each to a status and an envelope. */
export type ErrorCode =
  | "missing_api_key"
  | "invalid_api_key"
  | "key_revoked"
  | "key_rotated"
  | "gateway_not_allowed"
  | "rate_limit_exceeded"
  | "insufficient_quota"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "invalid_request"
  | "invalid_json"
  | "unsupported_media_type"
  | "payload_too_large"
  | "upstream_unreachable"
  | "upstream_timeout"
  | "upstream_not_configured"
  | "service_unavailable"
  | "internal";

export type AppErrorOptions = {
  /** The request field at fault, as OpenAI's `param`. */
  param?: string;
  /** For rate limits: how long until a retry can succeed. */
  retryAfterMs?: number;
  /** The underlying error, for logs only; never rendered. */
  cause?: unknown;
};

export class AppError extends Error {
  override name = "AppError";
  readonly code: ErrorCode;
  readonly param: string | undefined;
  readonly retryAfterMs: number | undefined;

  /** `message` is shown to the client: it must never contain a secret or an internal detail. */
  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.param = options.param;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
