/**
 * Admin accounts over the real admin API: owners create (show-once initial password, only an argon2id hash
 * stored), change roles, disable and delete; the environment owner and the last owner stay; changing one's own
 * password needs the current one and ends the account's other sessions; the action trail names the real account.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../harness/test-service.js";
import { ADMIN_ENV, AdminClient, signedInClient } from "../admin/admin-client.js";

let svc: TestService;
let owner: AdminClient;
beforeAll(async () => {
  svc = await startTestService({ env: ADMIN_ENV });
  owner = await signedInClient(svc);
  svc.secret(owner.cookie!.split("=")[1]!);
});
afterAll(async () => {
  await svc?.close();
});

type Admin = { id: string; username: string; role: string; status: string; kind: string };

async function createAdmin(username: string, role: string): Promise<{ admin: Admin; password: string }> {
  const res = await owner.post<{ admin: Admin; initial_password: string }>("/api/admin/admins", {
    username,
    role,
  });
  expect(res.status).toBe(201);
  expect(res.headers.get("cache-control")).toBe("no-store");
  return { admin: res.body.admin, password: svc.secret(res.body.initial_password) };
}

async function loginAs(username: string, password: string): Promise<AdminClient> {
  const client = new AdminClient(svc.urls.admin);
  const res = await client.login(username, password);
  expect(res.status).toBe(200);
  svc.secret(client.cookie!.split("=")[1]!);
  return client;
}

describe("admin accounts", () => {
  it("creates an account with a show-once password, stores only its hash, and names the owner in the trail", async () => {
    const { admin, password } = await createAdmin("alice", "admin");
    expect(admin).toMatchObject({ username: "alice", role: "admin", status: "active", kind: "local" });
    const row = await svc.db
      .selectFrom("admin_accounts")
      .selectAll()
      .where("id", "=", admin.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(row)).not.toContain(password);
    const list = await owner.get<{ data: Admin[] }>("/api/admin/admins");
    expect(list.text).not.toContain(password);
    expect(list.text).not.toContain("argon2");
    expect((await owner.post("/api/admin/admins", { username: "ALICE", role: "viewer" })).status).toBe(409);
    const alice = await loginAs("alice", password);
    expect((await alice.get<{ role: string }>("/api/auth/me")).body.role).toBe("admin");
    // An admin creates tenants (trail names alice), not admins.
    expect((await alice.post("/api/admin/tenants", { id: "by-alice", name: "By Alice" })).status).toBe(201);
    expect((await alice.get("/api/admin/admins")).status).toBe(403);
    const events = await svc.db.selectFrom("admin_events").select(["actor", "action"]).execute();
    expect(events).toEqual(
      expect.arrayContaining([
        { actor: "admin", action: "admin.create" },
        { actor: "alice", action: "tenant.create" },
      ]),
    );
  });

  it("changes a role at once (recorded), disables (sessions end) and deletes", async () => {
    const { admin, password } = await createAdmin("bob", "viewer");
    const bob = await loginAs("bob", password);
    expect((await bob.post("/api/admin/tenants", { id: "by-bob", name: "By Bob" })).status).toBe(403);
    expect((await owner.patch(`/api/admin/admins/${admin.id}`, { role: "admin" })).status).toBe(200);
    // The very next request of the open session has the new role.
    expect((await bob.post("/api/admin/tenants", { id: "by-bob", name: "By Bob" })).status).toBe(201);
    const change = await svc.db
      .selectFrom("admin_events")
      .select(["actor", "diff"])
      .where("action", "=", "admin.role_change")
      .where("target_id", "=", admin.id)
      .executeTakeFirstOrThrow();
    expect(change).toMatchObject({
      actor: "admin",
      diff: { before: { role: "viewer" }, after: { role: "admin" } },
    });

    expect((await owner.patch(`/api/admin/admins/${admin.id}`, { status: "disabled" })).status).toBe(200);
    expect((await bob.get("/api/auth/me")).status).toBe(401);
    expect((await new AdminClient(svc.urls.admin).login("bob", password)).status).toBe(401);
    expect((await owner.delete(`/api/admin/admins/${admin.id}`)).status).toBe(204);
    expect((await owner.delete(`/api/admin/admins/${admin.id}`)).status).toBe(404);
  });

  it("keeps the environment owner and the last owner", async () => {
    const env = (await owner.get<{ data: Admin[] }>("/api/admin/admins")).body.data.find(
      (a) => a.kind === "env",
    )!;
    expect((await owner.patch(`/api/admin/admins/${env.id}`, { role: "admin" })).status).toBe(409);
    expect((await owner.patch(`/api/admin/admins/${env.id}`, { status: "disabled" })).status).toBe(409);
    expect((await owner.delete(`/api/admin/admins/${env.id}`)).status).toBe(409);
    const { admin: carol, password } = await createAdmin("carol", "owner");
    const carolClient = await loginAs("carol", password);
    // With the environment owner out of the way (as if HERMES_ADMIN_USERNAME's row were gone), carol is the last.
    await svc.db
      .updateTable("admin_accounts")
      .set({ status: "disabled" })
      .where("kind", "=", "env")
      .execute();
    try {
      const demote = await carolClient.patch(`/api/admin/admins/${carol.id}`, { role: "admin" });
      expect(demote.status).toBe(409);
      expect(demote.text).toContain("last owner");
      expect((await carolClient.delete(`/api/admin/admins/${carol.id}`)).status).toBe(409);
      expect((await carolClient.patch(`/api/admin/admins/${carol.id}`, { status: "disabled" })).status).toBe(
        409,
      );
    } finally {
      await svc.db
        .updateTable("admin_accounts")
        .set({ status: "active" })
        .where("kind", "=", "env")
        .execute();
    }
    expect((await carolClient.patch(`/api/admin/admins/${carol.id}`, { role: "auditor" })).status).toBe(200);
  });

  it("changes one's own password with the current one and ends the other sessions", async () => {
    const { password } = await createAdmin("dave", "auditor");
    const first = await loginAs("dave", password);
    const second = await loginAs("dave", password);
    const wrong = await first.post("/api/admin/me/password", {
      current_password: "not-it-at-all",
      new_password: svc.secret("dave-new-password-1"),
    });
    expect(wrong.status).toBe(400);
    expect((await second.get("/api/auth/me")).status).toBe(200);
    const short = await first.post("/api/admin/me/password", {
      current_password: password,
      new_password: "short",
    });
    expect(short.status).toBe(400);
    const ok = await first.post<{ sessions_ended: number }>("/api/admin/me/password", {
      current_password: password,
      new_password: "dave-new-password-1",
    });
    expect(ok).toMatchObject({ status: 200, body: { sessions_ended: 1 } });
    expect((await second.get("/api/auth/me")).status).toBe(401);
    expect((await first.get("/api/auth/me")).status).toBe(200);
    expect((await new AdminClient(svc.urls.admin).login("dave", password)).status).toBe(401);
    await loginAs("dave", "dave-new-password-1");
    // The environment owner's password belongs to HERMES_ADMIN_PASSWORD.
    const env = await owner.post("/api/admin/me/password", {
      current_password: "x",
      new_password: "whatever-long-enough",
    });
    expect(env.status).toBe(409);
  });
});
