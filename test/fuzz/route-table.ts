/**
 * Every route of the three listeners, for the generated-input test (generated-input.test.ts). That test reads the
 * routes the real apps register (`app.routes`) and fails when one has no entry here, so a new route is fuzzed from
 * the day it lands.
 *
 * Adding a route is one line in ROUTES: `route("<METHOD> <path as registered>", { ...hints })`. Every hint is
 * optional; without hints the route is still fuzzed (its `:params` as free text, hostile query and headers).
 *   params  what each `:param` is, so the generator can also use a real one:
 *           "tenant" | "apiUser" | "auditId" | "asset" | "text" (default "text")
 *   query   each query parameter the route reads and its kind (see QueryKind): `{ month: "month" }`
 *   body    a valid JSON body; the generator mutates it field by field and as a whole. Omit for routes without one.
 *   auth    "admin" (the fuzz session; default under /api/admin and for console pages), "spare" (a second session
 *           of its own: for routes that end the session they run in), "key" (a valid API key; default under
 *           /v1), "none" (default elsewhere)
 * Path parameters take their values from pools of throwaway tenants and API users, never from the tenant and keys
 * the gateway cases use, so a generated PATCH or DELETE cannot break the rest of the run. A route that needs
 * different treatment says so here, in its entry (as logout does with `auth: "spare"`); nothing is exempt silently.
 */

export type ParamKind = "tenant" | "apiUser" | "auditId" | "asset" | "text";
export type QueryKind =
  "text" | "int" | "date" | "month" | "status" | "gateway" | "path" | "auditCursor" | "eventCursor";
export type Auth = "admin" | "spare" | "key" | "none";
export type Listener = "admin" | "gateway" | "every";
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export type RouteEntry = {
  method: Method;
  path: string;
  listener: Listener;
  params: Record<string, ParamKind>;
  query: Record<string, QueryKind>;
  body: Record<string, unknown> | null;
  auth: Auth;
};

type Hints = Partial<Pick<RouteEntry, "params" | "query" | "body" | "auth">>;

function route(spec: string, hints: Hints = {}): RouteEntry {
  const [method, path] = spec.split(" ") as [Method, string];
  const listener: Listener = path.startsWith("/v1/")
    ? "gateway"
    : path === "/healthz" || path === "/readyz"
      ? "every"
      : "admin";
  const params: Record<string, ParamKind> = {};
  for (const m of path.matchAll(/:(\w+)/g)) params[m[1]!] = hints.params?.[m[1]!] ?? "text";
  const auth: Auth =
    hints.auth ??
    (listener === "gateway"
      ? "key"
      : path.startsWith("/api/admin") || (listener === "admin" && !path.startsWith("/api/"))
        ? "admin"
        : "none");
  return { method, path, listener, params, query: hints.query ?? {}, body: hints.body ?? null, auth };
}

const LOG_FILTERS: Record<string, QueryKind> = {
  api_user_id: "text",
  tenant_id: "text",
  gateway: "gateway",
  status: "status",
  from: "date",
  to: "date",
  model: "text",
  q: "text",
};
const CHAT = { model: "m", messages: [{ role: "user", content: "hi" }], max_tokens: 16, stream: false };

