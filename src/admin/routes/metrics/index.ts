/**
 * @module GET /metrics: Prometheus text of the whole process group, on the admin listener but outside the admin
 * session (Prometheus has no session). With HERMES_METRICS_TOKEN set it needs `Authorization: Bearer <token>`;
 * without it, only a direct loopback client may scrape (a request that came through a proxy is refused, since the
 * proxy's own loopback address says nothing about the real client).
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Hono } from "hono";
import type { Deps } from "../../../app/create-deps.js";
import { AppError } from "../../../errors/app-error.js";

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** 127.0.0.0/8, ::1 and their IPv4-mapped form. */
export function isLoopback(address: string | null | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return v4.startsWith("127.") || address === "::1";
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function registerMetricsRoute(app: Hono, deps: Deps): void {
  const token = deps.config.observability.metricsToken;
  const observability = deps.observability;
  app.get("/metrics", async (c) => {
    if (token !== undefined) {
      const given = BEARER.exec(c.req.header("authorization") ?? "")?.[1];
      if (given === undefined || !sameSecret(given, token))
        throw new AppError("unauthorized", "A valid metrics token is required (Authorization: Bearer).");
    } else {
      const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
      const proxied =
        c.req.header("x-forwarded-for") !== undefined || c.req.header("forwarded") !== undefined;
      if (proxied || !isLoopback(incoming?.socket.remoteAddress))
        throw new AppError(
          "unauthorized",
          "Metrics are served to loopback clients only; set HERMES_METRICS_TOKEN to scrape from elsewhere.",
        );
    }
    const text = await observability.scrape().catch(() => null);
    if (text === null)
      throw new AppError(
        "service_unavailable",
        "The worker processes' metrics could not be gathered; try again.",
      );
    return c.body(text, 200, { "content-type": observability.contentType, "cache-control": "no-store" });
  });
}
