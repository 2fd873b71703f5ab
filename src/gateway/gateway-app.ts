/**
 * @module The OpenAI-compatible gateway app, served twice: pre-Hermes (:8645) and post-Hermes (:8646).
 * Per request: exchange (audit + headers) → key and scope → requests per minute → route (body, cap, upstream).
 */
import type { Hono } from "hono";
import type { Deps } from "../app/create-deps.js";
import type { AuditSink } from "../audit/audit-record.js";
import type { Gateway } from "../config/config.js";
import { createBaseApp } from "../http/create-app.js";
import { authenticateKey } from "./middleware/authenticate-key.js";
import { limitRequestRate } from "./middleware/rate-limit.js";
import { trackExchange } from "./middleware/track-exchange.js";
import { registerGatewayRoutes } from "./routes/index.js";

export type GatewayAppOptions = { gateway: Gateway };

/** The paths behind authentication; other /v1 paths answer 404 without looking at the key. */
export const GATEWAY_ROUTES = [
  "/v1/chat/completions",
  "/v1/completions",
  "/v1/embeddings",
  "/v1/responses",
  "/v1/models",
] as const;

export function createGatewayApp(deps: Deps, options: GatewayAppOptions): Hono {
  const { gateway } = options;
  const services = deps.gateway;
  const app = createBaseApp({
    listener: gateway,
    envelope: "openai",
    logger: deps.logger,
    readiness: deps.readiness,
  });
  const audit: AuditSink = deps.audit;
  app.use(
    "/v1/*",
    trackExchange(
      {
        audit,
        usage: services.usage,
        auditMaxBytes: deps.config.audit.maxBytes,
        metrics: deps.observability.metrics,
      },
      {
        gateway,
        trustProxy: deps.config.http.trustProxy,
        routes: GATEWAY_ROUTES,
        tracing: deps.observability.tracing,
      },
    ),
  );
  for (const path of GATEWAY_ROUTES) {
    app.use(path, authenticateKey(services.keys, gateway), limitRequestRate(services.rateLimiter));
  }
  registerGatewayRoutes(app, {
    gateway,
    upstream: services.upstream,
    usage: services.usage,
    maxRequestBytes: deps.config.gateway.maxRequestBytes,
    defaultMaxTokens: deps.config.gateway.defaultMaxTokens,
    upstreamOverride: deps.hermesProxies.upstreamOverride,
    metrics: deps.observability.metrics,
  });
  return app;
}
