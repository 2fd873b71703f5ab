/**
 * The security properties of every Hermes endpoint at once: no planted secret in any response (every fixture home,
 * every profile, errors included), in the logs or in the action trail; confinement through the API (a symlink out,
 * a FIFO, a huge file, an escaping profile); and reading never writes to a Hermes home.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountsView, IdentitiesResponse } from "../../src/admin/routes/hermes/accounts.js";
import type { ModelConfigView } from "../../src/admin/routes/hermes/model.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { copyFakeHermes } from "../fixtures/fake-hermes/fake-hermes.js";
import {
  copyFixtureRoot,
  snapshotTree,
  type FixtureKind,
  type FixtureRoot,
} from "../fixtures/hermes/fixture-homes.js";
import { expectNoPlantedSecrets, newPlantedSecret } from "../fixtures/hermes/planted-secrets.js";
import { ADMIN_ENV, signedInClient, type AdminClient } from "./admin-client.js";

const KINDS: FixtureKind[] = ["complete", "empty", "partial", "older", "corrupt", "profiles"];
const outsideSecret = newPlantedSecret("sk-outside-");
const hugeSecret = newPlantedSecret();

let fx: FixtureRoot;
let outside: string;
let fake: ReturnType<typeof copyFakeHermes>;
let svc: TestService;
let admin: AdminClient;
const extra = [outsideSecret, hugeSecret];

/** A copy of the complete home turned hostile: links out, a FIFO, a huge file, a profile linked out. */
function makeHostile(home: string) {
  fs.writeFileSync(
    path.join(outside, "auth.json"),
    JSON.stringify({ providers: { nous: { access_token: outsideSecret } } }),
  );
  fs.rmSync(path.join(home, "auth.json"));
  fs.symlinkSync(path.join(outside, "auth.json"), path.join(home, "auth.json"));
  fs.rmSync(path.join(home, "config.yaml"));
  execFileSync("mkfifo", [path.join(home, "config.yaml")]);
  fs.writeFileSync(
    path.join(home, ".anthropic_oauth.json"),
    `{"accessToken":"${hugeSecret}","pad":"${"x".repeat(3 * 1024 * 1024)}"}`,
  );
  fs.symlinkSync(outside, path.join(home, "profiles", "escape"));
}

beforeAll(async () => {
  fx = copyFixtureRoot(["complete", "empty", "partial", "older", "corrupt", "profiles"]);
  outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "hcp-outside-")));
  fs.cpSync(fx.homeOf("complete"), path.join(fx.root, "hostile", ".hermes"), { recursive: true });
  makeHostile(path.join(fx.root, "hostile", ".hermes"));
  fake = copyFakeHermes();
  svc = await startTestService({
    env: { ...ADMIN_ENV, ...fx.env, HERMES_BIN: fake.bin, HERMES_PRE_AI_PROVIDER: "nous" },
  });
  admin = await signedInClient(svc);
  for (const kind of KINDS.slice(1))
    await admin.post("/api/admin/tenants", { id: kind, name: kind, hermes_home: fx.homeOf(kind) });
  await admin.post("/api/admin/tenants", {
    id: "hostile",
    name: "hostile",
    hermes_home: path.join(fx.root, "hostile", ".hermes"),
  });
});
afterAll(async () => {
  await svc?.close();
  fx.cleanup();
  fake.cleanup();
  fs.rmSync(outside, { recursive: true, force: true });
});

async function scanned<T = unknown>(method: "GET" | "POST" | "PATCH", url: string, body?: unknown) {
  const res = await admin.request<T>(method, url, body);
  expectNoPlantedSecrets(res.text, `${method} ${url}`, extra);
  return res;
}

const tenantOf = (kind: FixtureKind | "hostile") => (kind === "complete" ? "default" : kind);

