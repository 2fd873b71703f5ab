import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IssuedKeyResponse } from "../../src/admin/routes/api-users/api-user-response.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { ADMIN_ENV, ADMIN_PASSWORD, AdminClient } from "./admin-client.js";

/**
 * Drives every admin endpoint with real secrets in play (admin password, a wrong password, session tokens, API keys,
 * tenant credentials stored with and without HERMES_SECRET_KEY) and checks none of them appears in any response
 * other than the one show-once key answer, in any action-trail row, or (via close()) in any log line.
 */
let svc: TestService;
beforeAll(async () => {
  // No HERMES_SECRET_KEY: credentials are stored as plain:… — the API must still never show them.
  svc = await startTestService({ env: ADMIN_ENV });
});
afterAll(async () => {
  await svc.close();
});

describe("no secret leaves through responses, the trail or the logs", () => {
  it("keeps passwords, session tokens, API keys and upstream credentials out of everything", async () => {
    const responses: string[] = [];
    const showOnce: string[] = [];
    const admin = new AdminClient(svc.urls.admin);
    const record = async <T>(p: Promise<{ text: string; status: number; body: T }>) => {
      const res = await p;
      responses.push(res.text);
      return res;
    };

    const wrong = svc.secret(`wrong-${randomBytes(8).toString("hex")}`);
    await record(admin.login("admin", wrong));
    const login = await admin.login("admin", ADMIN_PASSWORD);
    responses.push(login.text);
    const token = svc.secret(admin.cookie!.split("=")[1]!);
    responses.push(login.headers.get("set-cookie")!.replace(token, "")); // the cookie itself carries it, once

    const cred1 = svc.secret(`sk-cred-${randomBytes(12).toString("hex")}`);
    const cred2 = svc.secret(`sk-cred-${randomBytes(12).toString("hex")}`);
    await record(
      admin.post("/api/admin/tenants", {
        id: "leak",
        name: "Leak test",
        pre_upstream_url: "http://127.0.0.1:9/v1",
        upstream_api_key: cred1,
      }),
    );
    await record(admin.patch("/api/admin/tenants/leak", { upstream_api_key: cred2 }));
    // A rejected request that carries a credential must not echo it either.
    await record(admin.patch("/api/admin/tenants/leak", { upstream_api_key: cred1, bogus: cred1 }));
    await record(admin.post("/api/admin/tenants", { id: "Bad Id", name: cred1 }));

    const created = await admin.post<IssuedKeyResponse>("/api/admin/api-users", {
      name: "leaky",
      tenant_id: "leak",
      gateways: ["pre"],
    });
    showOnce.push(created.text);
    const key1 = svc.secret(created.body.api_key);
    const id = created.body.api_user.id;
    const rotated = await admin.post<IssuedKeyResponse>(`/api/admin/api-users/${id}/rotate`);
    showOnce.push(rotated.text);
    const key2 = svc.secret(rotated.body.api_key);

    for (const path of [
      "/api/admin/tenants",
      "/api/admin/tenants/leak",
      "/api/admin/api-users",
      `/api/admin/api-users/${id}`,
      `/api/admin/api-users/${id}/usage`,
      "/api/admin/events?limit=500",
      "/api/admin/status",
      "/api/auth/me",
      "/",
    ]) {
      await record(admin.get(path));
    }
    await record(admin.patch(`/api/admin/api-users/${id}`, { name: "leaky-2" }));
    await record(admin.post(`/api/admin/api-users/${id}/revoke`));
    await record(admin.delete(`/api/admin/api-users/${id}`));
    await record(admin.delete("/api/admin/tenants/leak"));
    await record(admin.post("/api/auth/logout"));

    const secrets = { ADMIN_PASSWORD, wrong, token, cred1, cred2, key1, key2 };
    const everything = responses.join("\n");
    for (const [name, value] of Object.entries(secrets)) {
      expect({ name, inResponses: everything.includes(value) }).toEqual({ name, inResponses: false });
    }
    // The show-once answers carry their own key and nothing else secret.
    expect(showOnce[0]).toContain(key1);
    expect(showOnce[1]).toContain(key2);
    for (const [name, value] of Object.entries({ ADMIN_PASSWORD, wrong, token, cred1, cred2 })) {
      expect({ name, inShowOnce: showOnce.join("\n").includes(value) }).toEqual({ name, inShowOnce: false });
    }

    const trail = JSON.stringify(await svc.db.selectFrom("admin_events").selectAll().execute());
    for (const [name, value] of Object.entries(secrets)) {
      expect({ name, inTrail: trail.includes(value) }).toEqual({ name, inTrail: false });
    }
    // Sessions and settings hold digests and hashes only.
    const stored = JSON.stringify([
      await svc.db.selectFrom("admin_sessions").selectAll().execute(),
      await svc.db.selectFrom("app_settings").selectAll().execute(),
    ]);
    for (const value of [ADMIN_PASSWORD, token]) expect(stored.includes(value)).toBe(false);
    // close() (afterAll) fails if any registered secret reached a log line.
  });
});
