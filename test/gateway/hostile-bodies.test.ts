/**
 * Request bodies a hostile client sends that once answered 500: completion budgets beyond what the database's bigint
 * holds (inadmissible for a capped key, passed through for an uncapped one), and bodies nested ten thousand levels
 * deep on the streamed path, where the gateway adds `stream_options` (and where the audit record is read back).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_ENV, signedInClient } from "../admin/admin-client.js";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { createApiUser, createTenant } from "../harness/seed.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { flushAll, monthlyUsage, post } from "./kit.js";

let svc: TestService;
let upstream: FakeUpstream;
let tenantId: string;

beforeAll(async () => {
  svc = await startTestService({ env: ADMIN_ENV });
  upstream = await startFakeUpstream();
  tenantId = (await createTenant(svc, { preUpstreamUrl: upstream.url, postUpstreamUrl: upstream.url })).id;
});
afterAll(async () => {
  await svc?.close();
  await upstream?.close();
});

const auth = (key: string) => ({ "content-type": "application/json", authorization: `Bearer ${key}` });
const messages = [{ role: "user", content: "hi" }];

function unhandled(): unknown[] {
  return svc.logs.lines().filter((l) => l.msg === "unhandled error");
}

describe("numbers beyond what the database holds", () => {
  const huge: [string, string, string][] = [
    ["/v1/chat/completions", "max_tokens", "1e20"],
    ["/v1/chat/completions", "max_tokens", "1e308"],
    ["/v1/chat/completions", "max_completion_tokens", "1e308"],
    ["/v1/chat/completions", "max_tokens", "9223372036854775808"],
    ["/v1/completions", "max_tokens", "1.7976931348623157e308"],
    ["/v1/responses", "max_output_tokens", "1e308"],
  ];

  for (const [path, field, value] of huge) {
    it(`a capped key's ${path} with ${field}: ${value} → 429 insufficient_quota, and nothing stays reserved`, async () => {
      const { apiKey, apiUser } = await createApiUser(svc, { tenantId, monthlyTokenCap: 1_000_000 });
      const body = `{"model":"m","messages":${JSON.stringify(messages)},"prompt":"x","input":"x","${field}":${value}}`;
      const r = await post(`${svc.urls.pre}${path}`, body, auth(apiKey));
      expect(r.status, r.text).toBe(429);
      expect(r.json).toMatchObject({ error: { code: "insufficient_quota", type: "insufficient_quota" } });
      expect(r.headers.get("x-should-retry")).toBe("false");
      // The key is not poisoned: an ordinary request still goes through.
      const ok = await post(
        `${svc.urls.pre}/v1/chat/completions`,
        JSON.stringify({ model: "m", messages }),
        auth(apiKey),
      );
      expect(ok.status, ok.text).toBe(200);
      await flushAll(svc);
      expect((await monthlyUsage(svc, apiUser.id)).tokens_reserved).toBe(0);
    });
  }

  it("an uncapped key's request with max_tokens 1e308 is passed through as it is", async () => {
    const { apiKey } = await createApiUser(svc, { tenantId });
    const r = await post(
      `${svc.urls.pre}/v1/chat/completions`,
      `{"model":"m","messages":${JSON.stringify(messages)},"max_tokens":1e308}`,
      auth(apiKey),
    );
    expect(r.status, r.text).toBe(200);
    expect(upstream.requests.at(-1)!.body).toContain('"max_tokens":1e308');
  });

  it("logged no unhandled error", () => expect(unhandled()).toEqual([]));
});

describe("deep nesting on the streamed path", () => {
  const DEPTH = 10_000;
  const deep = "[".repeat(DEPTH) + "]".repeat(DEPTH);

  async function streamed(apiKey: string, extra: string) {
    const body = `{"model":"m","messages":${JSON.stringify(messages)},"stream":true,"metadata":{"n":${deep}}${extra}}`;
    return post(`${svc.urls.pre}/v1/chat/completions`, body, auth(apiKey));
  }

  it("a stream: true body nested 10,000 levels deep is relayed, with include_usage asked for", async () => {
    const { apiKey } = await createApiUser(svc, { tenantId, monthlyTokenCap: 10_000_000 });
    const r = await streamed(apiKey, "");
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    expect(r.text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    const sent = upstream.requests.at(-1)!.body;
    expect((JSON.parse(sent) as Record<string, unknown>).stream_options).toEqual({ include_usage: true });
    expect(sent).toContain(`"metadata":{"n":${deep}}`);
  });

  it("with the client's own stream_options (include_usage false) too, whose other fields are kept", async () => {
    const { apiKey } = await createApiUser(svc, { tenantId });
    const r = await streamed(apiKey, `,"stream_options":{"include_usage":false,"x":[[1]]}`);
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    const sent = JSON.parse(upstream.requests.at(-1)!.body) as Record<string, unknown>;
    expect(sent.stream_options).toEqual({ include_usage: true, x: [[1]] });
  });

  it("its audit record reads back in the admin detail view and the JSONL export", async () => {
    const { apiKey, apiUser } = await createApiUser(svc, { tenantId });
    expect((await streamed(apiKey, "")).status).toBe(200);
    await flushAll(svc);
    const admin = await signedInClient(svc);
    const list = await admin.get<{ data: { id: number }[] }>(`/api/admin/logs?api_user_id=${apiUser.id}`);
    expect(list.status).toBe(200);
    const detail = await admin.get<{ prompt: unknown }>(`/api/admin/logs/${list.body.data[0]!.id}`);
    expect(detail.status, detail.text.slice(0, 300)).toBe(200);
    // Too deep to serialise again: shown as the stored text.
    expect(typeof detail.body.prompt).toBe("string");
    const jsonl = await admin.get(`/api/admin/logs/download?api_user_id=${apiUser.id}`);
    expect(jsonl.status).toBe(200);
    const line = JSON.parse(jsonl.text.trim()) as { prompt: unknown };
    expect(line.prompt).toBeTruthy();
  });

  it("logged no unhandled error", () => expect(unhandled()).toEqual([]));
});
