/**
 * @module The admin console app (:7843): the JSON API under /api (auth, then the session-guarded /api/admin/*)
 * and the console pages.
 */
import type { Hono } from "hono";
import type { Deps } from "../app/create-deps.js";
import { createBaseApp } from "../http/create-app.js";
import { upstreamSecretWarning } from "../tenants/upstream-secret.js";
import { csrfProtection } from "./middleware/csrf.js";
import { readBody } from "./middleware/read-body.js";
import { refuseControlCharacters } from "./middleware/url-text.js";
import { registerPages } from "./pages.js";
import { registerAuthRoutes } from "./routes/auth/index.js";
import { registerMetricsRoute } from "./routes/metrics/index.js";
import { registerAdminRoutes } from "./routes/index.js";

export const ADMIN_MAX_BODY_BYTES = 64 * 1024;

export function createAdminApp(deps: Deps): Hono {
  const app = createBaseApp({
    listener: "admin",
    envelope: "admin",
    logger: deps.logger,
    readiness: deps.readiness,
  });
  const warning = upstreamSecretWarning(deps.config.secrets.secretKey);
  if (warning) deps.logger.warn(warning);

  // Ids and filters in the URL never hold control characters (and PostgreSQL cannot store NUL): refused first.
  app.use("/api/*", refuseControlCharacters());
  // No CORS headers anywhere: the console is same-origin, and a preflight that is never answered stays refused.
  app.use("/api/*", csrfProtection({ trustProxy: deps.config.http.trustProxy }));
  // Admin bodies are small JSON objects; anything bigger is a mistake or an attack, refused before it is buffered.
  app.use("/api/*", readBody({ maxBytes: ADMIN_MAX_BODY_BYTES }));
  registerAuthRoutes(app, deps);
  registerAdminRoutes(app, deps);
  // Outside /api: Prometheus authenticates with its own token, never with the admin session.
  registerMetricsRoute(app, deps);
  registerPages(app, deps);
  return app;
}
