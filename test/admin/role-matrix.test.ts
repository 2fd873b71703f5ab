/**
 * Every admin endpoint × every role, from one table (ROLE_TABLE: the least role each route needs). A denied role gets
 * 403 JSON before anything is validated or changed; an allowed role gets exactly what the owner gets. The table is
 * written here independently of src/admin/permissions.ts, so a wrong entry there fails here; and a route registered
 * without an entry in both fails the completeness test. Then the body rules: an auditor reads a prompt and downloads
 * JSONL (and the trail names them), a viewer sees the record without bodies and cannot export.
 */
import type { Hono } from "hono";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdminApp } from "../../src/admin/admin-app.js";
import { PERMISSIONS } from "../../src/admin/permissions.js";
import type { AdminRole } from "../../src/db/schema.js";
import { createApiUser, createTenant } from "../harness/seed.js";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { ADMIN_ENV, AdminClient, signedInClient } from "./admin-client.js";

type Least = AdminRole;
const H = "/api/admin/tenants/:id/hermes";

/** The least role each /api/admin route needs (owner ⊃ admin ⊃ auditor ⊃ viewer). */
export const ROLE_TABLE: Readonly<Record<string, Least>> = {
  "GET /api/admin/status": "viewer",
  "GET /api/admin/usage": "viewer",
  "GET /api/admin/events": "viewer",
  "GET /api/admin/logs": "viewer",
  "GET /api/admin/logs/:id": "viewer",
  "GET /api/admin/logs/download": "auditor",
  "GET /api/admin/tenants": "viewer",
  "POST /api/admin/tenants": "admin",
  "GET /api/admin/tenants/:id": "viewer",
  "PATCH /api/admin/tenants/:id": "admin",
  "DELETE /api/admin/tenants/:id": "admin",
  "GET /api/admin/api-users": "viewer",
  "POST /api/admin/api-users": "admin",
  "GET /api/admin/api-users/:id": "viewer",
  "PATCH /api/admin/api-users/:id": "admin",
  "DELETE /api/admin/api-users/:id": "admin",
  "POST /api/admin/api-users/:id/rotate": "admin",
  "POST /api/admin/api-users/:id/revoke": "admin",
  "GET /api/admin/api-users/:id/usage": "viewer",
  "GET /api/admin/admins": "owner",
  "POST /api/admin/admins": "owner",
  "PATCH /api/admin/admins/:id": "owner",
  "DELETE /api/admin/admins/:id": "owner",
  "POST /api/admin/me/password": "viewer",
  "GET /api/admin/hermes/proxies": "viewer",
  [`GET ${H}/profiles`]: "viewer",
  [`GET ${H}/accounts`]: "viewer",
  [`GET ${H}/identities`]: "viewer",
  [`GET ${H}/model`]: "viewer",
  [`PATCH ${H}/model`]: "admin",
  [`GET ${H}/health`]: "viewer",
  [`POST ${H}/health/probe`]: "admin",
  [`GET ${H}/sessions`]: "viewer",
  [`GET ${H}/sessions/:session`]: "viewer",
  [`GET ${H}/sessions/:session/messages`]: "auditor",
  [`GET ${H}/sessions/:session/messages/:message`]: "auditor",
  [`GET ${H}/insights`]: "viewer",
  [`GET ${H}/skills`]: "viewer",
  [`GET ${H}/skills/content`]: "viewer",
  [`GET ${H}/bundles`]: "viewer",
  [`GET ${H}/plugins`]: "viewer",
  [`GET ${H}/mcp`]: "viewer",
  [`GET ${H}/hooks`]: "viewer",
  [`GET ${H}/webhooks`]: "viewer",
  [`GET ${H}/tools`]: "viewer",
  [`GET ${H}/cron`]: "viewer",
  [`GET ${H}/cron/:job/outputs`]: "viewer",
  [`GET ${H}/cron/:job/outputs/:output`]: "auditor",
  [`GET ${H}/memory`]: "viewer",
  [`GET ${H}/memory/:file`]: "auditor",
  [`GET ${H}/kanban`]: "viewer",
  [`GET ${H}/kanban/tasks/:task`]: "auditor",
  [`GET ${H}/profile-summaries`]: "viewer",
  [`GET ${H}/status`]: "viewer",
  [`GET ${H}/storage`]: "viewer",
  [`GET ${H}/security`]: "viewer",
  [`GET ${H}/logs`]: "auditor",
};

const RANK: Record<AdminRole, number> = { viewer: 0, auditor: 1, admin: 2, owner: 3 };
const ROLES: AdminRole[] = ["owner", "admin", "auditor", "viewer"];

let svc: TestService;
let upstream: FakeUpstream;
const clients = {} as Record<AdminRole, AdminClient>;
const usernames = {} as Record<AdminRole, string>;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  svc = await startTestService({ env: ADMIN_ENV });
  clients.owner = await signedInClient(svc);
  usernames.owner = "admin";
  for (const role of ["admin", "auditor", "viewer"] as const) {
    const username = `matrix-${role}`;
    const created = await clients.owner.post<{ initial_password: string }>("/api/admin/admins", {
      username,
      role,
    });
    expect(created.status).toBe(201);
    const password = svc.secret(created.body.initial_password);
    const client = new AdminClient(svc.urls.admin);
    expect((await client.login(username, password)).status).toBe(200);
    clients[role] = client;
    usernames[role] = username;
  }
  for (const c of Object.values(clients)) svc.secret(c.cookie!.split("=")[1]!);
});
afterAll(async () => {
  await svc?.close();
  await upstream?.close();
});

