/**
 * A mixed run through the real gateways (openai SDK and raw fetch against a fake upstream): every request, accepted,
 * streamed, rejected, failed or aborted, leaves exactly one audit record with the right fields and no secret.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/admin-events/admin-events.repository.js";
import type { AuditLogRow } from "../../src/db/schema.js";
import { revokeApiUser } from "../../src/keys/keys.service.js";
import { startFakeUpstream, type FakeUpstream } from "../harness/fake-upstream.js";
import { createApiUser, createTenant } from "../harness/seed.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { waitUntil } from "./audit-fixtures.js";

const UPSTREAM_SECRET = "sk-upstream-secret-never-stored-0123456789";
const WRONG_KEY = "hms_this_key_does_not_exist_but_is_secret_0123456789";
const MAX_REQUEST_BYTES = 32_768;

let svc: TestService;
let upstream: FakeUpstream;

beforeAll(async () => {
  svc = await startTestService({ env: { HERMES_MAX_REQUEST_BYTES: String(MAX_REQUEST_BYTES) } });
  upstream = await startFakeUpstream();
});
afterAll(async () => {
  await svc?.close();
  await upstream?.close();
});

const ask = {
  model: "hermes-agent",
  messages: [{ role: "user" as const, content: "Say hi" }],
  max_tokens: 50,
};

async function requestIdOfError(p: Promise<unknown>): Promise<{ id: string; status: number }> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpenAI.APIError);
  const e = err as InstanceType<typeof OpenAI.APIError>;
  return { id: e.requestID!, status: e.status! };
}

describe("audit records of a mixed run", () => {
  it("records every kind of request exactly once, with the right fields and no key or secret", async () => {
    const tenant = await createTenant(svc, {
      preUpstreamUrl: upstream.url,
      postUpstreamUrl: upstream.url,
      upstreamApiKey: UPSTREAM_SECRET,
    });
    const deadTenant = await createTenant(svc, {
      preUpstreamUrl: "http://127.0.0.1:1/v1",
      postUpstreamUrl: "http://127.0.0.1:1/v1",
    });
    const ok = await createApiUser(svc, { tenantId: tenant.id, name: "Alice" });
    const postOnly = await createApiUser(svc, { tenantId: tenant.id, gateways: ["post"] });
    const revoked = await createApiUser(svc, { tenantId: tenant.id });
    const limited = await createApiUser(svc, { tenantId: tenant.id, rpmLimit: 1 });
    const dead = await createApiUser(svc, { tenantId: deadTenant.id });
    svc.secret(WRONG_KEY);
    await revokeApiUser(
      { db: svc.db, keyPepper: svc.deps.config.secrets.keyPepper },
      revoked.apiUser.id,
      SYSTEM_ACTOR,
    );

    type Expect = { id: string; check: (row: AuditLogRow) => void };
    const expectations: Expect[] = [];

    // 200, not streamed, on the post gateway.
    {
      const { data, response } = await new OpenAI({
        apiKey: ok.apiKey,
        baseURL: `${svc.urls.post}/v1`,
        maxRetries: 0,
      }).chat.completions
        .create(ask)
        .withResponse();
      expectations.push({
        id: response.headers.get("x-request-id")!,
        check: (row) => {
          expect(row).toMatchObject({
            gateway: "post",
            status: 200,
            stream: false,
            api_user_id: ok.apiUser.id,
            api_user_name: "Alice",
            tenant_id: tenant.id,
            method: "POST",
            path: "/v1/chat/completions",
            model: "hermes-agent",
            error_code: null,
            aborted: false,
            usage_source: "provider",
            total_tokens: data.usage!.total_tokens,
            request_truncated: false,
            response_truncated: false,
          });
          expect(JSON.parse(row.request_body!)).toMatchObject({ messages: ask.messages });
          expect(JSON.parse(row.response_body!)).toMatchObject({ id: data.id });
          expect(row.latency_ms).toBeGreaterThanOrEqual(0);
          expect(row.client_ip).toMatch(/127\.0\.0\.1/);
        },
      });
    }

    // 200, streamed, on the pre gateway: stored assembled, not as SSE.
    {
      const { data: stream, response } = await new OpenAI({
        apiKey: ok.apiKey,
        baseURL: `${svc.urls.pre}/v1`,
        maxRetries: 0,
      }).chat.completions
        .create({ ...ask, stream: true })
        .withResponse();
      let content = "";
      for await (const chunk of stream) content += chunk.choices[0]?.delta?.content ?? "";
      expectations.push({
        id: response.headers.get("x-request-id")!,
        check: (row) => {
          expect(row).toMatchObject({
            gateway: "pre",
            status: 200,
            stream: true,
            aborted: false,
            error_code: null,
          });
          expect(row.response_body).not.toContain("data:");
          const assembled = JSON.parse(row.response_body!) as { choices: { message: { content: string } }[] };
          expect(assembled.choices[0]!.message.content).toBe(content);
          expect(row.ttfb_ms).not.toBeNull();
          expect(row.total_tokens).toBeGreaterThan(0);
        },
      });
    }

    const rejected = (status: number, code: string, apiUserId: string | null) => (row: AuditLogRow) => {
      expect(row).toMatchObject({
        status,
        error_code: code,
        api_user_id: apiUserId,
        request_body: null,
        response_body: null,
      });
    };

    // 401: unknown key; nothing about it is stored.
    {
      const r = await requestIdOfError(
        new OpenAI({
          apiKey: WRONG_KEY,
          baseURL: `${svc.urls.pre}/v1`,
          maxRetries: 0,
        }).chat.completions.create(ask),
      );
      expect(r.status).toBe(401);
      expectations.push({ id: r.id, check: rejected(401, "invalid_api_key", null) });
    }
    // 403: a post-only key on the pre gateway.
    {
      const r = await requestIdOfError(
        new OpenAI({
          apiKey: postOnly.apiKey,
          baseURL: `${svc.urls.pre}/v1`,
          maxRetries: 0,
        }).chat.completions.create(ask),
      );
      expect(r.status).toBe(403);
      expectations.push({ id: r.id, check: rejected(403, "gateway_not_allowed", postOnly.apiUser.id) });
    }
    // 410: a key revoked before its first use (so no cache can hold it as valid).
    {
      const r = await requestIdOfError(
        new OpenAI({
          apiKey: revoked.apiKey,
          baseURL: `${svc.urls.pre}/v1`,
          maxRetries: 0,
        }).chat.completions.create(ask),
      );
      expect(r.status).toBe(410);
      expectations.push({ id: r.id, check: rejected(410, "key_revoked", revoked.apiUser.id) });
    }
    // 429: the second request in a minute for a 1-rpm key.
    {
      const client = new OpenAI({ apiKey: limited.apiKey, baseURL: `${svc.urls.post}/v1`, maxRetries: 0 });
      const first = await client.chat.completions.create(ask).withResponse();
      expectations.push({
        id: first.response.headers.get("x-request-id")!,
        check: (row) => expect(row.status).toBe(200),
      });
      const r = await requestIdOfError(client.chat.completions.create(ask));
      expect(r.status).toBe(429);
      expectations.push({ id: r.id, check: rejected(429, "rate_limit_exceeded", limited.apiUser.id) });
    }
    // 413: a body over HERMES_MAX_REQUEST_BYTES; the body is not stored.
    {
      const res = await fetch(`${svc.urls.post}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ok.apiKey}` },
        body: JSON.stringify({
          ...ask,
          messages: [{ role: "user", content: "x".repeat(MAX_REQUEST_BYTES) }],
        }),
      });
      expect(res.status).toBe(413);
      await res.text();
      expectations.push({
        id: res.headers.get("x-request-id")!,
        check: (row) => {
          expect(row).toMatchObject({ status: 413, error_code: "payload_too_large", request_body: null });
          expect(row.response_body ?? "").not.toContain("xxxxxxxx");
        },
      });
    }
    // 502: the tenant's upstream is unreachable.
    {
      const r = await requestIdOfError(
        new OpenAI({
          apiKey: dead.apiKey,
          baseURL: `${svc.urls.post}/v1`,
          maxRetries: 0,
        }).chat.completions.create(ask),
      );
      expect(r.status).toBe(502);
      expectations.push({
        id: r.id,
        check: (row) =>
          expect(row).toMatchObject({ status: 502, api_user_id: dead.apiUser.id, tenant_id: deadTenant.id }),
      });
    }
    // Client abort mid-stream.
    {
      upstream.set({ hangAfterChunks: 2 });
      const abortedBefore = upstream.abortedCount();
      const controller = new AbortController();
      const res = await fetch(`${svc.urls.pre}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ok.apiKey}` },
        body: JSON.stringify({ ...ask, stream: true }),
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      let received = "";
      while (!received.includes("w1 ")) received += new TextDecoder().decode((await reader.read()).value);
      controller.abort();
      await upstream.waitForAborted(abortedBefore + 1);
      upstream.set({ hangAfterChunks: null });
      expectations.push({
        id: res.headers.get("x-request-id")!,
        check: (row) =>
          expect(row).toMatchObject({ aborted: true, stream: true, api_user_id: ok.apiUser.id }),
      });
    }

    const ids = expectations.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    let rows: AuditLogRow[] = [];
    await waitUntil(async () => {
      await svc.deps.audit.flush();
      rows = await svc.db.selectFrom("audit_log").selectAll().execute();
      return rows.length >= ids.length;
    });
    // Exactly one row per request, and no row for anything else.
    expect(rows.map((r) => r.request_id).sort()).toEqual([...ids].sort());
    for (const e of expectations) e.check(rows.find((r) => r.request_id === e.id)!);

    const everything = JSON.stringify(rows);
    for (const secret of [
      ok.apiKey,
      postOnly.apiKey,
      revoked.apiKey,
      limited.apiKey,
      dead.apiKey,
      WRONG_KEY,
      UPSTREAM_SECRET,
    ])
      expect(everything).not.toContain(secret);
    expect(everything.toLowerCase()).not.toContain("bearer");
  });
});