export const ROUTES: readonly RouteEntry[] = [
  // Every listener.
  route("GET /healthz"),
  route("GET /readyz"),
  // Admin listener, outside the session: Prometheus scrapes (a token, or loopback only, as the fuzzer connects).
  route("GET /metrics", { auth: "none" }),
  // Admin: sign-in.
  route("POST /api/auth/login", { body: { username: "admin", password: "not-the-password-1" } }),
  route("POST /api/auth/logout", { auth: "spare" }),
  route("GET /api/auth/me", { auth: "admin" }),
  route("GET /api/auth/options"),
  // Single sign-on (issue 23): not configured in the fuzz run, so both answer 404; `next` and the callback's query
  // are still hostile input.
  route("GET /api/auth/oidc/start", { query: { next: "path" } }),
  route("GET /api/auth/oidc/callback", { query: { state: "text", code: "text", error: "text" } }),
  // Admin: the JSON API.
  route("GET /api/admin/status"),
  route("GET /api/admin/logs", { query: { ...LOG_FILTERS, limit: "int", cursor: "auditCursor" } }),
  route("GET /api/admin/usage", {
    query: { from: "date", to: "date", tenant_id: "text", api_user_id: "text", top: "int" },
  }),
  route("GET /api/admin/logs/download", { query: LOG_FILTERS }),
  route("GET /api/admin/logs/:id", { params: { id: "auditId" } }),
  route("GET /api/admin/tenants"),
  route("POST /api/admin/tenants", {
    body: {
      id: "fz-new",
      name: "New",
      pre_upstream_url: "http://127.0.0.1:9/v1",
      post_upstream_url: null,
      upstream_api_key: "sk-fuzz",
    },
  }),
  route("GET /api/admin/tenants/:id", { params: { id: "tenant" } }),
  route("PATCH /api/admin/tenants/:id", {
    params: { id: "tenant" },
    body: { name: "Renamed", post_upstream_url: "http://127.0.0.1:9/v1", upstream_api_key: null },
  }),
  route("DELETE /api/admin/tenants/:id", { params: { id: "tenant" } }),
  route("GET /api/admin/api-users", {
    query: { tenant_id: "text", status: "text", q: "text", sort: "text", page: "int", limit: "int" },
  }),
  route("POST /api/admin/api-users", {
    body: { name: "U", tenant_id: "fz-play", gateways: ["pre"], rpm_limit: 60, monthly_token_cap: 1000 },
  }),
  route("GET /api/admin/api-users/:id", { params: { id: "apiUser" } }),
  route("PATCH /api/admin/api-users/:id", {
    params: { id: "apiUser" },
    body: { name: "V", gateways: ["pre", "post"], rpm_limit: null, monthly_token_cap: 5 },
  }),
  route("DELETE /api/admin/api-users/:id", { params: { id: "apiUser" } }),
  route("POST /api/admin/api-users/:id/rotate", { params: { id: "apiUser" }, body: { grace_seconds: 900 } }),
  route("POST /api/admin/api-users/:id/revoke", { params: { id: "apiUser" }, body: {} }),
  route("GET /api/admin/api-users/:id/usage", { params: { id: "apiUser" }, query: { month: "month" } }),
  route("GET /api/admin/events", {
    query: {
      actor: "text",
      action: "text",
      target_type: "text",
      target_id: "text",
      from: "date",
      to: "date",
      limit: "int",
      cursor: "eventCursor",
    },
  }),
  // Admin: admin accounts and one's own password (issue 23). Ids are free text: a generated one never names the
  // fuzz session's own account, so no case can sign the run out.
  route("GET /api/admin/admins"),
  route("POST /api/admin/admins", { body: { username: "fz-admin", role: "viewer", kind: "local" } }),
  route("PATCH /api/admin/admins/:id", { body: { role: "auditor", status: "disabled" } }),
  route("DELETE /api/admin/admins/:id"),
  route("POST /api/admin/me/password", {
    auth: "spare",
    body: { current_password: "not-the-password-1", new_password: "another-password-1" },
  }),
  // Admin: a tenant's Hermes state (issue 19). `profile` is free text the confinement must refuse or resolve.
  route("GET /api/admin/tenants/:id/hermes/profiles", { params: { id: "tenant" } }),
  route("GET /api/admin/tenants/:id/hermes/accounts", {
    params: { id: "tenant" },
    query: { profile: "text" },
  }),
  route("GET /api/admin/tenants/:id/hermes/identities", {
    params: { id: "tenant" },
    query: { profile: "text" },
  }),
  route("GET /api/admin/tenants/:id/hermes/model", { params: { id: "tenant" }, query: { profile: "text" } }),
  route("PATCH /api/admin/tenants/:id/hermes/model", {
    params: { id: "tenant" },
    query: { profile: "text" },
    body: {
      etag: "absent",
      model: { default: "m", provider: "openrouter" },
      fallback_providers: [{ provider: "anthropic", model: "claude" }],
    },
  }),
  route("GET /api/admin/tenants/:id/hermes/health", { params: { id: "tenant" } }),
  route("POST /api/admin/tenants/:id/hermes/health/probe", { params: { id: "tenant" }, body: {} }),
  route("GET /api/admin/hermes/proxies"),
  // Admin: the read-only Hermes panes (issue 20).
  route("GET /api/admin/tenants/:id/hermes/sessions", {
    params: { id: "tenant" },
    query: {
      profile: "text",
      source: "text",
      model: "text",
      from: "date",
      to: "date",
      q: "text",
      cron: "text",
      cron_job: "text",
      include_children: "text",
      limit: "int",
      cursor: "text",
    },
  }),
  route("GET /api/admin/tenants/:id/hermes/sessions/:session", {
    params: { id: "tenant" },
    query: { profile: "text" },
  }),
  route("GET /api/admin/tenants/:id/hermes/sessions/:session/messages", {
    params: { id: "tenant" },
    query: { profile: "text", after: "int", limit: "int" },
  }),
  route("GET /api/admin/tenants/:id/hermes/sessions/:session/messages/:message", {
    params: { id: "tenant" },
    query: { profile: "text" },
  }),
  route("GET /api/admin/tenants/:id/hermes/insights", {
    params: { id: "tenant" },
    query: { profile: "text", days: "int" },
  }),
  route("GET /api/admin/tenants/:id/hermes/skills", { params: { id: "tenant" }, query: { profile: "text" } }),
  route("GET /api/admin/tenants/:id/hermes/skills/content", {
    params: { id: "tenant" },
    query: { profile: "text", skill: "text" },
  }),
  route("GET /api/admin/tenants/:id/hermes/bundles", {
    params: { id: "tenant" },
    query: { profile: "text" },
  }),
  route("GET /api/admin/tenants/:id/hermes/plugins", {
    params: { id: "tenant" },
    query: { profile: "text" },
  }),
  route("GET /api/admin/tenants/:id/hermes/mcp", { params: { id: "tenant" }, query: { profile: "text" } }),
  route("GET /api/admin/tenants/:id/hermes/hooks", { params: { id: "tenant" }, query: { profile: "text" } }),
  route("GET /api/admin/tenants/:id/hermes/webhooks", {
    params: { id: "tenant" },
    query: { profile: "text" },
  }),
  route("GET /api/admin/tenants/:id/hermes/tools", { params: { id: "tenant" }, query: { profile: "text" } }),
  route("GET /api/admin/tenants/:id/hermes/cron", { params: { id: "tenant" }, query: { profile: "text" } }),
  route("GET /api/admin/tenants/:id/hermes/cron/:job/outputs", {
    params: { id: "tenant" },
    query: { profile: "text", limit: "int", before: "text" },
  }),
  route("GET /api/admin/tenants/:id/hermes/cron/:job/outputs/:output", {
    params: { id: "tenant" },
    query: { profile: "text" },
  }),
  route("GET /api/admin/tenants/:id/hermes/memory", { params: { id: "tenant" }, query: { profile: "text" } }),
  route("GET /api/admin/tenants/:id/hermes/memory/:file", {
    params: { id: "tenant" },
    query: { profile: "text" },
  }),
  route("GET /api/admin/tenants/:id/hermes/kanban", {
    params: { id: "tenant" },
    query: { profile: "text", board: "text", status: "text", assignee: "text", limit: "int", cursor: "text" },
  }),
  route("GET /api/admin/tenants/:id/hermes/kanban/tasks/:task", {
    params: { id: "tenant" },
    query: { profile: "text", board: "text" },
  }),
  route("GET /api/admin/tenants/:id/hermes/profile-summaries", {
    params: { id: "tenant" },
    query: { profile: "text" },
  }),
  route("GET /api/admin/tenants/:id/hermes/status", { params: { id: "tenant" }, query: { profile: "text" } }),
  route("GET /api/admin/tenants/:id/hermes/storage", {
    params: { id: "tenant" },
    query: { profile: "text" },
  }),
  route("GET /api/admin/tenants/:id/hermes/security", {
    params: { id: "tenant" },
    query: { profile: "text" },
  }),
  route("GET /api/admin/tenants/:id/hermes/logs", {
    params: { id: "tenant" },
    query: { profile: "text", file: "text", level: "text", q: "text", limit: "int", before: "text" },
  }),
  // Admin: console pages.
  route("GET /login", { auth: "none", query: { next: "path" } }),
  route("GET /"),
  route("GET /api-users", { query: { tenant_id: "text", status: "text", q: "text", page: "int" } }),
  route("GET /api-users/:id", { params: { id: "apiUser" } }),
  route("GET /tenants"),
  route("GET /tenants/:id", { params: { id: "tenant" } }),
  route("GET /tenants/:id/hermes", { params: { id: "tenant" }, query: { profile: "text" } }),
  route("GET /tenants/:id/hermes/:pane", {
    params: { id: "tenant", pane: "text" },
    query: { profile: "text" },
  }),
  route("GET /usage", { query: { from: "date", to: "date", tenant_id: "text" } }),
  route("GET /logs", { query: { ...LOG_FILTERS, id: "int" } }),
  route("GET /activity", { query: { actor: "text", action: "text" } }),
  route("GET /status"),
  route("GET /admins"),
  route("GET /assets/:name", { params: { name: "asset" } }),
  // Gateways (each case goes to pre or post).
  route("POST /v1/chat/completions", { body: CHAT }),
  route("POST /v1/completions", { body: { model: "m", prompt: "hi", max_tokens: 16, stream: false } }),
  route("POST /v1/embeddings", { body: { model: "m", input: ["hi", "there"] } }),
  route("POST /v1/responses", { body: { model: "m", input: "hi", max_output_tokens: 16, stream: false } }),
  route("GET /v1/models"),
];

/** `METHOD path` of a table entry or a registered route, for comparing the two. */
export const routeKey = (method: string, path: string): string => `${method} ${path}`;
