import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../harness/test-service.js";
import { ADMIN_ENV, signedInClient, type AdminClient } from "./admin-client.js";

let svc: TestService;
let admin: AdminClient;
let userId: string;
beforeAll(async () => {
  svc = await startTestService({ env: ADMIN_ENV });
  admin = await signedInClient(svc);
  svc.secret(admin.cookie!.split("=")[1]!);
  const created = await admin.post<{ api_user: { id: string }; api_key: string }>("/api/admin/api-users", {
    name: "existing",
    tenant_id: "default",
    gateways: ["pre"],
    rpm_limit: 60,
  });
  svc.secret(created.body.api_key);
  userId = created.body.api_user.id;
});
afterAll(async () => {
  await svc.close();
});

type ErrorBody = { error: { message: string; code: string } };

/** Everything an admin write could change, so a refused request can be shown to have changed nothing. */
async function snapshot() {
  const [tenants, users, events] = await Promise.all([
    svc.db.selectFrom("tenants").selectAll().orderBy("id").execute(),
    svc.db.selectFrom("api_users").selectAll().orderBy("id").execute(),
    svc.db.selectFrom("admin_events").select("id").where("action", "not like", "auth.%").execute(),
  ]);
  return JSON.stringify({ tenants, users, events });
}

const long = "n".repeat(201);

