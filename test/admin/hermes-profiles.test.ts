import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProfilesView } from "../../src/admin/routes/hermes/index.js";
import type { TenantResponse } from "../../src/admin/routes/tenants/index.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { copyFixtureRoot, snapshotTree, type FixtureRoot } from "../fixtures/hermes/fixture-homes.js";
import { expectNoPlantedSecrets } from "../fixtures/hermes/planted-secrets.js";
import { ADMIN_ENV, signedInClient, type AdminClient } from "./admin-client.js";

let fx: FixtureRoot;
let outside: string;
let svc: TestService;
let admin: AdminClient;
beforeAll(async () => {
  fx = copyFixtureRoot(["complete", "profiles", "older"]);
  outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "hcp-outside-")));
  svc = await startTestService({ env: { ...ADMIN_ENV, ...fx.env } });
  admin = await signedInClient(svc);
});
afterAll(async () => {
  await svc?.close();
  fx.cleanup();
  fs.rmSync(outside, { recursive: true, force: true });
});

describe("tenants' hermes_home", () => {
  it("is set on create and update only inside HERMES_STATE_ROOTS, with a trail diff", async () => {
    const created = await admin.post<TenantResponse>("/api/admin/tenants", {
      id: "lab",
      name: "Lab",
      hermes_home: fx.homeOf("profiles"),
    });
    expect(created.status).toBe(201);
    expect(created.body.hermes_home).toBe(fx.homeOf("profiles"));

    const refused = [
      ["/etc", "hermes_home: must lie inside HERMES_STATE_ROOTS (after resolving symlinks)"],
      ["relative/path", "hermes_home: must be an absolute path"],
      [`${fx.root}/../../etc`, "hermes_home: must lie inside HERMES_STATE_ROOTS (after resolving symlinks)"],
      [path.join(fx.root, "no-such-dir"), "hermes_home: must be an existing directory"],
    ] as const;
    fs.symlinkSync(outside, path.join(fx.root, "escape"));
    for (const [value, message] of [
      ...refused,
      [
        path.join(fx.root, "escape"),
        "hermes_home: must lie inside HERMES_STATE_ROOTS (after resolving symlinks)",
      ],
    ]) {
      const res = await admin.patch("/api/admin/tenants/lab", { hermes_home: value });
      expect(res.status, value).toBe(400);
      expect(res.body).toEqual({ error: { code: "invalid_request", message } });
    }
    const bad = await admin.post("/api/admin/tenants", { id: "bad", name: "Bad", hermes_home: "/etc" });
    expect(bad.status).toBe(400);
    expect((await admin.get("/api/admin/tenants/bad")).status).toBe(404);

    const moved = await admin.patch<TenantResponse>("/api/admin/tenants/lab", {
      hermes_home: `${fx.homeOf("older")}/`,
    });
    expect(moved.body.hermes_home).toBe(fx.homeOf("older"));
    const cleared = await admin.patch<TenantResponse>("/api/admin/tenants/lab", { hermes_home: null });
    expect(cleared.body.hermes_home).toBeNull();

    const trail = await svc.db
      .selectFrom("admin_events")
      .select(["action", "diff"])
      .where("target_id", "=", "lab")
      .orderBy("id")
      .execute();
    expect(trail.map((e) => e.action)).toEqual(["tenant.create", "tenant.update", "tenant.update"]);
    expect((trail[0]!.diff as { after: Record<string, unknown> }).after.hermes_home).toBe(
      fx.homeOf("profiles"),
    );
    expect(trail[1]!.diff).toEqual({
      before: { hermes_home: fx.homeOf("profiles") },
      after: { hermes_home: fx.homeOf("older") },
    });
    expect(trail[2]!.diff).toEqual({
      before: { hermes_home: fx.homeOf("older") },
      after: { hermes_home: null },
    });
  });

  it("the default tenant shows null and reads HERMES_HOME", async () => {
    const res = await admin.get<TenantResponse>("/api/admin/tenants/default");
    expect(res.body.hermes_home).toBeNull();
    const profiles = await admin.get<ProfilesView>("/api/admin/tenants/default/hermes/profiles");
    expect(profiles.status).toBe(200);
    expect(profiles.body).toMatchObject({ home: fx.home, home_status: "ok", active_profile: "default" });
    expect(profiles.body.data.map((p) => p.name)).toEqual(["default", "research", "work"]);
  });
});

describe("GET /api/admin/tenants/:id/hermes/profiles", () => {
  it("lists a tenant's profiles with the active one, and writes nothing", async () => {
    await admin.post("/api/admin/tenants", {
      id: "prof",
      name: "Profiles",
      hermes_home: fx.homeOf("profiles"),
    });
    const before = snapshotTree(fx.root);
    const res = await admin.get<ProfilesView>("/api/admin/tenants/prof/hermes/profiles");
    expect(res.status).toBe(200);
    expect(res.body.active_profile).toBe("work");
    expect(res.body.data).toEqual([
      { name: "default", path: fx.homeOf("profiles"), active: false, description: null, has_config: true },
      {
        name: "home-lab",
        path: path.join(fx.homeOf("profiles"), "profiles", "home-lab"),
        active: false,
        description: null,
        has_config: true,
      },
      {
        name: "work",
        path: path.join(fx.homeOf("profiles"), "profiles", "work"),
        active: true,
        description: "Work profile",
        has_config: true,
      },
    ]);
    expectNoPlantedSecrets(res.text, "profiles");
    expect(snapshotTree(fx.root)).toEqual(before);
  });

  it("404s a tenant without a home and an unknown tenant; shows a home that is not there yet", async () => {
    await admin.post("/api/admin/tenants", { id: "nohome", name: "No home" });
    const none = await admin.get("/api/admin/tenants/nohome/hermes/profiles");
    expect(none.status).toBe(404);
    expect(none.body).toEqual({
      error: { code: "not_found", message: "This tenant has no Hermes home; set its hermes_home first." },
    });
    expect((await admin.get("/api/admin/tenants/ghost/hermes/profiles")).status).toBe(404);
    // A home that was valid when set and has since gone away.
    const gone = path.join(fx.root, "gone");
    fs.mkdirSync(gone);
    await admin.post("/api/admin/tenants", { id: "gone", name: "Gone", hermes_home: gone });
    fs.rmdirSync(gone);
    const res = await admin.get<ProfilesView>("/api/admin/tenants/gone/hermes/profiles");
    expect(res.body).toMatchObject({ home_status: "not_present", data: [] });
  });

  it("needs a session", async () => {
    const res = await fetch(`${svc.urls.admin}/api/admin/tenants/default/hermes/profiles`);
    expect(res.status).toBe(401);
  });
});
