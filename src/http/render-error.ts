/**
 * @module Maps AppError codes to HTTP statuses and renders the two error envelopes: OpenAI's for the gateways,
 * a plain `{error:{message,code}}` for the admin API. Unknown errors never leak their message.
 */
import { AppError, type ErrorCode } from "../errors/app-error.js";

export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  missing_api_key: 401,
  invalid_api_key: 401,
  unauthorized: 401,
  gateway_not_allowed: 403,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  key_revoked: 410,
  key_rotated: 410,
  invalid_request: 400,
  invalid_json: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limit_exceeded: 429,
  insufficient_quota: 429,
  internal: 500,
  upstream_unreachable: 502,
  upstream_not_configured: 502,
  service_unavailable: 503,
  upstream_timeout: 504,
};

const INTERNAL_MESSAGE = "The server had an error while processing your request.";

/** Anything thrown becomes an AppError; unknown errors become a fixed `internal` one (the caller logs the cause). */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError("internal", INTERNAL_MESSAGE, { cause: err });
}

function openAiType(code: ErrorCode): string {
  if (code === "rate_limit_exceeded") return "requests";
  if (code === "insufficient_quota") return "insufficient_quota";
  return STATUS_BY_CODE[code] >= 500 ? "server_error" : "invalid_request_error";
}

export type OpenAiErrorBody = {
  error: { message: string; type: string; param: string | null; code: string | null };
};

/** The OpenAI error body; also used verbatim as an SSE `data:` frame when a stream fails after its headers. */
export function openAiErrorBody(err: AppError): OpenAiErrorBody {
  return {
    error: {
      message: err.message,
      type: openAiType(err.code),
      param: err.param ?? null,
      // OpenAI sends a null code for unknown routes and server errors; SDKs and clients match on it.
      code:
        err.code === "internal" || (err.code === "not_found" && err.message.startsWith("Invalid URL"))
          ? null
          : err.code,
    },
  };
}

/** Headers the OpenAI SDK reads to decide whether and when to retry. */
export function retryHeaders(err: AppError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (err.retryAfterMs !== undefined) {
    headers["retry-after"] = String(Math.max(1, Math.ceil(err.retryAfterMs / 1000)));
    headers["retry-after-ms"] = String(Math.max(0, Math.round(err.retryAfterMs)));
  }
  // A spent monthly budget does not come back in seconds: without this the SDK retries it.
  if (err.code === "insufficient_quota") headers["x-should-retry"] = "false";
  return headers;
}

export function renderGatewayError(err: AppError, extraHeaders: Record<string, string> = {}): Response {
  return Response.json(openAiErrorBody(err), {
    status: STATUS_BY_CODE[err.code],
    headers: { ...extraHeaders, ...retryHeaders(err) },
  });
}

export type AdminErrorBody = { error: { message: string; code: string } };

export function renderAdminError(err: AppError, extraHeaders: Record<string, string> = {}): Response {
  const body: AdminErrorBody = { error: { message: err.message, code: err.code } };
  return Response.json(body, {
    status: STATUS_BY_CODE[err.code],
    headers: { ...extraHeaders, ...retryHeaders(err) },
  });
}
