import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { createApiUser, createTenant } from "../harness/seed.js";
import { startTestService, type TestService } from "../harness/test-service.js";

let svc: TestService;
let pre: FakeUpstream;
let post: FakeUpstream;
let apiKey: string;
let userId: string;
let tenantId: string;

beforeAll(async () => {
  svc = await startTestService();
  pre = await startFakeUpstream();
  post = await startFakeUpstream();
  const tenant = await createTenant(svc, {
    preUpstreamUrl: pre.url,
    postUpstreamUrl: post.url,
    upstreamApiKey: "sk-upstream-secret-credential-1234",
  });
  tenantId = tenant.id;
  const issued = await createApiUser(svc, { tenantId, monthlyTokenCap: 1_000_000, rpmLimit: 1000 });
  apiKey = issued.apiKey;
  userId = issued.apiUser.id;
});

afterAll(async () => {
  await svc?.close();
  await pre?.close();
  await post?.close();
});

const client = (base: string, key = apiKey) =>
  new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0 });

describe("chat completions through both gateways (openai SDK)", () => {
  for (const gw of ["pre", "post"] as const) {
    it(`${gw}: non-streaming answer, usage and identity headers reach the right upstream`, async () => {
      const upstream = gw === "pre" ? pre : post;
      const other = gw === "pre" ? post : pre;
      const before = other.requests.length;
      const { data, response } = await client(svc.urls[gw])
        .chat.completions.create({
          model: "m1",
          messages: [{ role: "user", content: "hello there" }],
          max_tokens: 50,
        })
        .withResponse();
      expect(data.choices[0]!.message.content).toBe("w0 w1 w2 w3 w4 ");
      expect(data.usage!.completion_tokens).toBe(12);
      const rid = response.headers.get("x-request-id")!;
      expect(rid).toMatch(/^req_[0-9a-f]{24}$/);
      expect(response.headers.get("x-ratelimit-limit-requests")).toBe("1000");
      expect(response.headers.get("x-ratelimit-remaining-requests")).toMatch(/^\d+$/);
      expect(response.headers.get("x-ratelimit-reset-requests")).toMatch(/^\d+(\.\d+)?m?s$|^\d+m\d+s$/);
      expect(response.headers.get("x-hms-monthly-tokens-limit")).toBe("1000000");
      expect(Number(response.headers.get("x-hms-monthly-tokens-remaining"))).toBeLessThan(1_000_000);
      expect(response.headers.get("x-hms-monthly-tokens-reset")).toMatch(/^\d{4}-\d{2}-01T00:00:00\.000Z$/);

      const got = upstream.requests.at(-1)!;
      expect(got.path).toBe("/v1/chat/completions");
      expect(got.headers["authorization"]).toBe("Bearer sk-upstream-secret-credential-1234");
      expect(got.headers["x-request-id"]).toBe(rid);
      expect(got.headers["x-hermes-session-key"]).toBe(`${tenantId}:${userId}`);
      expect(got.headers["x-hms-user-id"]).toBe(userId);
      expect(got.headers["x-hms-tenant-id"]).toBe(tenantId);
      expect(JSON.stringify(got.headers)).not.toContain(apiKey);
      expect(other.requests.length).toBe(before);
    });

    it(`${gw}: streaming answer arrives chunk by chunk and the SDK assembles it`, async () => {
      const stream = await client(svc.urls[gw]).chat.completions.create({
        model: "m1",
        messages: [{ role: "user", content: "stream please" }],
        stream: true,
      });
      let text = "";
      let chunks = 0;
      for await (const chunk of stream) {
        chunks++;
        text += chunk.choices[0]?.delta.content ?? "";
        expect(chunk.choices.length).toBeGreaterThan(0);
      }
      expect(text).toBe("w0 w1 w2 w3 w4 ");
      expect(chunks).toBe(7);
    });
  }
});
