import { describe, expect, it } from "vitest";
import { fakePromptTokens } from "../harness/fake-upstream.js";
import { createApiUser } from "../harness/seed.js";
import type { TestService } from "../harness/test-service.js";
import { auditRow, flushAll, sdk, useGatewayFixture } from "./kit.js";

let svc: TestService;
let tenantId: string;

useGatewayFixture((f) => ({ svc, tenantId } = f));

async function daily(apiUserId: string) {
  await flushAll(svc);
  return svc.db.selectFrom("usage_daily").selectAll().where("api_user_id", "=", apiUserId).executeTakeFirst();
}

describe("the other OpenAI routes: same auth, limits, routing and recording, usage from each shape", () => {
  it("POST /v1/completions (plain and streamed)", async () => {
    const { apiKey, apiUser } = await createApiUser(svc, { tenantId, rpmLimit: 100 });
    const { data, response } = await sdk(svc.urls.pre, apiKey)
      .completions.create({ model: "m", prompt: "Once upon", max_tokens: 7 })
      .withResponse();
    expect(data.choices[0]!.text).toBe("w0 w1 w2 w3 w4 ");
    expect(response.headers.get("x-ratelimit-limit-requests")).toBe("100");
    const stream = await sdk(svc.urls.pre, apiKey).completions.create({
      model: "m",
      prompt: "Once upon",
      stream: true,
    });
    let text = "";
    for await (const c of stream) text += c.choices[0]?.text ?? "";
    expect(text).toBe("w0 w1 w2 w3 w4 ");
    const d = await daily(apiUser.id);
    expect(d).toMatchObject({ requests: 2, tokens: 2 * fakePromptTokens("Once upon") + 7 + 12 });
    const row = await auditRow(svc, response.headers.get("x-request-id")!);
    expect(row).toMatchObject({
      path: "/v1/completions",
      model: "m",
      prompt_tokens: fakePromptTokens("Once upon"),
    });
  });

  it("POST /v1/embeddings: prompt tokens only", async () => {
    const { apiKey, apiUser } = await createApiUser(svc, { tenantId });
    const { data, response } = await sdk(svc.urls.post, apiKey)
      .embeddings.create({ model: "e", input: ["a", "b"], encoding_format: "float" })
      .withResponse();
    expect(data.data).toHaveLength(2);
    const row = await auditRow(svc, response.headers.get("x-request-id")!);
    expect(row).toMatchObject({
      prompt_tokens: fakePromptTokens(["a", "b"]),
      completion_tokens: 0,
      total_tokens: fakePromptTokens(["a", "b"]),
      usage_source: "provider",
    });
    expect((await daily(apiUser.id))!.tokens).toBe(fakePromptTokens(["a", "b"]));
  });

  it("POST /v1/responses (plain and streamed): usage from input/output tokens and response.completed", async () => {
    const { apiKey, apiUser } = await createApiUser(svc, { tenantId, monthlyTokenCap: 100_000 });
    const r = await sdk(svc.urls.post, apiKey).responses.create({
      model: "m",
      input: "hello",
      max_output_tokens: 5,
    });
    expect(r.output_text).toBe("w0 w1 w2 w3 w4 ");
    const stream = await sdk(svc.urls.post, apiKey).responses.create({
      model: "m",
      input: "hello",
      stream: true,
    });
    let deltas = "";
    let completedUsage = 0;
    for await (const ev of stream) {
      if (ev.type === "response.output_text.delta") deltas += ev.delta;
      if (ev.type === "response.completed") completedUsage = ev.response.usage!.total_tokens;
    }
    expect(deltas).toBe("w0 w1 w2 w3 w4 ");
    const d = await daily(apiUser.id);
    expect(d!.tokens).toBe(fakePromptTokens("hello") + 5 + completedUsage);
  });

  it("GET /v1/models: authenticated, rate limited and recorded, no tokens", async () => {
    const { apiKey, apiUser } = await createApiUser(svc, { tenantId, rpmLimit: 2, monthlyTokenCap: 10 });
    const client = sdk(svc.urls.pre, apiKey);
    const { data, response } = await client.models.list().withResponse();
    expect(data.data.map((m) => m.id)).toEqual(["fake-model"]);
    expect(response.headers.get("x-hms-monthly-tokens-remaining")).toBe("10");
    await client.models.list();
    await expect(client.models.list()).rejects.toMatchObject({ status: 429, code: "rate_limit_exceeded" });
    const row = await auditRow(svc, response.headers.get("x-request-id")!);
    expect(row).toMatchObject({ method: "GET", path: "/v1/models", status: 200, usage_source: null });
    expect(await daily(apiUser.id)).toMatchObject({ requests: 2, tokens: 0 });
  });
});
