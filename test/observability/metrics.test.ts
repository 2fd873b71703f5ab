/**
 * GET /metrics on the real admin listener: who may scrape (token, loopback only, never the admin session), what a
 * scrape reports after real gateway traffic (the openai SDK against a fake upstream), and that nothing secret —
 * API key, prompt, admin password or session token, upstream credential, metrics token — appears in it.
 */
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoPlantedSecrets, newPlantedSecret } from "../fixtures/hermes/planted-secrets.js";
import { AdminClient } from "../admin/admin-client.js";
import { countRows, flushAll, post, sdk } from "../gateway/kit.js";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { createApiUser, createTenant } from "../harness/seed.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { parseScrape, sampleValue } from "./scrape.js";

const METRICS_TOKEN = newPlantedSecret("mtok-");
const ADMIN_PASSWORD = newPlantedSecret("admin-pw-");
const UPSTREAM_CREDENTIAL = newPlantedSecret("sk-up-");
const PEPPER = newPlantedSecret("pepper-");

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(async () => {
  await upstream?.close();
});

/** A non-loopback address of this machine, or null (then the remote-address test is skipped). */
function externalAddress(): string | null {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && a.family === "IPv4") return a.address;
  }
  return null;
}

describe("GET /metrics without HERMES_METRICS_TOKEN: loopback only", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(async () => {
    await svc?.close();
  });

  it("answers a loopback client without any admin session, in Prometheus text format", async () => {
    const res = await fetch(`${svc.urls.admin}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    // Default process metrics are there.
    for (const name of [
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_eventloop_lag_seconds",
    ])
      expect(text).toMatch(new RegExp(`^${name} `, "m"));
    expect(text).toMatch(/^# TYPE nodejs_gc_duration_seconds histogram$/m);
  });

  it("refuses a loopback request that came through a proxy (X-Forwarded-For / Forwarded)", async () => {
    const proxied: Record<string, string>[] = [
      { "x-forwarded-for": "203.0.113.9" },
      { forwarded: "for=203.0.113.9" },
    ];
    for (const header of proxied) {
      const res = await fetch(`${svc.urls.admin}/metrics`, { headers: header });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    }
  });
});

const external = externalAddress();
describe.skipIf(external === null)("GET /metrics from a non-loopback address", () => {
  let svc: TestService;
  beforeAll(async () => {
    // Listens on the machine's own non-loopback address only, so the test connects from that address too.
    svc = await startTestService({ env: { HERMES_BIND_HOST: external! } });
  });
  afterAll(async () => {
    await svc?.close();
  });

  it(`is 401 without the token (connecting via ${external ?? "none"})`, async () => {
    const port = new URL(svc.urls.admin).port;
    const res = await fetch(`http://${external!}:${port}/metrics`);
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("unauthorized");
    expect(body.error.message).toMatch(/HERMES_METRICS_TOKEN/);
  });
});

