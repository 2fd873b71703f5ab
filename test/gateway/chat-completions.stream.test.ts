import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { createApiUser, createTenant } from "../harness/seed.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { auditRow, flushAll, monthlyUsage, sdk } from "./kit.js";

let svc: TestService;
let upstream: FakeUpstream;
let tenantId: string;

beforeAll(async () => {
  svc = await startTestService();
  upstream = await startFakeUpstream();
  tenantId = (await createTenant(svc, { preUpstreamUrl: upstream.url, postUpstreamUrl: upstream.url })).id;
});
beforeEach(() =>
  upstream.set({ streamStyle: "openai", reportUsage: true, chunks: 5, hangAfterChunks: null }),
);
afterAll(async () => {
  await svc?.close();
  await upstream?.close();
});

const messages = [{ role: "user" as const, content: "Tell me a story" }];

/** The raw SSE events a client receives (fetch, not the SDK, so nothing is hidden). */
async function rawStream(base: string, apiKey: string, body: Record<string, unknown>) {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ model: "m", messages, stream: true, ...body }),
  });
  const text = await res.text();
  const events = text.split("\n\n").filter((e) => e.trim() !== "");
  const data = events
    .flatMap((e) => e.split("\n").filter((l) => l.startsWith("data: ")))
    .map((l) => l.slice(6))
    .filter((d) => d !== "[DONE]")
    .map((d) => JSON.parse(d) as { choices: unknown[]; usage?: unknown });
  return { res, text, events, data };
}

