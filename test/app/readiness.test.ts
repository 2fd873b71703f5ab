import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../harness/test-database.js";
import { startTestService, type TestService } from "../harness/test-service.js";

let svc: TestService | undefined;
afterEach(async () => {
  await svc?.close();
  svc = undefined;
});

describe("health and readiness", () => {
  it("answers healthz and readyz on all three listeners (PostgreSQL)", async () => {
    svc = await startTestService();
    for (const base of Object.values(svc.urls)) {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "ready" });
    }
  });

  it("answers healthz and readyz on all three listeners (embedded)", async () => {
    svc = await startTestService({ database: "embedded" });
    expect(svc.deps.database.kind).toBe("embedded");
    for (const base of Object.values(svc.urls)) {
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    }
  });

  it("reports 503 (not a hang) when the database goes away, while healthz stays 200", async () => {
    const tdb = await createTestDatabase("dead");
    svc = await startTestService({ databaseUrl: tdb.url });
    await tdb.drop();
    for (const base of Object.values(svc.urls)) {
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { status: string; reason: string };
      expect(body.status).toBe("not_ready");
      expect(body.reason).not.toContain("postgres://");
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    }
  });

  it("creates the default tenant from the upstream variables", async () => {
    svc = await startTestService({
      env: {
        HERMES_PRE_UPSTREAM_URL: "http://127.0.0.1:9/v1",
        HERMES_POST_UPSTREAM_URL: "http://127.0.0.1:10/v1",
      },
    });
    const t = await svc.db
      .selectFrom("tenants")
      .selectAll()
      .where("id", "=", "default")
      .executeTakeFirstOrThrow();
    expect(t.pre_upstream_url).toBe("http://127.0.0.1:9/v1");
    expect(t.post_upstream_url).toBe("http://127.0.0.1:10/v1");
  });

  it("answers unknown routes with a 404 in the right envelope per listener", async () => {
    svc = await startTestService();
    const gw = await fetch(`${svc.urls.pre}/v1/nothing`, { method: "POST" });
    expect(gw.status).toBe(404);
    expect(await gw.json()).toEqual({
      error: {
        message: "Invalid URL (POST /v1/nothing)",
        type: "invalid_request_error",
        param: null,
        code: null,
      },
    });
    const admin = await fetch(`${svc.urls.admin}/api/nothing`);
    expect(admin.status).toBe(404);
    expect(await admin.json()).toEqual({ error: { message: "Not found.", code: "not_found" } });
  });
});
