import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdminApp } from "../../src/admin/admin-app.js";
import { startTestService, type TestService } from "../harness/test-service.js";

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => {
  await svc.close();
});

/** Every concrete route of the admin app under /api/admin, from the same factory the listener serves. */
function adminApiRoutes(): { method: string; path: string }[] {
  const app = createAdminApp(svc.deps);
  const seen = new Set<string>();
  const routes: { method: string; path: string }[] = [];
  for (const r of app.routes) {
    // Middleware entries are registered as ALL; the guard itself is one of them.
    if (r.method === "ALL" || !r.path.startsWith("/api/admin")) continue;
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    routes.push({ method: r.method, path: r.path.replace(/:[A-Za-z_]+(\{[^}]*\})?/g, "x") });
  }
  return routes;
}

describe("every /api/admin/* route requires a session", () => {
  it("enumerates the app's routes and gets 401 JSON from each without a session or with a bogus one", async () => {
    const routes = adminApiRoutes();
    // The resources of the admin API issue are all there (so this test cannot pass on an empty list).
    const names = routes.map((r) => `${r.method} ${r.path}`);
    for (const expected of [
      "GET /api/admin/status",
      "GET /api/admin/tenants",
      "POST /api/admin/tenants",
      "PATCH /api/admin/tenants/x",
      "DELETE /api/admin/tenants/x",
      "GET /api/admin/api-users",
      "POST /api/admin/api-users/x/rotate",
      "POST /api/admin/api-users/x/revoke",
      "GET /api/admin/api-users/x/usage",
      "GET /api/admin/events",
      "GET /api/admin/usage",
      "GET /api/admin/logs/x",
      "GET /api/admin/logs/download",
    ]) {
      expect(names).toContain(expected);
    }
    for (const { method, path } of routes) {
      for (const cookie of [undefined, "hermes_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]) {
        const res = await fetch(`${svc.urls.admin}${path}`, {
          method,
          headers: {
            "content-type": "application/json",
            ...(cookie ? { cookie } : {}),
          },
          body: method === "GET" || method === "HEAD" ? undefined : "{}",
        });
        expect({ route: `${method} ${path}`, status: res.status }).toEqual({
          route: `${method} ${path}`,
          status: 401,
        });
        expect(await res.json()).toEqual({
          error: { message: "Sign in first: no valid admin session.", code: "unauthorized" },
        });
      }
    }
    // Nothing was created by the refused requests.
    expect(await svc.db.selectFrom("tenants").select("id").execute()).toEqual([{ id: "default" }]);
  });
});
