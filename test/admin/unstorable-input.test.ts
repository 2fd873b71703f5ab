/**
 * Text PostgreSQL cannot store (NUL, lone surrogates) and control characters in ids and filters: refused at
 * validation with 400 naming the field, for bodies, path parameters and query parameters alike, and nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../harness/test-service.js";
import { ADMIN_ENV, signedInClient, type AdminClient } from "./admin-client.js";

let svc: TestService;
let admin: AdminClient;
let userId: string;

beforeAll(async () => {
  svc = await startTestService({ env: ADMIN_ENV });
  admin = await signedInClient(svc);
  const created = await admin.post<{ api_user: { id: string }; api_key: string }>("/api/admin/api-users", {
    name: "existing",
    tenant_id: "default",
    gateways: ["pre"],
  });
  svc.secret(created.body.api_key);
  userId = created.body.api_user.id;
});
afterAll(async () => {
  await svc.close();
});

type ErrorBody = { error: { message: string; code: string } };

async function expect400(
  res: Promise<{ status: number; body: unknown; text: string }>,
  field: string,
): Promise<void> {
  const r = await res;
  expect(r.status, r.text).toBe(400);
  const body = r.body as ErrorBody;
  expect(body.error.code).toBe("invalid_request");
  expect(body.error.message.startsWith(`${field}: `), body.error.message).toBe(true);
  expect(Object.keys(body.error).sort()).toEqual(["code", "message"]);
}

describe("NUL and lone surrogates in JSON bodies", () => {
  it("a tenant name with \\u0000 → 400 naming name", async () => {
    await expect400(admin.post("/api/admin/tenants", { id: "nul-t", name: "a\u0000b" }), "name");
    await expect400(admin.patch("/api/admin/tenants/default", { name: "\u0000" }), "name");
    expect((await admin.get("/api/admin/tenants/nul-t")).status).toBe(404);
  });

  it("an API user name with \\u0000 → 400 naming name", async () => {
    await expect400(
      admin.post("/api/admin/api-users", { name: "x\u0000", tenant_id: "default", gateways: ["pre"] }),
      "name",
    );
    await expect400(admin.patch(`/api/admin/api-users/${userId}`, { name: "\u0000" }), "name");
  });

  it("an upstream credential with \\u0000 → 400 naming upstream_api_key", async () => {
    await expect400(
      admin.patch("/api/admin/tenants/default", { upstream_api_key: "sk-\u0000-x" }),
      "upstream_api_key",
    );
  });

  it("a tenant id in a body with \\u0000 → 400 naming tenant_id", async () => {
    await expect400(
      admin.post("/api/admin/api-users", { name: "n", tenant_id: "de\u0000", gateways: ["pre"] }),
      "tenant_id",
    );
  });

  it("a lone surrogate (no UTF-8 form) → 400 naming the field", async () => {
    await expect400(admin.post("/api/admin/tenants", { id: "sur-t", name: "a\ud800b" }), "name");
    await expect400(admin.post("/api/auth/login", { username: "admin\udfff", password: "x" }), "username");
  });

  it("in a key or nested deeper, the field is named by its path", async () => {
    await expect400(
      admin.post("/api/admin/api-users", { name: "n", tenant_id: "default", gateways: ["pre", "\u0000"] }),
      "gateways.1",
    );
  });
});

describe("NUL and control characters in path parameters", () => {
  for (const [method, path] of [
    ["GET", "/api/admin/tenants/%00"],
    ["PATCH", "/api/admin/tenants/a%00b"],
    ["DELETE", "/api/admin/tenants/%00"],
    ["GET", "/api/admin/api-users/usr_%00"],
    ["PATCH", "/api/admin/api-users/%00"],
    ["DELETE", "/api/admin/api-users/%00"],
    ["POST", "/api/admin/api-users/%00/rotate"],
    ["POST", "/api/admin/api-users/%00/revoke"],
    ["GET", "/api/admin/api-users/%00/usage"],
    ["GET", "/api/admin/api-users/%1B%5B31m/usage"],
  ] as const) {
    it(`${method} ${path} → 400 naming id`, async () => {
      const body = method === "PATCH" ? { name: "x" } : method === "POST" ? {} : undefined;
      await expect400(admin.request(method, path, body), "id");
    });
  }
});

describe("NUL and control characters in query parameters", () => {
  for (const [path, field] of [
    ["/api/admin/api-users?tenant_id=%00", "tenant_id"],
    ["/api/admin/logs?api_user_id=%00", "api_user_id"],
    ["/api/admin/logs?tenant_id=a%00", "tenant_id"],
    ["/api/admin/logs/download?api_user_id=%00", "api_user_id"],
    ["/api/admin/events?actor=%00", "actor"],
    ["/api/admin/events?action=tenant.%00", "action"],
    ["/api/admin/events?target_type=%00", "target_type"],
    ["/api/admin/events?target_id=%0A", "target_id"],
    ["/api/admin/api-users/x/usage?month=%00", "month"],
  ] as const) {
    it(`GET ${path} → 400 naming ${field}`, async () => {
      await expect400(admin.get(path), field);
    });
  }
});

describe("messages never echo the rejected value", () => {
  it("an unknown tenant id is not repeated back", async () => {
    const r = await admin.post<ErrorBody>("/api/admin/api-users", {
      name: "n",
      tenant_id: "no-such-tenant-zz9",
      gateways: ["pre"],
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).not.toContain("no-such-tenant-zz9");
    expect(r.body.error.message).toMatch(/^tenant_id: /);
  });

  it("an unknown field's name is not repeated back when it is not a plain name", async () => {
    const r = await admin.post<ErrorBody>("/api/admin/tenants", {
      id: "t-unk",
      name: "T",
      ["sk-live-" + "z".repeat(40)]: 1,
    });
    expect(r.status).toBe(400);
    expect(r.text).not.toContain("z".repeat(40));
  });
});

it("the service logged no unhandled error", () => {
  expect(svc.logs.lines().filter((l) => l.msg === "unhandled error")).toEqual([]);
});
