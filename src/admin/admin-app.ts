/**
 * @module The admin console app (:7843): JSON API under /api and the console pages.
 */
import type { Hono } from "hono";
import type { Deps } from "../app/create-deps.js";
import { createBaseApp } from "../http/create-app.js";

export function createAdminApp(deps: Deps): Hono {
  return createBaseApp({
    listener: "admin",
    envelope: "admin",
    logger: deps.logger,
    readiness: deps.readiness,
  });
}
