import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountsView, IdentitiesResponse } from "../../src/admin/routes/hermes/accounts.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { copyFixtureRoot, type FixtureRoot } from "../fixtures/hermes/fixture-homes.js";
import { expectNoPlantedSecrets } from "../fixtures/hermes/planted-secrets.js";
import { ADMIN_ENV, signedInClient, type AdminClient } from "./admin-client.js";

let fx: FixtureRoot;
let svc: TestService;
let admin: AdminClient;
beforeAll(async () => {
  fx = copyFixtureRoot(["complete", "older", "profiles"]);
  svc = await startTestService({ env: { ...ADMIN_ENV, ...fx.env } });
  admin = await signedInClient(svc);
  await admin.post("/api/admin/tenants", { id: "older", name: "Older", hermes_home: fx.homeOf("older") });
  await admin.post("/api/admin/tenants", {
    id: "prof",
    name: "Profiles",
    hermes_home: fx.homeOf("profiles"),
  });
});
afterAll(async () => {
  await svc?.close();
  fx.cleanup();
});

async function get<T>(url: string) {
  const res = await admin.get<T>(url);
  expect(res.status, url).toBe(200);
  expectNoPlantedSecrets(res.text, url);
  return res.body;
}

describe("GET …/hermes/accounts and …/hermes/identities", () => {
  it("show the default tenant's pools, logins and CLI identities from HERMES_*_HOME", async () => {
    const accounts = await get<AccountsView>("/api/admin/tenants/default/hermes/accounts");
    expect(accounts).toMatchObject({
      tenant_id: "default",
      profile: "default",
      active_profile: true,
      active_provider: "nous",
    });
    expect(accounts.pools.map((p) => p.provider)).toEqual([
      "openrouter",
      "anthropic",
      "nous",
      "custom:local-vllm",
    ]);
    const identities = await get<IdentitiesResponse>("/api/admin/tenants/default/hermes/identities");
    expect(identities.codex.file.path).toBe(`${fx.codexHome}/auth.json`);
    expect(identities.codex.account?.email).toBe("coder@example.com");
    expect(identities.gemini.expiry).toBe("expired");
  });

  it("read another tenant's CLI homes next to its Hermes home, and take ?profile=", async () => {
    const identities = await get<IdentitiesResponse>("/api/admin/tenants/older/hermes/identities");
    expect(identities.claude.file.path).toBe(`${fx.root}/older/.claude/.credentials.json`);
    expect(identities.claude.expiry).toBe("expired");
    const active = await get<AccountsView>("/api/admin/tenants/prof/hermes/accounts");
    expect(active).toMatchObject({ profile: "work", active_profile: true });
    expect(active.pools.map((p) => [p.provider, p.entries.length])).toEqual([["anthropic", 1]]);
    const root = await get<AccountsView>("/api/admin/tenants/prof/hermes/accounts?profile=default");
    expect(root).toMatchObject({
      profile: "default",
      active_profile: false,
      auth_file: { status: "not_present" },
    });
    expect((await admin.get("/api/admin/tenants/prof/hermes/accounts?profile=missing")).status).toBe(404);
    expect((await admin.get("/api/admin/tenants/prof/hermes/accounts?profile=Bad%20Name")).status).toBe(400);
  });
});
