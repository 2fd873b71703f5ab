import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestSessionToken } from "../../src/admin-auth/admin-auth.service.js";
import { ADMIN_ENV, ADMIN_PASSWORD, AdminClient } from "../admin/admin-client.js";
import { startTestService, type TestService } from "../harness/test-service.js";

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService({ env: ADMIN_ENV });
});
afterAll(async () => {
  await svc.close();
});

function cookieAttributes(setCookie: string): Record<string, string | true> {
  const [, ...attrs] = setCookie.split(";").map((s) => s.trim());
  return Object.fromEntries(
    attrs.map((a) => {
      const [k, v] = a.split("=");
      return [k!.toLowerCase(), v ?? true];
    }),
  );
}

async function sessionCount(): Promise<number> {
  const rows = await svc.db.selectFrom("admin_sessions").select("token_digest").execute();
  return rows.length;
}

describe("admin login, me, logout", () => {
  it("logs in, answers me, logs out and forgets the session server-side", async () => {
    const client = new AdminClient(svc.urls.admin);
    const login = await client.login();
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ username: "admin", role: "owner" });
    const token = svc.secret(client.cookie!.split("=")[1]!);

    const me = await client.get<{ username: string; expires_at: string }>("/api/auth/me");
    expect(me.status).toBe(200);
    expect(me.body.username).toBe("admin");
    const ttlMs = Date.parse(me.body.expires_at) - Date.now();
    expect(ttlMs).toBeGreaterThan(7.9 * 3600_000);
    expect(ttlMs).toBeLessThanOrEqual(8 * 3600_000);

    // Only the digest is stored, never the token.
    const rows = await svc.db.selectFrom("admin_sessions").selectAll().execute();
    expect(rows.some((r) => r.token_digest === digestSessionToken(token))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(token);

    const out = await client.post("/api/auth/logout");
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/hermes_session=;.*Max-Age=0/i);
    const gone = await svc.db
      .selectFrom("admin_sessions")
      .select("token_digest")
      .where("token_digest", "=", digestSessionToken(token))
      .execute();
    expect(gone).toHaveLength(0);
    // The old cookie is dead even if a client keeps sending it.
    expect((await client.get("/api/auth/me")).status).toBe(401);
    expect((await client.get("/api/admin/status")).status).toBe(401);
  });

  it("sets hermes_session HttpOnly, SameSite=Strict, Path=/ and not Secure over plain HTTP", async () => {
    const client = new AdminClient(svc.urls.admin);
    const login = await client.login();
    svc.secret(client.cookie!.split("=")[1]!);
    const setCookie = login.headers.get("set-cookie")!;
    expect(setCookie.startsWith("hermes_session=")).toBe(true);
    const attrs = cookieAttributes(setCookie);
    expect(attrs.httponly).toBe(true);
    expect(attrs.samesite).toBe("Strict");
    expect(attrs.path).toBe("/");
    expect(attrs.secure).toBeUndefined();
    // X-Forwarded-Proto is ignored without HERMES_TRUST_PROXY.
    const res = await fetch(`${svc.urls.admin}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-proto": "https" },
      body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }),
    });
    expect(res.status).toBe(200);
    const forwarded = res.headers.get("set-cookie")!;
    svc.secret(forwarded.split(";")[0]!.split("=")[1]!);
    expect(cookieAttributes(forwarded).secure).toBeUndefined();
  });

  it("answers 401 for a wrong password, a wrong username and a missing session", async () => {
    const client = new AdminClient(svc.urls.admin);
    const wrongPassword = svc.secret("wrong-password-typed-by-someone");
    const bad = await client.login("admin", wrongPassword);
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ error: { message: "Invalid username or password.", code: "unauthorized" } });
    expect(bad.headers.get("set-cookie")).toBeNull();
    // A password typed into the username field must not end up in the trail or the logs either.
    const typedIntoUsername = svc.secret("my-secret-password-in-the-username-box");
    expect((await client.login(typedIntoUsername, ADMIN_PASSWORD)).status).toBe(401);
    expect((await client.get("/api/auth/me")).status).toBe(401);

    const failed = await svc.db
      .selectFrom("admin_events")
      .selectAll()
      .where("action", "=", "auth.login_failed")
      .execute();
    expect(failed.map((e) => e.actor).sort()).toEqual(["admin", "unknown"]);
    expect(JSON.stringify(failed)).not.toContain(wrongPassword);
    expect(JSON.stringify(failed)).not.toContain(typedIntoUsername);
    const logged = svc.logs.lines().filter((l) => l.msg === "admin: failed login");
    expect(logged.length).toBeGreaterThanOrEqual(2);
    expect(logged[0]).toMatchObject({ ip: "127.0.0.1" });
  });

  it("issues a new token on every login and never accepts a planted one", async () => {
    const a = new AdminClient(svc.urls.admin);
    const b = new AdminClient(svc.urls.admin);
    // A cookie an attacker planted before the login is replaced, not adopted.
    a.cookie = "hermes_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    expect((await a.get("/api/auth/me")).status).toBe(401);
    await a.login();
    await b.login();
    svc.secret(a.cookie.split("=")[1]!);
    svc.secret(b.cookie!.split("=")[1]!);
    expect(a.cookie).not.toBe("hermes_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    expect(a.cookie).not.toBe(b.cookie);
    expect((await a.get("/api/auth/me")).status).toBe(200);
    expect((await b.get("/api/auth/me")).status).toBe(200);
  });

  it("refuses a session past its TTL and purges expired rows at the next login", async () => {
    const client = new AdminClient(svc.urls.admin);
    await client.login();
    const token = svc.secret(client.cookie!.split("=")[1]!);
    expect((await client.get("/api/admin/status")).status).toBe(200);
    await svc.db
      .updateTable("admin_sessions")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("token_digest", "=", digestSessionToken(token))
      .execute();
    expect((await client.get("/api/admin/status")).status).toBe(401);
    expect((await client.get("/api/auth/me")).status).toBe(401);

    const before = await sessionCount();
    const other = new AdminClient(svc.urls.admin);
    await other.login();
    svc.secret(other.cookie!.split("=")[1]!);
    const expired = await svc.db
      .selectFrom("admin_sessions")
      .select("token_digest")
      .where("expires_at", "<=", new Date())
      .execute();
    expect(expired).toHaveLength(0);
    expect(await sessionCount()).toBe(before); // one purged, one added
  });

  it("records login and logout in the action trail with actor and IP", async () => {
    const client = new AdminClient(svc.urls.admin);
    await client.login();
    svc.secret(client.cookie!.split("=")[1]!);
    await client.post("/api/auth/logout");
    const events = await svc.db
      .selectFrom("admin_events")
      .selectAll()
      .where("action", "in", ["auth.login", "auth.logout"])
      .orderBy("id", "desc")
      .limit(2)
      .execute();
    expect(events.map((e) => e.action)).toEqual(["auth.logout", "auth.login"]);
    for (const e of events) expect(e).toMatchObject({ actor: "admin", ip: "127.0.0.1" });
  });

  it("rejects a malformed login body with a clear 400", async () => {
    const client = new AdminClient(svc.urls.admin);
    const res = await client.post("/api/auth/login", { username: "admin" });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: "invalid_request" } });
    expect((res.body as { error: { message: string } }).error.message).toMatch(/^password:/);
    const notJson = await fetch(`${svc.urls.admin}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe("invalid_json");
  });
});

describe("admin login behind a trusted proxy", () => {
  let proxied: TestService;
  beforeAll(async () => {
    proxied = await startTestService({ env: { ...ADMIN_ENV, HERMES_TRUST_PROXY: "true" } });
  });
  afterAll(async () => {
    await proxied.close();
  });

  it("marks the cookie Secure when X-Forwarded-Proto is https and records the forwarded IP", async () => {
    const res = await fetch(`${proxied.urls.admin}/api/auth/login`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-forwarded-proto": "https",
        "x-forwarded-for": "198.51.100.7, 203.0.113.9",
      },
      body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }),
    });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get("set-cookie")!;
    proxied.secret(setCookie.split(";")[0]!.split("=")[1]!);
    expect(cookieAttributes(setCookie).secure).toBe(true);
    const login = await proxied.db
      .selectFrom("admin_events")
      .selectAll()
      .where("action", "=", "auth.login")
      .executeTakeFirstOrThrow();
    expect(login.ip).toBe("203.0.113.9");
  });
});
