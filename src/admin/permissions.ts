/**
 * @module The admin API's permission table: every route under /api/admin names the capability it needs, in one
 * place. `enforcePermissions` checks it after the session guard, so a route nobody listed here is owner-only (fail
 * closed) and test/admin/role-matrix.test.ts fails until it gets its line.
 */
import type { MiddlewareHandler } from "hono";
import { roleCan, type Capability } from "../admin-auth/roles.js";
import { AppError } from "../errors/app-error.js";
import type { Logger } from "../logging/logger.js";

const HERMES = "/api/admin/tenants/:id/hermes";

/** `METHOD /path/:param` → the capability a role needs. Paths as registered with Hono. */
export const PERMISSIONS: Readonly<Record<string, Capability>> = {
  "GET /api/admin/status": "read",
  "GET /api/admin/usage": "read",
  "GET /api/admin/events": "read",
  // The audit log: the list carries no bodies; a record's bodies are left out for roles without read_body.
  "GET /api/admin/logs": "read",
  "GET /api/admin/logs/:id": "read",
  "GET /api/admin/logs/download": "export",
  "GET /api/admin/tenants": "read",
  "POST /api/admin/tenants": "manage",
  "GET /api/admin/tenants/:id": "read",
  "PATCH /api/admin/tenants/:id": "manage",
  "DELETE /api/admin/tenants/:id": "manage",
  "GET /api/admin/api-users": "read",
  "POST /api/admin/api-users": "manage",
  "GET /api/admin/api-users/:id": "read",
  "PATCH /api/admin/api-users/:id": "manage",
  "DELETE /api/admin/api-users/:id": "manage",
  "POST /api/admin/api-users/:id/rotate": "manage",
  "POST /api/admin/api-users/:id/revoke": "manage",
  "GET /api/admin/api-users/:id/usage": "read",
  // Admin accounts (owners only) and one's own password (everyone).
  "GET /api/admin/admins": "admins",
  "POST /api/admin/admins": "admins",
  "PATCH /api/admin/admins/:id": "admins",
  "DELETE /api/admin/admins/:id": "admins",
  "POST /api/admin/me/password": "self",
  // Hermes state (issues 19 and 20). Conversation text, memory files, cron output and logs are bodies.
  "GET /api/admin/hermes/proxies": "read",
  [`GET ${HERMES}/profiles`]: "read",
  [`GET ${HERMES}/accounts`]: "read",
  [`GET ${HERMES}/identities`]: "read",
  [`GET ${HERMES}/model`]: "read",
  [`PATCH ${HERMES}/model`]: "manage",
  [`GET ${HERMES}/health`]: "read",
  [`POST ${HERMES}/health/probe`]: "manage",
  [`GET ${HERMES}/sessions`]: "read",
  [`GET ${HERMES}/sessions/:session`]: "read",
  [`GET ${HERMES}/sessions/:session/messages`]: "read_body",
  [`GET ${HERMES}/sessions/:session/messages/:message`]: "read_body",
  [`GET ${HERMES}/insights`]: "read",
  [`GET ${HERMES}/skills`]: "read",
  [`GET ${HERMES}/skills/content`]: "read",
  [`GET ${HERMES}/bundles`]: "read",
  [`GET ${HERMES}/plugins`]: "read",
  [`GET ${HERMES}/mcp`]: "read",
  [`GET ${HERMES}/hooks`]: "read",
  [`GET ${HERMES}/webhooks`]: "read",
  [`GET ${HERMES}/tools`]: "read",
  [`GET ${HERMES}/cron`]: "read",
  [`GET ${HERMES}/cron/:job/outputs`]: "read",
  [`GET ${HERMES}/cron/:job/outputs/:output`]: "read_body",
  [`GET ${HERMES}/memory`]: "read",
  [`GET ${HERMES}/memory/:file`]: "read_body",
  [`GET ${HERMES}/kanban`]: "read",
  // A task carries its body, result and comments.
  [`GET ${HERMES}/kanban/tasks/:task`]: "read_body",
  [`GET ${HERMES}/profile-summaries`]: "read",
  [`GET ${HERMES}/status`]: "read",
  [`GET ${HERMES}/storage`]: "read",
  [`GET ${HERMES}/security`]: "read",
  [`GET ${HERMES}/logs`]: "read_body",
};

type Compiled = { method: string; segments: string[]; capability: Capability };

const compiledTables = new WeakMap<object, Compiled[]>();

function compile(table: Readonly<Record<string, Capability>>): Compiled[] {
  const known = compiledTables.get(table);
  if (known) return known;
  const compiled = Object.entries(table).map(([spec, capability]) => {
    const [method, path] = spec.split(" ") as [string, string];
    return { method, segments: path.split("/"), capability };
  });
  compiledTables.set(table, compiled);
  return compiled;
}

function matches(entry: Compiled, method: string, segments: string[]): boolean {
  if (entry.method !== method || entry.segments.length !== segments.length) return false;
  return entry.segments.every((s, i) => (s.startsWith(":") ? segments[i] !== "" : s === segments[i]));
}

/**
 * The capabilities a request needs: those of every table entry its method and path match (so `/logs/download`
 * needs both what `/logs/:id` and `/logs/download` need; never less than either), or null when none does.
 */
export function requiredCapabilities(
  method: string,
  path: string,
  table: Readonly<Record<string, Capability>> = PERMISSIONS,
): Capability[] | null {
  const segments = path.replace(/\/+$/, "").split("/");
  // HEAD is answered by the GET route.
  const m = method === "HEAD" ? "GET" : method;
  const found = compile(table)
    .filter((e) => matches(e, m, segments))
    .map((e) => e.capability);
  return found.length > 0 ? [...new Set(found)] : null;
}

/** Behind requireSession: 403 JSON unless the signed-in admin's role has every capability the route needs. */
export function enforcePermissions(options: {
  logger: Logger;
  table?: Readonly<Record<string, Capability>>;
}): MiddlewareHandler {
  const table = options.table ?? PERMISSIONS;
  return async function checkPermission(c, next) {
    let needed = requiredCapabilities(c.req.method, c.req.path, table) ?? [];
    if (needed.length === 0) {
      // Unknown path (404 follows for owners) or a route added without a table entry: owners only until listed.
      options.logger.debug(
        { method: c.req.method, path: c.req.path },
        "admin: no permission entry; owner only",
      );
      needed = ["admins"];
    }
    const role = c.get("admin").role;
    if (!needed.every((cap) => roleCan(role, cap)))
      throw new AppError("forbidden", `Your role (${role}) may not do this.`);
    return next();
  };
}