function registeredAdminRoutes(app: Hono): string[] {
  return [
    ...new Set(
      app.routes
        .filter((r) => r.method !== "ALL" && r.path.startsWith("/api/admin/"))
        .map((r) => `${r.method} ${r.path}`),
    ),
  ];
}

describe("role matrix", () => {
  it("has an entry for every registered /api/admin route, in this table and in the permission table", () => {
    const routes = registeredAdminRoutes(createAdminApp(svc.deps));
    expect(routes.length).toBeGreaterThan(50);
    expect(routes.filter((r) => !(r in ROLE_TABLE))).toEqual([]);
    expect(routes.filter((r) => !(r in PERMISSIONS))).toEqual([]);
    expect(Object.keys(ROLE_TABLE).filter((r) => !routes.includes(r))).toEqual([]);
    expect(Object.keys(PERMISSIONS).filter((r) => !routes.includes(r))).toEqual([]);
  });

  it("answers every route × role as the table says: 403 JSON below the least role, the owner's answer above", async () => {
    const seen: string[] = [];
    for (const [spec, least] of Object.entries(ROLE_TABLE)) {
      const [method, pattern] = spec.split(" ") as [string, string];
      // Reads use the default tenant (real answers); changes use ids that do not exist, so nothing changes.
      const path = pattern
        .replace(":id", method === "GET" && pattern.startsWith("/api/admin/tenants") ? "default" : "zz-none")
        .replace(/:[a-z]+/g, "zz-none");
      const send = (c: AdminClient) => c.request(method, path, method === "GET" ? undefined : {});
      // The denied roles first: if a check were missing, a later allowed call would not hide it.
      const answers = {} as Record<AdminRole, number>;
      for (const role of [...ROLES].reverse()) {
        const res = await send(clients[role]);
        answers[role] = res.status;
        if (RANK[role] < RANK[least]) {
          expect({
            spec,
            role,
            status: res.status,
            code: (res.body as { error?: { code?: string } })?.error?.code,
          }).toEqual({ spec, role, status: 403, code: "forbidden" });
        }
      }
      expect([401, 403]).not.toContain(answers.owner);
      for (const role of ROLES)
        if (RANK[role] >= RANK[least])
          expect({ spec, role, status: answers[role] }).toEqual({ spec, role, status: answers.owner });
      seen.push(spec);
    }
    expect(seen).toHaveLength(Object.keys(ROLE_TABLE).length);
    // The refused calls changed nothing.
    expect((await svc.db.selectFrom("admin_accounts").select("username").execute()).length).toBe(4);
  });

  it("lets an auditor read a prompt and download JSONL (named in the trail); a viewer sees no bodies", async () => {
    const tenant = await createTenant(svc, { preUpstreamUrl: upstream.url });
    const { apiKey } = await createApiUser(svc, { tenantId: tenant.id });
    const openai = new OpenAI({ apiKey, baseURL: `${svc.urls.pre}/v1`, maxRetries: 0 });
    await openai.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "the auditor may read this prompt" }],
    });
    type Page = { data: { id: number }[] };
    let id: number | undefined;
    for (let i = 0; i < 50 && id === undefined; i++) {
      const page = await clients.viewer.get<Page>(`/api/admin/logs?tenant_id=${tenant.id}`);
      id = page.body.data[0]?.id;
      if (id === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(id).toBeDefined();

    const read = await clients.auditor.get<{ prompt: unknown }>(`/api/admin/logs/${id}`);
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.body.prompt)).toContain("the auditor may read this prompt");
    const download = await clients.auditor.get(`/api/admin/logs/download?tenant_id=${tenant.id}`);
    expect(download.status).toBe(200);
    expect(download.text).toContain("the auditor may read this prompt");

    const withheld = await clients.viewer.get<Record<string, unknown>>(`/api/admin/logs/${id}`);
    expect(withheld.status).toBe(200);
    expect(withheld.body).toMatchObject({ id, prompt: null, response: null, bodies_withheld: true });
    expect(withheld.text).not.toContain("the auditor may read this prompt");
    expect((await clients.viewer.get(`/api/admin/logs/download?tenant_id=${tenant.id}`)).status).toBe(403);

    const events = await svc.db
      .selectFrom("admin_events")
      .select(["actor", "action", "target_id"])
      .where("action", "in", ["audit.view", "audit.export"])
      .execute();
    expect(events).toEqual(
      expect.arrayContaining([
        { actor: usernames.auditor, action: "audit.view", target_id: String(id) },
        { actor: usernames.auditor, action: "audit.export", target_id: null },
      ]),
    );
    // The viewer's withheld read and refused export left no body-read entry.
    expect(events.filter((e) => e.actor === usernames.viewer)).toEqual([]);
  });
});
