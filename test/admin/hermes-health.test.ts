import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HealthView } from "../../src/admin/routes/hermes/health.js";
import { UpstreamHealthService } from "../../src/hermes/upstream-health.js";
import { probeUpstream } from "../../src/hermes/upstream-probe.js";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { createTenant } from "../harness/seed.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { newPlantedSecret } from "../fixtures/hermes/planted-secrets.js";
import { expectNoPlantedSecrets } from "../fixtures/hermes/planted-secrets.js";
import { ADMIN_ENV, signedInClient, type AdminClient } from "./admin-client.js";

/** A Hermes-proxy-like upstream: GET /health answers {status, upstream, authenticated}; records Authorization. */
async function hermesLike(): Promise<{ url: string; auth: (string | undefined)[]; close(): Promise<void> }> {
  const auth: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    auth.push(req.headers.authorization);
    if (req.url === "/health") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ status: "ok", upstream: "Nous Portal", authenticated: false }));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    auth,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = http.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

let svc: TestService;
let admin: AdminClient;
let fake: FakeUpstream;
let hermes: Awaited<ReturnType<typeof hermesLike>>;
const credential = newPlantedSecret("sk-upstream-");
beforeAll(async () => {
  svc = await startTestService({ env: ADMIN_ENV });
  svc.secret(credential);
  admin = await signedInClient(svc);
  fake = await startFakeUpstream();
  hermes = await hermesLike();
});
afterAll(async () => {
  await svc?.close();
  await fake?.close();
  await hermes?.close();
});

describe("upstream health", () => {
  it("probes /health (Hermes' fields) and falls back to /models, with the tenant's credential", async () => {
    const t = await createTenant(svc, {
      preUpstreamUrl: hermes.url,
      postUpstreamUrl: fake.url,
      upstreamApiKey: credential,
    });
    const res = await admin.post<HealthView>(`/api/admin/tenants/${t.id}/hermes/health/probe`);
    expect(res.status).toBe(200);
    const [pre, post] = res.body.upstreams;
    expect(pre).toMatchObject({ gateway: "pre", url: hermes.url, supervised: false });
    expect(pre!.latest).toMatchObject({
      ok: true,
      probe: "health",
      http_status: 200,
      upstream: "Nous Portal",
      authenticated: false,
      error: null,
      trigger: "manual",
    });
    expect(pre!.latest!.latency_ms).toBeGreaterThanOrEqual(0);
    expect(post!.latest).toMatchObject({ ok: true, probe: "models", http_status: 200, upstream: null });
    expect(hermes.auth).toEqual([`Bearer ${credential}`]);
    expect(fake.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([
      ["GET", "/health", `Bearer ${credential}`],
      ["GET", "/v1/models", `Bearer ${credential}`],
    ]);
    expectNoPlantedSecrets(res.text, "health view", [credential]);
  });

  it("caches a result for a few seconds: probing again at once sends nothing", async () => {
    const t = await createTenant(svc, { postUpstreamUrl: fake.url });
    const before = fake.requests.length;
    const first = await admin.post<HealthView>(`/api/admin/tenants/${t.id}/hermes/health/probe`);
    const second = await admin.post<HealthView>(`/api/admin/tenants/${t.id}/hermes/health/probe`);
    expect(fake.requests.length - before).toBe(2);
    expect(second.body.upstreams[1]!.latest).toEqual(first.body.upstreams[1]!.latest);
    expect(second.body.upstreams[1]!.availability).toEqual({ probes: 1, up: 1, ratio: 1 });
    expect(first.body.upstreams[0]).toMatchObject({ gateway: "pre", url: null, latest: null });
  });

  it("says down, and why, for a closed port and a slow upstream", async () => {
    const port = await closedPort();
    const slow = await startFakeUpstream();
    slow.knobs.delayMs = 10_000;
    try {
      const t = await createTenant(svc, {
        preUpstreamUrl: `http://127.0.0.1:${port}/v1`,
        postUpstreamUrl: slow.url,
      });
      const res = await admin.post<HealthView>(`/api/admin/tenants/${t.id}/hermes/health/probe`);
      expect(res.body.upstreams[0]!.latest).toMatchObject({
        ok: false,
        error: "connection refused",
        latency_ms: null,
      });
      expect(res.body.upstreams[1]!.latest).toMatchObject({ ok: false, error: "no answer within 3000 ms" });
      const view = await admin.get<HealthView>(`/api/admin/tenants/${t.id}/hermes/health`);
      expect(view.body.upstreams.map((u) => u.availability)).toEqual([
        { probes: 1, up: 0, ratio: 0 },
        { probes: 1, up: 0, ratio: 0 },
      ]);
      expect(view.body.upstreams[0]!.history).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });

  it("explains an upstream that refuses the credential", async () => {
    const refusing = await startFakeUpstream();
    refusing.knobs.failWith = { status: 401, body: '{"error":{"message":"bad key"}}' };
    try {
      expect(await probeUpstream(refusing.url, "k", 1_000)).toMatchObject({
        ok: false,
        probe: "models",
        http_status: 401,
        error: "HTTP 401 from /models: the upstream refused the tenant's credential",
      });
    } finally {
      await refusing.close();
    }
  });

  it("404s an unknown tenant", async () => {
    expect((await admin.get("/api/admin/tenants/ghost/hermes/health")).status).toBe(404);
    expect((await admin.post("/api/admin/tenants/ghost/hermes/health/probe")).status).toBe(404);
  });
});

describe("background rounds", () => {
  it("run once per interval across instances, probe every tenant, and keep 24 hours", async () => {
    const t = await createTenant(svc, { postUpstreamUrl: fake.url });
    await svc.db
      .insertInto("hermes_upstream_probes")
      .values({
        tenant_id: t.id,
        gateway: "post",
        ts: new Date(Date.now() - 25 * 3600_000),
        trigger: "background",
        url: fake.url,
        ok: true,
      })
      .execute();
    const make = () =>
      new UpstreamHealthService({
        db: svc.db,
        logger: svc.logs.logger,
        secretKey: undefined,
        upstreamOverride: () => undefined,
      });
    const a = make();
    const b = make();
    // Two instances at the same tick: exactly one runs the round.
    const ran = await Promise.all([a.runRound(60_000), b.runRound(60_000)]);
    expect(ran.filter(Boolean)).toHaveLength(1);
    expect(await a.runRound(60_000)).toBe(false);
    const rows = await svc.db
      .selectFrom("hermes_upstream_probes")
      .selectAll()
      .where("tenant_id", "=", t.id)
      .execute();
    expect(rows.map((r) => [r.gateway, r.trigger, r.ok])).toEqual([["post", "background", true]]);
    // A later round (the interval has passed) runs again.
    await svc.db
      .updateTable("app_settings")
      .set({ value: String(Date.now() - 61_000) })
      .where("key", "=", "hermes.health.last_round")
      .execute();
    expect(await b.runRound(60_000)).toBe(true);
  });

  it("start on their own with HERMES_HEALTH_INTERVAL_SECONDS", async () => {
    const other = await startTestService({ env: { HERMES_HEALTH_INTERVAL_SECONDS: "1" } });
    try {
      const t = await createTenant(other, { preUpstreamUrl: fake.url });
      await expect
        .poll(
          async () =>
            (
              await other.db
                .selectFrom("hermes_upstream_probes")
                .select("trigger")
                .where("tenant_id", "=", t.id)
                .execute()
            ).map((r) => r.trigger),
          { timeout: 10_000 },
        )
        .toContain("background");
    } finally {
      await other.close();
    }
  });
});
