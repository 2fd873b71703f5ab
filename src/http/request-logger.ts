/**
 * @module One log line per request: request id, method, route, status, latency. Never headers or bodies.
 */
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { Logger } from "../logging/logger.js";

export function requestLogger(logger: Logger, listener: string): MiddlewareHandler {
  return async function logRequest(c, next) {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const line = {
      listener,
      requestId: c.get("requestId"),
      method: c.req.method,
      route: routePath(c),
      path: c.req.path,
      status,
      latencyMs: Math.round((performance.now() - started) * 100) / 100,
    };
    if (status >= 500) logger.warn(line, "request");
    else logger.info(line, "request");
  };
}
