/**
 * @module Opens an Exchange for every /v1 request and closes it when the handler is done: adds the limit headers
 * and, unless a stream will finish it later, settles usage and records the audit entry (rejections included).
 */
import type { MiddlewareHandler } from "hono";
import type { Gateway } from "../../config/config.js";
import { isAppError } from "../../errors/app-error.js";
import { maskKeysIn } from "../../keys/key-format.js";
import type { Tracing } from "../../observability/tracing.js";
import { Exchange, type ExchangeDeps } from "../exchange.js";
import { clientRequest, headerOf, type ClientRequestView } from "../node-request.js";

export type TrackOptions = {
  gateway: Gateway;
  trustProxy: boolean;
  /** Paths counted under their own name in metrics; any other path counts as "other" (bounded label values). */
  routes: readonly string[];
  tracing: Tracing | null;
};

export function trackExchange(deps: ExchangeDeps, options: TrackOptions): MiddlewareHandler {
  const { gateway, trustProxy, tracing } = options;
  const routes = new Set(options.routes);
  return async function openExchange(c, next) {
    const client = clientRequest(c);
    const path = c.req.path;
    const route = routes.has(path) ? path : "other";
    const ex = new Exchange(
      deps,
      {
        requestId: c.get("requestId"),
        gateway,
        method: c.req.method,
        path: maskKeysIn(path),
        route,
        clientIp: clientIp(client, trustProxy),
        userAgent: headerOf(client.headers, "user-agent") ?? null,
      },
      client,
    );
    if (tracing)
      ex.trace = tracing.startRequest({ gateway, method: c.req.method, route, headers: client.headers });
    c.set("exchange", ex);
    await next();
    if (ex.tenant && !ex.headersApplied) {
      const headers = ex.limitHeaders();
      for (const name in headers) c.res.headers.set(name, headers[name]!);
    }
    // The rest of an oversized body is never read: tell the client not to reuse this connection.
    if (c.res.status === 413) c.res.headers.set("connection", "close");
    if (!ex.deferred) ex.finish(c.res.status, errorCodeOf(c.error, ex.responseText, c.res.status));
  };
}

function clientIp(client: ClientRequestView, trustProxy: boolean): string | null {
  if (trustProxy) {
    const xff = headerOf(client.headers, "x-forwarded-for");
    if (xff) return xff.split(",")[0]!.trim() || null;
  }
  return client.remoteAddress;
}

/** Our error code, or the upstream's for a passed-through error answer. */
function errorCodeOf(error: unknown, responseText: string | null, status: number): string | null {
  if (isAppError(error)) return error.code;
  if (error) return "internal";
  if (status < 400) return null;
  if (status === 404 && !responseText) return "not_found";
  try {
    const code = (JSON.parse(responseText ?? "") as { error?: { code?: unknown } }).error?.code;
    return typeof code === "string" ? code : "upstream_error";
  } catch {
    return "upstream_error";
  }
}
