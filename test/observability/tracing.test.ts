/**
 * OpenTelemetry traces end to end: the real service exports spans over OTLP/HTTP to a receiver in this test; a
 * streamed request from the openai SDK, carrying a W3C traceparent, yields one server span continuing that trace,
 * with its children (key check, rate limit, admission, upstream call with its TTFB event, stream relay); the fake
 * upstream receives the upstream span's traceparent; no prompt, key or credential is in any exported payload.
 * With tracing off (the default) no tracer exists and the client's traceparent passes through untouched.
 */
import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoPlantedSecrets, newPlantedSecret } from "../fixtures/hermes/planted-secrets.js";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { createApiUser, createTenant } from "../harness/seed.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { startOtlpReceiver, type OtlpReceiver } from "./otlp-receiver.js";

const SERVER = 2;
const CLIENT = 3;

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream({ chunks: 4 });
});
afterAll(async () => {
  await upstream?.close();
});

function client(baseUrl: string, apiKey: string, traceparent: string): OpenAI {
  return new OpenAI({
    apiKey,
    baseURL: `${baseUrl}/v1`,
    maxRetries: 0,
    defaultHeaders: { traceparent },
  });
}

describe("with OTEL_EXPORTER_OTLP_ENDPOINT set", () => {
  let svc: TestService;
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    svc = await startTestService({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: "hcp-under-test" },
    });
  });
  afterAll(async () => {
    await svc?.close();
    await receiver?.close();
  });

  it("exports a streamed request's spans, parented and attributed, and propagates traceparent upstream", async () => {
    const credential = newPlantedSecret("sk-upstream-");
    const t = await createTenant(svc, { preUpstreamUrl: upstream.url, upstreamApiKey: credential });
    const { apiKey } = await createApiUser(svc, {
      tenantId: t.id,
      rpmLimit: 100,
      monthlyTokenCap: 1_000_000,
    });
    const prompt = newPlantedSecret("prompt-");
    const traceId = randomBytes(16).toString("hex");
    const parentId = randomBytes(8).toString("hex");
    const seen = upstream.requests.length;

    const stream = await client(svc.urls.pre, apiKey, `00-${traceId}-${parentId}-01`).chat.completions.create(
      {
        model: "gpt-traced",
        messages: [{ role: "user", content: prompt }],
        stream: true,
      },
    );
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text.length).toBeGreaterThan(0);

    await svc.deps.observability.tracing!.flush();
    const mine = receiver.spans.filter((s) => s.traceId === traceId);
    const root = mine.find((s) => s.kind === SERVER)!;
    expect(root).toBeDefined();
    expect(root.name).toBe("POST /v1/chat/completions");
    // The client's trace is continued: same trace id, the client's span as parent.
    expect(root.parentSpanId).toBe(parentId);
    expect(root.resource["service.name"]).toBe("hcp-under-test");
    expect(root.attributes).toMatchObject({
      "http.request.method": "POST",
      "http.route": "/v1/chat/completions",
      "http.response.status_code": 200,
      "hermes.gateway": "pre",
      "hermes.tenant": `Tenant ${t.id}`,
      "hermes.stream": true,
      "gen_ai.request.model": "gpt-traced",
      "gen_ai.usage.output_tokens": 12,
      "hermes.usage.source": "provider",
    });
    expect(root.attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0);

    const children = mine.filter((s) => s !== root);
    expect(children.map((s) => s.name).sort()).toEqual(
      ["admission", "key check", "rate limit", "stream relay", "upstream call"].sort(),
    );
    for (const c of children) expect(c.parentSpanId, c.name).toBe(root.spanId);
    const call = children.find((s) => s.name === "upstream call")!;
    expect(call.kind).toBe(CLIENT);
    expect(call.events).toEqual(["response_headers", "first_byte"]);
    expect(call.attributes["http.response.status_code"]).toBe(200);
    expect(children.find((s) => s.name === "stream relay")!.attributes["hermes.stream.end"]).toBe("complete");

    // The upstream got the upstream span's context, so a Hermes that traces joins the same trace.
    const received = upstream.requests.slice(seen);
    expect(received).toHaveLength(1);
    expect(received[0]!.headers.traceparent).toBe(`00-${traceId}-${call.spanId}-01`);

    const exported = receiver.payloads.join("\n");
    expectNoPlantedSecrets(exported, "the exported spans", [prompt, credential, apiKey, apiKey.slice(4, 24)]);
    expect(exported).not.toContain(apiKey.slice(0, 12));
  });

  it("starts a new trace for a request without traceparent, and marks a rejected one as an error", async () => {
    const before = receiver.spans.length;
    const res = await fetch(`${svc.urls.pre}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer hms_not_a_key" },
      body: "{}",
    });
    expect(res.status).toBe(401);
    await svc.deps.observability.tracing!.flush();
    const spans = receiver.spans.slice(before);
    const root = spans.find((s) => s.kind === SERVER)!;
    expect(root.parentSpanId).toBe("");
    expect(root.status.code).toBe(2);
    expect(root.attributes["error.type"]).toBe("invalid_api_key");
    const check = spans.find((s) => s.name === "key check")!;
    expect(check.parentSpanId).toBe(root.spanId);
    expect(check.status).toMatchObject({ code: 2, message: "invalid_api_key" });
    expect(spans.map((s) => s.name)).not.toContain("upstream call");
  });
});

describe("tracing off (the default)", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(async () => {
    await svc?.close();
  });

  it("has no tracer, and passes the client's traceparent through unchanged", async () => {
    expect(svc.deps.observability.tracing).toBeNull();
    const t = await createTenant(svc, { preUpstreamUrl: upstream.url });
    const { apiKey } = await createApiUser(svc, { tenantId: t.id });
    const traceparent = `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01`;
    const seen = upstream.requests.length;
    await client(svc.urls.pre, apiKey, traceparent).chat.completions.create({ model: "m", messages: [] });
    expect(upstream.requests.slice(seen)[0]!.headers.traceparent).toBe(traceparent);
  });
});
