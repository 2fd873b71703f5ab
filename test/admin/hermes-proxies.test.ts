import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HealthView } from "../../src/admin/routes/hermes/health.js";
import type { HermesProxiesResponse } from "../../src/admin/routes/hermes/proxies.js";
import type { StatusResponse } from "../../src/admin/routes/status/index.js";
import { sdk } from "../gateway/kit.js";
import { createApiUser } from "../harness/seed.js";
import { spawnService } from "../harness/spawn-service.js";
import { createTestDatabase } from "../harness/test-database.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { copyFakeHermes, isAlive, pidsRunning } from "../fixtures/fake-hermes/fake-hermes.js";
import { copyFixtureRoot, type FixtureRoot } from "../fixtures/hermes/fixture-homes.js";
import { expectNoPlantedSecrets } from "../fixtures/hermes/planted-secrets.js";
import type { AdminClient } from "./admin-client.js";
import { ADMIN_ENV, ADMIN_PASSWORD, signedInClient } from "./admin-client.js";

let fx: FixtureRoot;
let fake: ReturnType<typeof copyFakeHermes>;
beforeAll(() => {
  fx = copyFixtureRoot(["complete"]);
  fake = copyFakeHermes();
});
afterAll(() => {
  fx.cleanup();
  fake.cleanup();
});

describe("supervised Hermes proxies in the service", () => {
  let svc: TestService;
  let admin: AdminClient;
  beforeAll(async () => {
    svc = await startTestService({
      env: {
        ...ADMIN_ENV,
        ...fx.env,
        HERMES_BIN: fake.bin,
        HERMES_PRE_AI_PROVIDER: "nous",
        HERMES_POST_AI_PROVIDER: "xai",
        // Ignored while a proxy is configured: nothing listens here.
        HERMES_PRE_UPSTREAM_URL: "http://127.0.0.1:9/v1",
      },
    });
    admin = await signedInClient(svc);
  });
  afterAll(async () => {
    await svc?.close();
  });

  it("are the default tenant's upstreams, shown in the status and the proxies view", async () => {
    await expect
      .poll(async () =>
        (await admin.get<StatusResponse>("/api/admin/status")).body.hermes_proxies.map((p) => p.state),
      )
      .toEqual(["running", "running"]);
    const { apiKey } = await createApiUser(svc, { tenantId: "default" });
    const pre = await sdk(svc.urls.pre, apiKey).chat.completions.create({
      model: "hermes-agent",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(pre.choices[0]!.message.content).toBe("hello from fake hermes proxy (nous)");
    const post = await sdk(svc.urls.post, apiKey).chat.completions.create({
      model: "hermes-agent",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(post.choices[0]!.message.content).toBe("hello from fake hermes proxy (xai)");

    const view = await admin.get<HermesProxiesResponse>("/api/admin/hermes/proxies");
    expect(view.status).toBe(200);
    expect(view.body.data.map((p) => [p.gateway, p.provider, p.state, p.bin])).toEqual([
      ["pre", "nous", "running", fake.bin],
      ["post", "xai", "running", fake.bin],
    ]);
    expect(view.body.data[0]!.output.map((l) => l.line)).toContain("auth: refreshed access_token=[redacted]");
    expectNoPlantedSecrets(view.text, "proxies view");
    const status = await admin.get<StatusResponse>("/api/admin/status");
    expect(status.body.hermes_proxies[0]).not.toHaveProperty("output");

    // The health probe checks the proxy the gateway really uses, not the stored URL.
    const health = await admin.post<HealthView>("/api/admin/tenants/default/hermes/health/probe");
    expect(health.body.upstreams[0]).toMatchObject({
      gateway: "pre",
      url: view.body.data[0]!.url,
      supervised: true,
      latest: { ok: true, probe: "health", upstream: "Fake nous", authenticated: true },
    });
  });

  it("come back after a crash and serve again", async () => {
    const before = (await admin.get<HermesProxiesResponse>("/api/admin/hermes/proxies")).body.data[0]!;
    process.kill(before.pid!, "SIGKILL");
    await expect
      .poll(async () => (await admin.get<HermesProxiesResponse>("/api/admin/hermes/proxies")).body.data[0], {
        timeout: 15_000,
      })
      .toMatchObject({ state: "running", restarts: 1 });
    const { apiKey } = await createApiUser(svc, { tenantId: "default" });
    const again = await sdk(svc.urls.pre, apiKey).chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(again.choices[0]!.message.content).toContain("fake hermes proxy");
    expectNoPlantedSecrets(svc.logs.text(), "the logs");
  });
});

describe("a Hermes binary that cannot run here", () => {
  it("is reported in one line and in the status; the tenant's gateway answers 502 upstream_not_configured", async () => {
    const svc = await startTestService({
      env: {
        ...ADMIN_ENV,
        ...fx.env,
        HERMES_BIN: `${fake.dir}/missing-hermes`,
        HERMES_PRE_AI_PROVIDER: "nous",
      },
    });
    try {
      const lines = svc.logs.lines().filter((l) => String(l.msg).startsWith("hermes proxy (pre)"));
      expect(lines.map((l) => l.msg)).toEqual([
        `hermes proxy (pre): ${fake.dir}/missing-hermes does not exist; the default tenant's pre gateway answers 502 upstream_not_configured`,
      ]);
      const admin = await signedInClient(svc);
      const status = await admin.get<StatusResponse>("/api/admin/status");
      expect(status.body.hermes_proxies).toEqual([
        expect.objectContaining({
          gateway: "pre",
          state: "unavailable",
          error: `${fake.dir}/missing-hermes does not exist`,
        }),
      ]);
      const { apiKey } = await createApiUser(svc, { tenantId: "default" });
      const res = await fetch(`${svc.urls.pre}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(res.status).toBe(502);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("upstream_not_configured");
    } finally {
      await svc.close();
    }
  });
});

describe("the service as a process", () => {
  it("stops its Hermes proxy on SIGTERM", async () => {
    const db = await createTestDatabase("proxy");
    const proc = spawnService({
      DATABASE_URL: db.url,
      HERMES_ADMIN_PORT: "0",
      HERMES_PRE_AI_API_PORT: "0",
      HERMES_POST_AI_API_PORT: "0",
      HERMES_ADMIN_PASSWORD: ADMIN_PASSWORD,
      HERMES_DATA_DIR: fx.root + "/data",
      ...fx.env,
      HERMES_BIN: fake.bin,
      HERMES_PRE_AI_PROVIDER: "nous",
    });
    try {
      await proc.waitFor(/hermes proxy \(pre\): running/, 30_000);
      const children = pidsRunning(fake.bin);
      expect(children.length).toBe(1);
      proc.proc.kill("SIGTERM");
      expect(await proc.exited).toEqual({ code: 0, signal: null });
      expect(children.filter(isAlive)).toEqual([]);
      expect(pidsRunning(fake.bin)).toEqual([]);
    } finally {
      proc.proc.kill("SIGKILL");
      for (const pid of pidsRunning(fake.bin)) process.kill(pid, "SIGKILL");
      await db.drop();
    }
  });
});
