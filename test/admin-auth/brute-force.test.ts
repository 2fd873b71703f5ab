import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_ENV, ADMIN_PASSWORD } from "../admin/admin-client.js";
import { startTestService, type TestService } from "../harness/test-service.js";

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService({ env: { ...ADMIN_ENV, HERMES_TRUST_PROXY: "true" } });
});
afterAll(async () => {
  await svc.close();
});

/** Each test uses its own client IP (trusted X-Forwarded-For), so the per-IP budgets do not interfere. */
async function attempt(ip: string, password: string, username = "admin") {
  const res = await fetch(`${svc.urls.admin}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": ip },
    body: JSON.stringify({ username, password }),
  });
  const setCookie = res.headers.get("set-cookie");
  if (setCookie) svc.secret(setCookie.split(";")[0]!.split("=")[1]!);
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
}

describe("login brute-force limiter", () => {
  it("answers 429 with retry-after after 10 consecutive failures, even for the right password", async () => {
    const ip = "198.51.100.10";
    const wrong = svc.secret("not-the-admin-password-0");
    for (let i = 0; i < 10; i++) expect((await attempt(ip, wrong)).status).toBe(401);
    const blocked = await attempt(ip, ADMIN_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual({
      error: { message: "Too many failed logins. Try again later.", code: "rate_limit_exceeded" },
    });
    const retryAfter = Number(blocked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Another IP is not affected.
    expect((await attempt("198.51.100.11", ADMIN_PASSWORD)).status).toBe(200);
    expect(svc.logs.lines().some((l) => l.msg === "admin: login blocked (too many failures)")).toBe(true);
  });

  it("resets the username+IP counter on a successful login", async () => {
    const ip = "198.51.100.20";
    const wrong = svc.secret("not-the-admin-password-1");
    for (let i = 0; i < 9; i++) expect((await attempt(ip, wrong)).status).toBe(401);
    expect((await attempt(ip, ADMIN_PASSWORD)).status).toBe(200);
    // Without the reset, the second of these would be the 11th failure and answer 429.
    for (let i = 0; i < 10; i++) expect((await attempt(ip, wrong)).status).toBe(401);
    expect((await attempt(ip, wrong)).status).toBe(429);
  });

  it("lets at most 10 of 25 parallel guesses be checked; the rest answer 429 at once", async () => {
    const ip = "198.51.100.30";
    const wrong = svc.secret("not-the-admin-password-2");
    const results = await Promise.all(Array.from({ length: 25 }, () => attempt(ip, wrong)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
  });
});
