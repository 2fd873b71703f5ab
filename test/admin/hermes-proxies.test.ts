import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { Agent, fetch as undiciFetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/admin-events/admin-events.repository.js";
import { openDatabase } from "../../src/db/database.js";
import { createApiUser as issueKey } from "../../src/keys/keys.service.js";
import { captureLogs } from "../harness/log-capture.js";
import type { HealthView } from "../../src/admin/routes/hermes/health.js";
import type { HermesProxiesResponse } from "../../src/admin/routes/hermes/proxies.js";
import type { StatusResponse } from "../../src/admin/routes/status/index.js";
import { sdk } from "../gateway/kit.js";
import { createApiUser } from "../harness/seed.js";
import { spawnService, type SpawnedService } from "../harness/spawn-service.js";
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

/** A free local port (the workers of a cluster share the ports they are given). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** undici's fetch on a connection of its own, so the cluster primary hands each call to the next worker. */
async function freshFetch(url: string, init: NonNullable<Parameters<typeof undiciFetch>[1]> = {}) {
  const dispatcher = new Agent({ pipelining: 0 });
  try {
    const res = await undiciFetch(url, { ...init, dispatcher });
    return { res, text: await res.text(), requestId: res.headers.get("x-request-id")! };
  } finally {
    await dispatcher.close();
  }
}

/** The workers that served these requests, from their request log lines (buffered up to 200 ms). */
async function workersOf(svc: SpawnedService, requestIds: string[]): Promise<Set<number | undefined>> {
  for (let i = 0; ; i++) {
    const served = new Map<string, number>();
    for (const line of svc.output().split("\n")) {
      if (!line.includes('"msg":"request"')) continue;
      const entry = JSON.parse(line) as { requestId: string; worker: number };
      served.set(entry.requestId, entry.worker);
    }
    if (requestIds.every((id) => served.has(id)) || i === 50)
      return new Set(requestIds.map((id) => served.get(id)));
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("with two worker processes (HERMES_WORKERS=2)", () => {
  it("the primary runs one proxy per gateway; both workers use it and show it; SIGTERM stops it and exits 0", async () => {
    const db = await createTestDatabase("proxyworkers");
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-proxy-workers-"));
    const ports = { admin: await freePort(), pre: await freePort(), post: await freePort() };
    const proc = spawnService({
      DATABASE_URL: db.url,
      HERMES_WORKERS: "2",
      LOG_LEVEL: "info",
      HERMES_ADMIN_PORT: String(ports.admin),
      HERMES_PRE_AI_API_PORT: String(ports.pre),
      HERMES_POST_AI_API_PORT: String(ports.post),
      HERMES_ADMIN_PASSWORD: ADMIN_PASSWORD,
      HERMES_DATA_DIR: dataDir,
      ...fx.env,
      HERMES_BIN: fake.bin,
      HERMES_PRE_AI_PROVIDER: "nous",
      HERMES_POST_AI_PROVIDER: "xai",
    });
    const database = await openDatabase({ url: db.url, poolMax: 1, dataDir, logger: captureLogs().logger });
    try {
      await proc.waitFor(/"cluster: every worker is listening"/, 60_000);
      await proc.waitFor(/hermes proxy \(pre\): running/, 30_000);
      await proc.waitFor(/hermes proxy \(post\): running/, 30_000);
      // Exactly one child per gateway for the whole host, not one per worker.
      const children = pidsRunning(fake.bin).sort();
      expect(children).toHaveLength(2);

      const login = await freshFetch(`http://127.0.0.1:${ports.admin}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }),
      });
      expect(login.res.status).toBe(200);
      const headers = { cookie: login.res.headers.get("set-cookie")!.split(";")[0]! };

      // The status and the proxies view answer the same from either worker: the primary's two children.
      const servedStatus = new Set<number>();
      for (let i = 0; i < 4; i++) {
        const status = await freshFetch(`http://127.0.0.1:${ports.admin}/api/admin/status`, { headers });
        const body = JSON.parse(status.text) as StatusResponse;
        servedStatus.add(body.workers.serving);
        expect(body.hermes_proxies.map((p) => [p.gateway, p.provider, p.state])).toEqual([
          ["pre", "nous", "running"],
          ["post", "xai", "running"],
        ]);
        expect(body.hermes_proxies.map((p) => p.pid!).sort()).toEqual(children);
      }
      const viewIds: string[] = [];
      for (let i = 0; i < 4; i++) {
        const view = await freshFetch(`http://127.0.0.1:${ports.admin}/api/admin/hermes/proxies`, {
          headers,
        });
        expect(view.res.status).toBe(200);
        const proxies = (JSON.parse(view.text) as HermesProxiesResponse).data;
        expect(proxies.map((p) => [p.gateway, p.state])).toEqual([
          ["pre", "running"],
          ["post", "running"],
        ]);
        expect(proxies.map((p) => p.pid!).sort()).toEqual(children);
        expect(proxies[0]!.output.map((l) => l.line)).toContain("auth: refreshed access_token=[redacted]");
        expectNoPlantedSecrets(view.text, "proxies view");
        viewIds.push(view.requestId);
      }
      expect(servedStatus).toEqual(new Set([0, 1]));
      expect(await workersOf(proc, viewIds)).toEqual(new Set([0, 1]));

      // Gateway requests through both workers reach the same two proxies.
      const { apiKey } = await issueKey(
        { db: database.db, keyPepper: undefined },
        { name: "w", tenantId: "default", gateways: ["pre", "post"], rpmLimit: null, monthlyTokenCap: null },
        SYSTEM_ACTOR,
      );
      const requestIds: string[] = [];
      for (let i = 0; i < 6; i++) {
        for (const [gateway, provider] of [
          ["pre", "nous"],
          ["post", "xai"],
        ] as const) {
          const dispatcher = new Agent({ pipelining: 0 });
          const client = new OpenAI({
            apiKey,
            baseURL: `http://127.0.0.1:${ports[gateway]}/v1`,
            maxRetries: 0,
            fetch: ((url: string, init: object) => undiciFetch(url, { ...init, dispatcher })) as never,
          });
          try {
            const { data, response } = await client.chat.completions
              .create({ model: "hermes-agent", messages: [{ role: "user", content: "hi" }] })
              .withResponse();
            expect(data.choices[0]!.message.content).toBe(`hello from fake hermes proxy (${provider})`);
            requestIds.push(response.headers.get("x-request-id")!);
          } finally {
            await dispatcher.close();
          }
        }
      }
      expect(await workersOf(proc, requestIds)).toEqual(new Set([0, 1]));
      expect(pidsRunning(fake.bin).sort()).toEqual(children);

      proc.proc.kill("SIGTERM");
      expect(await proc.exited).toEqual({ code: 0, signal: null });
      expect(children.filter(isAlive)).toEqual([]);
      expect(pidsRunning(fake.bin)).toEqual([]);
      expect(proc.output().match(/hermes proxy \((pre|post)\): running/g)).toHaveLength(2);
      expectNoPlantedSecrets(proc.output(), "the logs");
    } finally {
      proc.proc.kill("SIGKILL");
      for (const pid of pidsRunning(fake.bin)) process.kill(pid, "SIGKILL");
      await database.close();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
