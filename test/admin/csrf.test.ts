import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../harness/test-service.js";
import { ADMIN_ENV, ADMIN_PASSWORD, signedInClient, type AdminClient } from "./admin-client.js";

let svc: TestService;
let admin: AdminClient;
beforeAll(async () => {
  svc = await startTestService({ env: ADMIN_ENV });
  admin = await signedInClient(svc);
  svc.secret(admin.cookie!.split("=")[1]!);
});
afterAll(async () => {
  await svc.close();
});

async function tenantIds(): Promise<string[]> {
  return (await svc.db.selectFrom("tenants").select("id").orderBy("id").execute()).map((r) => r.id);
}

const TENANT = JSON.stringify({ id: "csrf-target", name: "CSRF target" });

describe("CSRF protection", () => {
  it("refuses a cross-origin Origin with 403, even with a valid session", async () => {
    const res = await fetch(`${svc.urls.admin}/api/admin/tenants`, {
      method: "POST",
      headers: { cookie: admin.cookie!, "content-type": "application/json", origin: "https://evil.example" },
      body: TENANT,
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: { message: "Cross-origin requests are not allowed.", code: "forbidden" },
    });
    expect(await tenantIds()).toEqual(["default"]);
  });

  it("refuses a form-encoded or text/plain POST with 403 (what a cross-site HTML form can send)", async () => {
    for (const [type, body] of [
      ["application/x-www-form-urlencoded", "id=csrf-target&name=x"],
      ["multipart/form-data; boundary=x", "--x--"],
      ["text/plain", TENANT],
    ] as const) {
      const res = await fetch(`${svc.urls.admin}/api/admin/tenants`, {
        method: "POST",
        headers: { cookie: admin.cookie!, "content-type": type },
        body,
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    }
    // Login is protected too (login CSRF), and so are DELETE and PATCH without JSON.
    const login = await fetch(`${svc.urls.admin}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `username=admin&password=${encodeURIComponent(ADMIN_PASSWORD)}`,
    });
    expect(login.status).toBe(403);
    expect(login.headers.get("set-cookie")).toBeNull();
    const del = await fetch(`${svc.urls.admin}/api/admin/tenants/default`, {
      method: "DELETE",
      headers: { cookie: admin.cookie! },
    });
    expect(del.status).toBe(403);
    expect(await tenantIds()).toEqual(["default"]);
  });

  it("refuses Sec-Fetch-Site: cross-site and a null Origin", async () => {
    for (const extra of [{ "sec-fetch-site": "cross-site" }, { origin: "null" }] as Record<
      string,
      string
    >[]) {
      const res = await fetch(`${svc.urls.admin}/api/admin/tenants`, {
        method: "POST",
        headers: { cookie: admin.cookie!, "content-type": "application/json", ...extra },
        body: TENANT,
      });
      expect(res.status).toBe(403);
    }
    expect(await tenantIds()).toEqual(["default"]);
  });

  it("accepts the admin's own Origin and sends no CORS headers", async () => {
    const res = await fetch(`${svc.urls.admin}/api/admin/tenants`, {
      method: "POST",
      headers: {
        cookie: admin.cookie!,
        "content-type": "application/json; charset=utf-8",
        origin: svc.urls.admin,
        "sec-fetch-site": "same-origin",
      },
      body: TENANT,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(await tenantIds()).toEqual(["csrf-target", "default"]);
    const preflight = await fetch(`${svc.urls.admin}/api/admin/tenants`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
  });
});