const CASES: [string, string, string, unknown, number, string, RegExp][] = [
  [
    "bad URL scheme",
    "POST",
    "/api/admin/tenants",
    { id: "t1", name: "T", pre_upstream_url: "ftp://x/v1" },
    400,
    "invalid_request",
    /^pre_upstream_url: must be an http:\/\/ or https:\/\/ URL$/,
  ],
  [
    "not a URL",
    "POST",
    "/api/admin/tenants",
    { id: "t1", name: "T", post_upstream_url: "not a url" },
    400,
    "invalid_request",
    /^post_upstream_url: must be an http/,
  ],
  [
    "URL with credentials",
    "POST",
    "/api/admin/tenants",
    { id: "t1", name: "T", pre_upstream_url: "http://u:p@h/v1" },
    400,
    "invalid_request",
    /^pre_upstream_url: must not contain credentials/,
  ],
  [
    "bad slug",
    "POST",
    "/api/admin/tenants",
    { id: "Bad Slug", name: "T" },
    400,
    "invalid_request",
    /^id: must be a slug/,
  ],
  [
    "oversize tenant name",
    "POST",
    "/api/admin/tenants",
    { id: "t1", name: long },
    400,
    "invalid_request",
    /^name: must be at most 200 characters$/,
  ],
  [
    "empty name",
    "POST",
    "/api/admin/tenants",
    { id: "t1", name: "  " },
    400,
    "invalid_request",
    /^name: must not be empty$/,
  ],
  [
    "unknown field",
    "POST",
    "/api/admin/tenants",
    { id: "t1", name: "T", upstream_key: "x" },
    400,
    "invalid_request",
    /upstream_key/,
  ],
  [
    "PATCH bad URL",
    "PATCH",
    "/api/admin/tenants/default",
    { pre_upstream_url: "javascript:alert(1)" },
    400,
    "invalid_request",
    /^pre_upstream_url:/,
  ],
  [
    "negative rpm",
    "POST",
    "/api/admin/api-users",
    { name: "u", tenant_id: "default", gateways: ["pre"], rpm_limit: -1 },
    400,
    "invalid_request",
    /^rpm_limit: must be a positive whole number/,
  ],
  [
    "negative cap",
    "POST",
    "/api/admin/api-users",
    { name: "u", tenant_id: "default", gateways: ["pre"], monthly_token_cap: -5 },
    400,
    "invalid_request",
    /^monthly_token_cap: must not be negative/,
  ],
  [
    "fractional cap",
    "POST",
    "/api/admin/api-users",
    { name: "u", tenant_id: "default", gateways: ["pre"], monthly_token_cap: 1.5 },
    400,
    "invalid_request",
    /^monthly_token_cap: must be a whole number$/,
  ],
  [
    "string rpm",
    "POST",
    "/api/admin/api-users",
    { name: "u", tenant_id: "default", gateways: ["pre"], rpm_limit: "10" },
    400,
    "invalid_request",
    /^rpm_limit: must be a whole number or null$/,
  ],
  [
    "bad gateway",
    "POST",
    "/api/admin/api-users",
    { name: "u", tenant_id: "default", gateways: ["side"] },
    400,
    "invalid_request",
    /^gateways\.0: each entry must be "pre" or "post"$/,
  ],
  [
    "no gateway",
    "POST",
    "/api/admin/api-users",
    { name: "u", tenant_id: "default", gateways: [] },
    400,
    "invalid_request",
    /^gateways: must name at least one gateway/,
  ],
  [
    "duplicate gateway",
    "POST",
    "/api/admin/api-users",
    { name: "u", tenant_id: "default", gateways: ["pre", "pre"] },
    400,
    "invalid_request",
    /^gateways: must name each gateway at most once$/,
  ],
  [
    "unknown tenant",
    "POST",
    "/api/admin/api-users",
    { name: "u", tenant_id: "nope", gateways: ["pre"] },
    400,
    "invalid_request",
    /^tenant_id: no tenant with this id$/,
  ],
  [
    "oversize user name",
    "POST",
    "/api/admin/api-users",
    { name: long, tenant_id: "default", gateways: ["pre"] },
    400,
    "invalid_request",
    /^name: must be at most 200 characters$/,
  ],
  [
    "missing name",
    "POST",
    "/api/admin/api-users",
    { tenant_id: "default", gateways: ["pre"] },
    400,
    "invalid_request",
    /^name: must be a string$/,
  ],
  [
    "PATCH negative rpm",
    "PATCH",
    "/api/admin/api-users/:id",
    { rpm_limit: 0 },
    400,
    "invalid_request",
    /^rpm_limit:/,
  ],
  [
    "PATCH oversize name",
    "PATCH",
    "/api/admin/api-users/:id",
    { name: long },
    400,
    "invalid_request",
    /^name: must be at most 200/,
  ],
  [
    "unknown user GET",
    "GET",
    "/api/admin/api-users/usr_nope",
    undefined,
    404,
    "not_found",
    /^No API user with this id\.$/,
  ],
  [
    "unknown user PATCH",
    "PATCH",
    "/api/admin/api-users/usr_nope",
    { name: "x" },
    404,
    "not_found",
    /^No API user/,
  ],
  [
    "unknown user DELETE",
    "DELETE",
    "/api/admin/api-users/usr_nope",
    undefined,
    404,
    "not_found",
    /^No API user/,
  ],
  [
    "unknown user rotate",
    "POST",
    "/api/admin/api-users/usr_nope/rotate",
    {},
    404,
    "not_found",
    /^No API user/,
  ],
  [
    "unknown user revoke",
    "POST",
    "/api/admin/api-users/usr_nope/revoke",
    {},
    404,
    "not_found",
    /^No API user/,
  ],
  [
    "unknown user usage",
    "GET",
    "/api/admin/api-users/usr_nope/usage",
    undefined,
    404,
    "not_found",
    /^No API user/,
  ],
  [
    "bad usage month",
    "GET",
    "/api/admin/api-users/:id/usage?month=2026-13",
    undefined,
    400,
    "invalid_request",
    /^month: must be a month as YYYY-MM$/,
  ],
  [
    "bad events limit",
    "GET",
    "/api/admin/events?limit=501",
    undefined,
    400,
    "invalid_request",
    /^limit: must be at most 500$/,
  ],
  ["bad events cursor", "GET", "/api/admin/events?cursor=zzz", undefined, 400, "invalid_request", /^cursor:/],
  [
    "bad events date",
    "GET",
    "/api/admin/events?from=yesterday",
    undefined,
    400,
    "invalid_request",
    /^from: must be an ISO 8601/,
  ],
];

describe("validation", () => {
  it.each(CASES)(
    "%s: %s %s answers with a clear error and changes nothing",
    async (_name, method, path, body, status, code, message) => {
      const before = await snapshot();
      const res = await admin.request<ErrorBody>(method, path.replace(":id", userId), body);
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toMatch(message);
      expect(await snapshot()).toBe(before);
    },
  );

  it("answers invalid JSON with 400 invalid_json", async () => {
    const res = await fetch(`${svc.urls.admin}/api/admin/tenants`, {
      method: "POST",
      headers: { cookie: admin.cookie!, "content-type": "application/json" },
      body: '{"id": "t1",',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { message: "The request body is not valid JSON.", code: "invalid_json" },
    });
  });
});

describe("body size", () => {
  it("refuses an admin request body over 64 KiB with 413 before parsing it", async () => {
    const before = await snapshot();
    const res = await fetch(`${svc.urls.admin}/api/admin/tenants`, {
      method: "POST",
      headers: { cookie: admin.cookie!, "content-type": "application/json" },
      body: JSON.stringify({ id: "big", name: "x", pad: "y".repeat(70 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: { message: "Request body over 65536 bytes.", code: "payload_too_large" },
    });
    expect(await snapshot()).toBe(before);
  });
});