describe("every Hermes endpoint", () => {
  it("answers without a planted secret, for every fixture home, profile and error, and writes nothing", async () => {
    await expect
      .poll(
        async () =>
          (await admin.get<{ data: { state: string }[] }>("/api/admin/hermes/proxies")).body.data[0]?.state,
      )
      .toBe("running");
    const before = snapshotTree(fx.root);
    const statuses: number[] = [];
    for (const kind of [...KINDS, "hostile"] as const) {
      const base = `/api/admin/tenants/${tenantOf(kind)}`;
      statuses.push((await scanned("GET", base)).status);
      const profiles = await scanned<{ data: { name: string }[] }>("GET", `${base}/hermes/profiles`);
      for (const profile of [undefined, ...profiles.body.data.map((p) => p.name)]) {
        const q = profile ? `?profile=${profile}` : "";
        for (const view of ["accounts", "identities", "model"])
          statuses.push((await scanned("GET", `${base}/hermes/${view}${q}`)).status);
      }
      for (const bad of ["../../etc", "Not%20Valid", "nope", "escape"]) {
        statuses.push((await scanned("GET", `${base}/hermes/accounts?profile=${bad}`)).status);
      }
      statuses.push((await scanned("GET", `${base}/hermes/health`)).status);
    }
    statuses.push((await scanned("GET", "/api/admin/tenants")).status);
    statuses.push((await scanned("GET", "/api/admin/hermes/proxies")).status);
    statuses.push((await scanned("GET", "/api/admin/status")).status);
    statuses.push((await scanned("GET", "/api/admin/tenants/ghost/hermes/model")).status);
    expect(new Set(statuses)).toEqual(new Set([200, 400, 404]));
    expect(snapshotTree(fx.root)).toEqual(before);
  });

  it("confines through the API: a link out, a FIFO and a huge file are refused, an escaping profile is not found", async () => {
    const base = "/api/admin/tenants/hostile/hermes";
    const accounts = await scanned<AccountsView>("GET", `${base}/accounts`);
    expect(accounts.body.auth_file).toMatchObject({
      status: "refused",
      reason: "outside HERMES_STATE_ROOTS",
    });
    expect(accounts.body.pools).toEqual([]);
    const model = await scanned<ModelConfigView>("GET", `${base}/model`);
    expect(model.body.file).toMatchObject({
      status: "refused",
      reason: "not a regular file or directory as expected",
    });
    const identities = await scanned<IdentitiesResponse>("GET", `${base}/identities`);
    expect(identities.body.hermes_anthropic.file).toMatchObject({
      status: "refused",
      reason: "larger than the size cap",
    });
    expect((await scanned("GET", `${base}/model?profile=escape`)).status).toBe(404);
    expect((await scanned("GET", `${base}/model?profile=..%2F..%2Fetc`)).status).toBe(400);
    const patch = await scanned("PATCH", `${base}/model`, { etag: "absent", model: "x" });
    expect(patch.status).toBe(409);
    expect(patch.text).toContain("not a regular file");
  });

  it("edits and probes without a planted secret in the answers, the trail or the logs", async () => {
    for (const kind of ["complete", "older", "partial", "empty", "profiles"] as const) {
      const url = `/api/admin/tenants/${tenantOf(kind)}/hermes/model`;
      const view = await scanned<ModelConfigView>("GET", url);
      const res = await scanned("PATCH", url, {
        etag: view.body.etag,
        model: { default: `edited-${kind}`, provider: "nous" },
        fallback_providers: [
          ...view.body.fallback_providers
            .filter((f) => f.provider && f.model && !f.skipped)
            .map((f) => ({ from_index: f.index, provider: f.provider!, model: f.model! })),
          { provider: "openrouter", model: `extra-${kind}` },
        ],
      });
      expect(res.status, `${kind}: ${res.text}`).toBe(200);
      await scanned("PATCH", url, { etag: view.body.etag, model: "stale" });
      await scanned("PATCH", url, { etag: "x", model: { default: "m", provider: "not-a-provider" } });
    }
    for (const kind of KINDS)
      await scanned("POST", `/api/admin/tenants/${tenantOf(kind)}/hermes/health/probe`);
    const events = await scanned("GET", "/api/admin/events?limit=500");
    expect(events.status).toBe(200);
    const trail = await svc.db.selectFrom("admin_events").selectAll().execute();
    expect(trail.filter((e) => e.action === "hermes.model.update")).toHaveLength(5);
    expectNoPlantedSecrets(JSON.stringify(trail), "the action trail", extra);
    expectNoPlantedSecrets(svc.logs.text(), "the logs", extra);
  });
});
