import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { createApiUser, createTenant } from "../harness/seed.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { auditRow, flushAll, monthlyUsage, post, sdk } from "./kit.js";

let svc: TestService;
let upstream: FakeUpstream;
let slow: FakeUpstream;
let deadUrl: string;
let apiKey: string;
let userId: string;
let slowKey: string;
let deadKey: string;
let okTenantId: string;

/** A port that refuses connections: bound then closed. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

beforeAll(async () => {
  svc = await startTestService({
    env: { HERMES_UPSTREAM_TIMEOUT_MS: "400", HERMES_UPSTREAM_CONNECT_TIMEOUT_MS: "300" },
  });
  upstream = await startFakeUpstream();
  slow = await startFakeUpstream({ delayMs: 2_000 });
  deadUrl = `http://127.0.0.1:${await closedPort()}/v1`;
  const ok = await createTenant(svc, { preUpstreamUrl: upstream.url, postUpstreamUrl: null });
  okTenantId = ok.id;
  const issued = await createApiUser(svc, { tenantId: ok.id, monthlyTokenCap: 1_000_000 });
  apiKey = issued.apiKey;
  userId = issued.apiUser.id;
  const slowT = await createTenant(svc, { preUpstreamUrl: slow.url, postUpstreamUrl: slow.url });
  slowKey = (await createApiUser(svc, { tenantId: slowT.id, monthlyTokenCap: 1_000_000 })).apiKey;
  const deadT = await createTenant(svc, { preUpstreamUrl: deadUrl, postUpstreamUrl: deadUrl });
  deadKey = (await createApiUser(svc, { tenantId: deadT.id })).apiKey;
});
afterAll(async () => {
  await svc?.close();
  await upstream?.close();
  await slow?.close();
});

const chat = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }], ...extra });
const auth = (key: string) => ({ "content-type": "application/json", authorization: `Bearer ${key}` });

function expectEnvelope(
  r: { status: number; json: Record<string, unknown> | null },
  status: number,
  code: string,
) {
  expect(r.status).toBe(status);
  expect(r.json).toMatchObject({ error: { code, param: null } });
  const e = (r.json as { error: Record<string, unknown> }).error;
  expect(Object.keys(e).sort()).toEqual(["code", "message", "param", "type"]);
}

async function stillServes(): Promise<void> {
  const r = await sdk(svc.urls.pre, apiKey).chat.completions.create({ model: "m", messages: [] });
  expect(r.choices[0]!.message.content).toBe("w0 w1 w2 w3 w4 ");
}

describe("upstream faults", () => {
  it("dead upstream → 502 upstream_unreachable, and the reservation is released", async () => {
    const r = await post(`${svc.urls.pre}/v1/chat/completions`, chat(), auth(deadKey));
    expectEnvelope(r, 502, "upstream_unreachable");
    expect(r.json!.error).toMatchObject({ type: "server_error" });
    // A valid key's error answers carry the limit headers too.
    expect(r.headers.get("x-ratelimit-limit-requests")).toBe("unlimited");
    expect(r.headers.get("x-hms-monthly-tokens-limit")).toBe("unlimited");
    expect(r.headers.get("x-request-id")).toMatch(/^req_/);
    await stillServes();
  });

  it("slow upstream → 504 upstream_timeout (whole-response deadline), reservation released", async () => {
    const r = await post(`${svc.urls.pre}/v1/chat/completions`, chat({ max_tokens: 10 }), auth(slowKey));
    expectEnvelope(r, 504, "upstream_timeout");
    const row = await auditRow(svc, r.headers.get("x-request-id")!);
    expect(row).toMatchObject({ status: 504, error_code: "upstream_timeout" });
    await flushAll(svc);
    expect((await monthlyUsage(svc, row!.api_user_id!)).tokens_reserved).toBe(0);
    await stillServes();
  });

  it("a stream that stalls past the deadline ends with an SSE error frame the SDK raises", async () => {
    upstream.set({ hangAfterChunks: 2 });
    try {
      const stream = await sdk(svc.urls.pre, apiKey).chat.completions.create({
        model: "m",
        messages: [],
        stream: true,
      });
      const err = await (async () => {
        for await (const _ of stream) void _;
      })().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ error: { code: "upstream_timeout", type: "server_error" } });
    } finally {
      upstream.set({ hangAfterChunks: null });
    }
    await stillServes();
  });

  it("upstream HTTP errors pass through with their status and body", async () => {
    const body =
      '{"error":{"message":"model xyz not found","type":"invalid_request_error","param":"model","code":"model_not_found"}}';
    upstream.set({ failWith: { status: 404, body } });
    try {
      const r = await post(`${svc.urls.pre}/v1/chat/completions`, chat(), auth(apiKey));
      expect(r.status).toBe(404);
      expect(r.text).toBe(body);
      expect(r.headers.get("x-hms-monthly-tokens-limit")).toBe("1000000");
      const row = await auditRow(svc, r.headers.get("x-request-id")!);
      expect(row).toMatchObject({ status: 404, error_code: "model_not_found" });
    } finally {
      upstream.set({ failWith: null });
    }
  });

  it("absurd usage from an upstream (fractional, beyond 32 bits) is stored clamped and blocks nothing", async () => {
    const body = JSON.stringify({
      id: "chatcmpl-odd",
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: "odd" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 1.5, completion_tokens: 1e12, total_tokens: 1e12 + 1.5 },
    });
    const own = await createApiUser(svc, { tenantId: okTenantId, monthlyTokenCap: 1_000_000 });
    upstream.set({ failWith: { status: 200, body } });
    let requestId: string;
    try {
      const r = await post(`${svc.urls.pre}/v1/chat/completions`, chat(), auth(own.apiKey));
      expect(r.status).toBe(200);
      requestId = r.headers.get("x-request-id")!;
    } finally {
      upstream.set({ failWith: null });
    }
    const row = await auditRow(svc, requestId);
    expect(row).toMatchObject({
      prompt_tokens: 2,
      completion_tokens: 2_147_483_647,
      usage_source: "provider",
    });
    expect(svc.deps.audit.stats()).toMatchObject({ write_errors: 0, mode: "live" });
    // The usage was settled (it exhausts this key's cap, so the next request is refused) and is recorded too.
    expect(await monthlyUsage(svc, own.apiUser.id)).toMatchObject({ tokens_reserved: 0 });
    expect((await monthlyUsage(svc, own.apiUser.id)).tokens_used).toBeGreaterThanOrEqual(2_147_483_647);
    const next = await post(`${svc.urls.pre}/v1/chat/completions`, chat(), auth(own.apiKey));
    expect(await auditRow(svc, next.headers.get("x-request-id")!)).toMatchObject({
      status: 429,
      error_code: "insufficient_quota",
    });
  });

  it("a tenant without an upstream for this gateway → 502 upstream_not_configured (no fallback)", async () => {
    const r = await post(`${svc.urls.post}/v1/chat/completions`, chat(), auth(apiKey));
    expectEnvelope(r, 502, "upstream_not_configured");
  });
});

describe("bad requests", () => {
  it("11 MiB body → 413, nothing reaches the upstream", async () => {
    const before = upstream.requests.length;
    const big = chat({ padding: "x".repeat(11 * 1024 * 1024) });
    const r = await post(`${svc.urls.pre}/v1/chat/completions`, big, auth(apiKey));
    expectEnvelope(r, 413, "payload_too_large");
    expect(upstream.requests.length).toBe(before);
    await stillServes();
  });

  it("an oversized chunked body (no content-length) → 413 as well", async () => {
    const chunks = async function* () {
      for (let i = 0; i < 12; i++) yield new Uint8Array(1024 * 1024).fill(32);
    };
    const res = await fetch(`${svc.urls.pre}/v1/chat/completions`, {
      method: "POST",
      headers: auth(apiKey),
      body: ReadableStream.from(chunks()),
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    await stillServes();
  });

  it("{bad json → 400 invalid_json; a JSON array → 400; wrong content type → 415", async () => {
    expectEnvelope(
      await post(`${svc.urls.pre}/v1/chat/completions`, "{bad json", auth(apiKey)),
      400,
      "invalid_json",
    );
    expectEnvelope(
      await post(`${svc.urls.pre}/v1/chat/completions`, "[1,2]", auth(apiKey)),
      400,
      "invalid_request",
    );
    expectEnvelope(
      await post(`${svc.urls.pre}/v1/chat/completions`, "a=b", {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Bearer ${apiKey}`,
      }),
      415,
      "unsupported_media_type",
    );
    await stillServes();
  });

  it("rejections are audited with metadata only: no body, never the key", async () => {
    const r = await post(`${svc.urls.pre}/v1/chat/completions`, "{bad json", auth(apiKey));
    const row = await auditRow(svc, r.headers.get("x-request-id")!);
    expect(row).toMatchObject({
      status: 400,
      error_code: "invalid_json",
      api_user_id: userId,
      request_body: null,
    });
    const noKey = await post(`${svc.urls.pre}/v1/chat/completions`, chat(), {
      "content-type": "application/json",
      authorization: `Bearer ${apiKey.slice(0, -1)}x`,
    });
    const row401 = await auditRow(svc, noKey.headers.get("x-request-id")!);
    expect(row401).toMatchObject({
      status: 401,
      error_code: "invalid_api_key",
      api_user_id: null,
      request_body: null,
    });
    expect(JSON.stringify(row401)).not.toContain(apiKey.slice(4, 20));
  });
});
