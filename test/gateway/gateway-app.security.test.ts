import http from "node:http";
import { describe, expect, it } from "vitest";
import {
  commonRouteTests,
  type CommonRouteContext,
  type RouteUnderTest,
} from "../harness/common-route-tests.js";
import type { FakeUpstream } from "../harness/fake-upstream.js";
import { createApiUser } from "../harness/seed.js";
import type { TestService } from "../harness/test-service.js";
import { post, useGatewayFixture } from "./kit.js";

let svc: TestService;
let upstream: FakeUpstream;
let tenantId: string;

useGatewayFixture((f) => ({ svc, upstream, tenantId } = f));

const ROUTES: RouteUnderTest[] = [
  {
    method: "POST",
    path: "/v1/chat/completions",
    body: { model: "m", messages: [{ role: "user", content: "hi" }] },
  },
  { method: "POST", path: "/v1/completions", body: { model: "m", prompt: "hi" } },
  { method: "POST", path: "/v1/embeddings", body: { model: "e", input: "hi" } },
  { method: "POST", path: "/v1/responses", body: { model: "m", input: "hi" } },
  { method: "GET", path: "/v1/models" },
];

const ctx = (): CommonRouteContext => ({ svc, upstream, tenantId });

describe("every gateway route enforces keys and scopes", () => {
  for (const route of ROUTES) commonRouteTests(route, ctx);
});

describe("paths outside the API", () => {
  it("answers 404 in the OpenAI envelope for unknown paths, without contacting the upstream", async () => {
    const { apiKey } = await createApiUser(svc, { tenantId });
    const before = upstream.requests.length;
    const r = await post(`${svc.urls.pre}/v1/files`, "{}", {
      "content-type": "application/json",
      authorization: `Bearer ${apiKey}`,
    });
    expect(r.status).toBe(404);
    expect(r.json).toEqual({
      error: {
        message: "Invalid URL (POST /v1/files)",
        type: "invalid_request_error",
        param: null,
        code: null,
      },
    });
    const g = await fetch(`${svc.urls.post}/v2/chat/completions`);
    expect(g.status).toBe(404);
    expect(upstream.requests.length).toBe(before);
  });

  it("does not let a client forge identity headers or pass its cookies and key upstream", async () => {
    const { apiKey, apiUser } = await createApiUser(svc, { tenantId });
    const r = await post(
      `${svc.urls.pre}/v1/chat/completions`,
      JSON.stringify({ model: "m", messages: [] }),
      {
        "content-type": "application/json",
        authorization: `Bearer ${apiKey}`,
        cookie: "session=abc",
        "x-hermes-session-key": "other-tenant:usr_victim",
        "x-hms-user-id": "usr_victim",
        "x-request-id": "req_client_chosen",
        "x-custom-client": "kept",
      },
    );
    expect(r.status).toBe(200);
    expect(r.headers.get("x-request-id")).not.toBe("req_client_chosen");
    const got = upstream.requests.at(-1)!;
    expect(got.headers["x-hermes-session-key"]).toBe(`${tenantId}:${apiUser.id}`);
    expect(got.headers["x-hms-user-id"]).toBe(apiUser.id);
    expect(got.headers["x-request-id"]).toBe(r.headers.get("x-request-id"));
    expect(got.headers.cookie).toBeUndefined();
    expect(got.headers.authorization).toBeUndefined();
    expect(got.headers["x-custom-client"]).toBe("kept");
  });

  it("strips hop-by-hop headers, including those the client names in Connection", async () => {
    const { apiKey } = await createApiUser(svc, { tenantId });
    const body = JSON.stringify({ model: "m", messages: [] });
    const url = new URL(`${svc.urls.pre}/v1/chat/completions`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            authorization: `Bearer ${apiKey}`,
            connection: "keep-alive, x-private-hop",
            "x-private-hop": "secret-ish",
            "keep-alive": "timeout=5",
            "proxy-authorization": "Basic abc",
            te: "trailers",
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    expect(status).toBe(200);
    const got = upstream.requests.at(-1)!.headers;
    expect(got["x-private-hop"]).toBeUndefined();
    expect(got["proxy-authorization"]).toBeUndefined();
    expect(got["keep-alive"]).toBeUndefined();
    expect(got.te).toBeUndefined();
  });
});