describe("streamed usage", () => {
  it("hides the usage chunk the gateway asked for when the client did not, and counts the upstream's usage", async () => {
    const { apiKey, apiUser } = await createApiUser(svc, { tenantId });
    const r = await rawStream(svc.urls.pre, apiKey, {});
    expect(r.res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    // The gateway asked the upstream for usage on the client's behalf…
    const sent = JSON.parse(upstream.requests.at(-1)!.body) as {
      stream_options?: { include_usage?: boolean };
    };
    expect(sent.stream_options?.include_usage).toBe(true);
    // …and the usage-only chunk did not reach the client.
    expect(r.data.some((d) => d.choices.length === 0)).toBe(false);
    expect(r.text.trimEnd().endsWith("data: [DONE]")).toBe(true);

    await flushAll(svc);
    const usage = await monthlyUsage(svc, apiUser.id);
    // The fake reports prompt = ceil(len(JSON(messages))/4) and 12 completion tokens.
    const expected = Math.ceil(JSON.stringify(messages).length / 4) + 12;
    expect(usage.tokens_used).toBe(expected);
    const row = await auditRow(svc, r.res.headers.get("x-request-id")!);
    expect(row).toMatchObject({
      stream: true,
      total_tokens: expected,
      usage_source: "provider",
      aborted: false,
    });
  });

  it("passes the usage chunk through when the client asked for it, and the SDK reads the same usage", async () => {
    const { apiKey, apiUser } = await createApiUser(svc, { tenantId });
    const r = await rawStream(svc.urls.post, apiKey, { stream_options: { include_usage: true } });
    const usageChunks = r.data.filter((d) => d.choices.length === 0 && d.usage);
    expect(usageChunks).toHaveLength(1);

    const stream = await sdk(svc.urls.post, apiKey).chat.completions.create({
      model: "m",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let total = 0;
    for await (const chunk of stream) if (chunk.usage) total = chunk.usage.total_tokens;
    await flushAll(svc);
    expect((await monthlyUsage(svc, apiUser.id)).tokens_used).toBe(2 * total);
  });

  it("tolerates Hermes' stream: event lines, keepalive comments, usage in the last choice chunk", async () => {
    upstream.set({ streamStyle: "hermes" });
    const { apiKey, apiUser } = await createApiUser(svc, { tenantId });
    const r = await rawStream(svc.urls.post, apiKey, {});
    expect(r.text).toContain("event: hermes.tool.progress\n");
    expect(r.text).toContain(": keepalive\n\n");

    const stream = await sdk(svc.urls.post, apiKey).chat.completions.create({
      model: "m",
      messages,
      stream: true,
    });
    let text = "";
    // Hermes' named events pass through unchanged; the SDK yields their data too (as it would talking to Hermes).
    for await (const chunk of stream) text += chunk.choices?.[0]?.delta.content ?? "";
    expect(text).toBe("w0 w1 w2 w3 w4 ");

    await flushAll(svc);
    const expected = Math.ceil(JSON.stringify(messages).length / 4) + 12;
    expect((await monthlyUsage(svc, apiUser.id)).tokens_used).toBe(2 * expected);
    const row = await auditRow(svc, r.res.headers.get("x-request-id")!);
    expect(row!.usage_source).toBe("provider");
    const assembled = JSON.parse(row!.response_body!) as {
      choices: { message: { content: string }; finish_reason: string }[];
    };
    expect(assembled.choices[0]).toMatchObject({
      message: { content: "w0 w1 w2 w3 w4 " },
      finish_reason: "stop",
    });
  });

  it("estimates usage, marked as estimated, when the upstream reports none", async () => {
    upstream.set({ reportUsage: false, chunks: 40 });
    const { apiKey, apiUser } = await createApiUser(svc, { tenantId });
    const r = await rawStream(svc.urls.pre, apiKey, {});
    const row = await auditRow(svc, r.res.headers.get("x-request-id")!);
    expect(row!.usage_source).toBe("estimated");
    expect(row!.completion_tokens).toBeGreaterThan(0);
    expect((await monthlyUsage(svc, apiUser.id)).tokens_used).toBe(row!.total_tokens);
  });

  it("records the streamed answer assembled as JSON, not as raw SSE", async () => {
    const { apiKey } = await createApiUser(svc, { tenantId });
    const r = await rawStream(svc.urls.pre, apiKey, {});
    const row = await auditRow(svc, r.res.headers.get("x-request-id")!);
    expect(row!.response_body).not.toContain("data:");
    expect(JSON.parse(row!.response_body!)).toMatchObject({
      object: "chat.completion",
      choices: [
        { index: 0, message: { role: "assistant", content: "w0 w1 w2 w3 w4 " }, finish_reason: "stop" },
      ],
      usage: { completion_tokens: 12 },
    });
    expect(JSON.parse(row!.request_body!)).toMatchObject({ model: "m", stream: true });
  });
});

describe("client abort mid-stream", () => {
  it("aborts the upstream request, settles usage with what was streamed, leaves no reservation, marks the record", async () => {
    upstream.set({ hangAfterChunks: 2 });
    const { apiKey, apiUser } = await createApiUser(svc, { tenantId, monthlyTokenCap: 1_000_000 });
    const abortedBefore = upstream.abortedCount();
    const controller = new AbortController();
    const res = await fetch(`${svc.urls.pre}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ model: "m", messages, stream: true, max_tokens: 500 }),
      signal: controller.signal,
    });
    const requestId = res.headers.get("x-request-id")!;
    const reader = res.body!.getReader();
    let received = "";
    while (!received.includes("w1 ")) received += new TextDecoder().decode((await reader.read()).value);
    // Mid-stream: the reservation is still held.
    await flushAll(svc);
    expect((await monthlyUsage(svc, apiUser.id)).tokens_reserved).toBeGreaterThan(0);
    controller.abort();

    await upstream.waitForAborted(abortedBefore + 1);
    let row = await auditRow(svc, requestId);
    for (let i = 0; i < 50 && !row; i++) {
      await new Promise((r) => setTimeout(r, 20));
      row = await auditRow(svc, requestId);
    }
    expect(row).toMatchObject({ aborted: true, stream: true, usage_source: "estimated" });
    expect(row!.completion_tokens).toBeGreaterThan(0);
    const usage = await monthlyUsage(svc, apiUser.id);
    expect(usage.tokens_reserved).toBe(0);
    expect(usage.tokens_used).toBe(row!.total_tokens);
    expect(JSON.parse(row!.response_body!).choices[0].message.content).toBe("w0 w1 ");
  });
});
