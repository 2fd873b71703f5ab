import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { safeNextPath } from "../../src/admin/safe-next.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { ADMIN_ENV, signedInClient, type AdminClient } from "./admin-client.js";

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

describe("console pages", () => {
  it("redirects a page without a session to /login?next=<path>", async () => {
    const res = await fetch(`${svc.urls.admin}/`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?next=%2F");
  });

  it("serves the login page and the signed-in landing page with strict headers", async () => {
    const login = await fetch(`${svc.urls.admin}/login`);
    expect(login.status).toBe(200);
    expect(login.headers.get("content-type")).toMatch(/text\/html/);
    expect(login.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(login.headers.get("x-frame-options")).toBe("DENY");
    expect(await login.text()).toContain('id="login-form"');
    const home = await admin.get("/");
    expect(home.status).toBe(200);
    expect(home.text).toContain("Hermes Control Plane");
    const asset = await fetch(`${svc.urls.admin}/assets/login.js`);
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    expect((await fetch(`${svc.urls.admin}/assets/..%2Fpackage.json`)).status).toBe(404);
  });

  it("an asset named like an Object.prototype key is not found, not a 500", async () => {
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
      const r = await fetch(`${svc.urls.admin}/assets/${name}`);
      expect(r.status, name).toBe(404);
      expect(await r.json()).toEqual({ error: { message: "Not found.", code: "not_found" } });
    }
  });

  it("sends a signed-in admin on to a same-origin next, and ignores //evil.example and absolute URLs", async () => {
    for (const [next, expected] of [
      ["/", "/"],
      ["/?tab=keys", "/?tab=keys"],
      ["//evil.example", "/"],
      ["//evil.example/path", "/"],
      ["https://evil.example/", "/"],
      ["/\\evil.example", "/"],
      ["javascript:alert(1)", "/"],
    ] as const) {
      const res = await admin.get(`/login?next=${encodeURIComponent(next)}`);
      expect({ next, status: res.status, location: res.headers.get("location") }).toEqual({
        next,
        status: 302,
        location: expected,
      });
    }
  });
});

describe("safeNextPath", () => {
  it("keeps same-origin relative paths only", () => {
    expect(safeNextPath("/api/admin/status?x=1#y")).toBe("/api/admin/status?x=1#y");
    expect(safeNextPath(undefined)).toBe("/");
    expect(safeNextPath("")).toBe("/");
    expect(safeNextPath("//evil.example")).toBe("/");
    expect(safeNextPath("/\t/evil.example")).toBe("/");
    expect(safeNextPath("/%2F/evil.example")).toBe("/%2F/evil.example");
    expect(safeNextPath("relative")).toBe("/");
    expect(safeNextPath("/login")).toBe("/");
    expect(safeNextPath(`/${"a".repeat(3000)}`)).toBe("/");
  });
});