describe("GET /metrics with HERMES_METRICS_TOKEN, after a full journey", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({
      env: {
        HERMES_METRICS_TOKEN: METRICS_TOKEN,
        HERMES_ADMIN_PASSWORD: ADMIN_PASSWORD,
        HERMES_KEY_PEPPER: PEPPER,
        HERMES_UPSTREAM_TIMEOUT_MS: "500",
      },
    });
    svc.secret(METRICS_TOKEN);
    svc.secret(PEPPER);
  });
  afterAll(async () => {
    await svc?.close();
  });

  const scrape = async (token?: string) =>
    fetch(
      `${svc.urls.admin}/metrics`,
      token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
    );

  it("needs the bearer token even from loopback; a wrong one or an admin session is not enough", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape(`${METRICS_TOKEN}x`)).status).toBe(401);
    expect((await scrape(METRICS_TOKEN.slice(0, -1))).status).toBe(401);
    const admin = new AdminClient(svc.urls.admin);
    expect((await admin.login("admin", ADMIN_PASSWORD)).status).toBe(200);
    expect((await admin.get("/metrics")).status).toBe(401);
    expect((await scrape(METRICS_TOKEN)).status).toBe(200);
  });

  it("counts requests, tokens, rejections, upstream errors, audit rows; and leaks no secret", async () => {
    const tenant = await createTenant(svc, {
      preUpstreamUrl: upstream.url,
      postUpstreamUrl: "http://127.0.0.1:1/v1",
      upstreamApiKey: UPSTREAM_CREDENTIAL,
    });
    const tenantName = `Tenant ${tenant.id}`;
    const { apiKey } = await createApiUser(svc, {
      tenantId: tenant.id,
      rpmLimit: 4,
      monthlyTokenCap: 1_000_000,
    });
    const prompt = newPlantedSecret("prompt-");
    const client = sdk(svc.urls.pre, apiKey);
    await client.chat.completions.create({
      model: "gpt-metrics",
      messages: [{ role: "user", content: prompt }],
    });
    const stream = await client.chat.completions.create({
      model: "gpt-metrics",
      messages: [{ role: "user", content: prompt }],
      stream: true,
    });
    for await (const _ of stream) void _;
    // Unreachable upstream (post), a typo'd key, a 5th request over the 4 rpm.
    await sdk(svc.urls.post, apiKey)
      .chat.completions.create({ model: "gpt-metrics", messages: [{ role: "user", content: prompt }] })
      .catch(() => undefined);
    await sdk(svc.urls.pre, `${apiKey.slice(0, -2)}zz`)
      .models.list()
      .catch(() => undefined);
    await client.models.list();
    const limited = await post(
      `${svc.urls.pre}/v1/chat/completions`,
      JSON.stringify({ model: "m", messages: [] }),
      {
        "content-type": "application/json",
        authorization: `Bearer ${apiKey}`,
      },
    );
    expect(limited.status).toBe(429);
    // The tenant's probes feed the upstream-health gauges: pre answers, post (port 1) does not.
    await svc.deps.hermesHealth.probeNow(tenant.id);
    // An admin session exists while we scrape.
    const admin = new AdminClient(svc.urls.admin);
    await admin.login("admin", ADMIN_PASSWORD);
    await flushAll(svc);

    const res = await scrape(METRICS_TOKEN);
    const text = await res.text();
    const m = parseScrape(text);
    const pre = { gateway: "pre", tenant: tenantName };
    expect(
      sampleValue(m, "hermes_gateway_requests_total", {
        ...pre,
        route: "/v1/chat/completions",
        status: "200",
        model: "gpt-metrics",
      }),
    ).toBe(2);
    expect(
      sampleValue(m, "hermes_gateway_requests_total", { ...pre, route: "/v1/models", status: "200" }),
    ).toBe(1);
    expect(
      sampleValue(m, "hermes_gateway_requests_total", { gateway: "post", tenant: tenantName, status: "502" }),
    ).toBe(1);
    expect(sampleValue(m, "hermes_gateway_rejections_total", { ...pre, reason: "rate_limit" })).toBe(1);
    expect(
      sampleValue(m, "hermes_gateway_rejections_total", {
        gateway: "pre",
        tenant: "",
        reason: "unauthenticated",
      }),
    ).toBe(1);
    expect(
      sampleValue(m, "hermes_gateway_upstream_errors_total", {
        gateway: "post",
        tenant: tenantName,
        kind: "unreachable",
      }),
    ).toBe(1);
    expect(
      sampleValue(m, "hermes_gateway_tokens_total", { ...pre, type: "completion", source: "provider" }),
    ).toBe(24);
    expect(sampleValue(m, "hermes_gateway_tokens_total", { ...pre, type: "prompt" })).toBeGreaterThan(0);
    expect(
      sampleValue(m, "hermes_gateway_request_duration_seconds_count", {
        ...pre,
        route: "/v1/chat/completions",
      }),
    ).toBe(3);
    expect(
      sampleValue(m, "hermes_gateway_upstream_duration_seconds_count", {
        ...pre,
        route: "/v1/chat/completions",
      }),
    ).toBe(2);
    expect(
      sampleValue(m, "hermes_gateway_time_to_first_byte_seconds_count", {
        ...pre,
        route: "/v1/chat/completions",
      }),
    ).toBe(2);
    expect(
      sampleValue(m, "hermes_gateway_overhead_seconds_count", {
        gateway: "pre",
        route: "/v1/chat/completions",
      }),
    ).toBe(2);
    expect(sampleValue(m, "hermes_gateway_open_streams", { gateway: "pre" })).toBe(0);
    // Six requests, six audit rows, as the table holds them.
    expect(await countRows(svc, "audit_log")).toBe(6);
    expect(sampleValue(m, "hermes_audit_rows_written_total", {})).toBe(6);
    expect(sampleValue(m, "hermes_audit_mode", { mode: "live" })).toBe(1);
    expect(sampleValue(m, "hermes_audit_queue_depth", {})).toBe(0);
    expect(sampleValue(m, "hermes_key_cache_hits_total", { cache: "keys" })).toBeGreaterThan(0);
    expect(sampleValue(m, "hermes_key_cache_misses_total", { cache: "keys" })).toBeGreaterThan(0);
    expect(sampleValue(m, "hermes_db_pool_connections", { state: "idle" })).toBeGreaterThanOrEqual(0);
    expect(sampleValue(m, "hermes_token_lease_reserved_tokens", {})).toBe(0);
    expect(sampleValue(m, "hermes_upstream_up", { tenant: tenantName, gateway: "pre" })).toBe(1);
    expect(sampleValue(m, "hermes_upstream_up", { tenant: tenantName, gateway: "post" })).toBe(0);
    expect(
      sampleValue(m, "hermes_upstream_probe_latency_seconds", { tenant: tenantName, gateway: "pre" }),
    ).toBeGreaterThanOrEqual(0);
    // No api_user label unless HERMES_METRICS_PER_USER=true.
    expect(text).not.toMatch(/api_user=/);

    expectNoPlantedSecrets(text, "a /metrics scrape", [
      apiKey,
      apiKey.slice(4, 24),
      prompt,
      METRICS_TOKEN,
      ADMIN_PASSWORD,
      UPSTREAM_CREDENTIAL,
      PEPPER,
      admin.cookie!.split("=")[1]!,
    ]);
    expect(text).not.toContain(apiKey.slice(0, 12));
    expect(text).not.toContain(admin.cookie!.split("=")[1]!);
  });
});

describe("HERMES_METRICS_PER_USER=true", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ env: { HERMES_METRICS_PER_USER: "true" } });
  });
  afterAll(async () => {
    await svc?.close();
  });

  it("adds the API user's name as a label to request and token counters", async () => {
    const tenant = await createTenant(svc, { preUpstreamUrl: upstream.url });
    const { apiKey } = await createApiUser(svc, { tenantId: tenant.id, name: "alice-per-user" });
    await sdk(svc.urls.pre, apiKey).chat.completions.create({ model: "m", messages: [] });
    const m = parseScrape(await (await fetch(`${svc.urls.admin}/metrics`)).text());
    expect(
      sampleValue(m, "hermes_gateway_requests_total", { api_user: "alice-per-user", status: "200" }),
    ).toBe(1);
    expect(
      sampleValue(m, "hermes_gateway_tokens_total", { api_user: "alice-per-user", type: "completion" }),
    ).toBe(12);
  });
});
