/**
 * @module One log line per request: request id, method, route, status, latency. Never headers or bodies.
 */
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { maskKeysIn } from "../keys/key-format.js";
import type { Logger } from "../logging/logger.js";

export function requestLogger(logger: Logger, listener: string): MiddlewareHandler {
  // The line is built here from fields that carry no secret, so pino's path redaction (measured ~20 µs a line,
  // ~4% of the gateway's CPU per request) has nothing to do; the path is masked of anything key-shaped instead.
  const requestLog = logger.child({}, { redact: { paths: [] } });
  return async function logRequest(c, next) {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const line = {
      listener,
      requestId: c.get("requestId"),
      method: c.req.method,
      route: routePath(c),
      // A client that puts its key in the URL (`/v1/hms_…`) must not find it in the logs.
      path: maskKeysIn(c.req.path),
      status,
      latencyMs: Math.round((performance.now() - started) * 100) / 100,
    };
    if (status >= 500) requestLog.warn(line, "request");
    else requestLog.info(line, "request");
  };
}
