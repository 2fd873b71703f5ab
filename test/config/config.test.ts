import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";

describe("loadConfig", () => {
  it("gives the documented defaults with an empty environment", () => {
    const c = loadConfig({});
    expect(c.database.url).toBeUndefined();
    expect(c.dataDir).toBe("./data");
    expect(c.http).toMatchObject({
      bindHost: "127.0.0.1",
      adminPort: 7843,
      prePort: 8645,
      postPort: 8646,
      trustProxy: false,
    });
    expect(c.admin).toMatchObject({ username: "admin", password: undefined, sessionTtlHours: 8 });
    expect(c.audit).toMatchObject({ maxBytes: 65536, retentionDays: 90 });
    expect(c.gateway).toMatchObject({
      maxRequestBytes: 10 * 1024 * 1024,
      upstreamTimeoutMs: 300_000,
      rateLimitStore: "memory",
    });
    expect(c.shutdownGraceMs).toBe(10_000);
    expect(c.log.level).toBe("info");
    expect(Object.isFrozen(c) && Object.isFrozen(c.http)).toBe(true);
  });

  it("names the variable and the problem, never the secret value", () => {
    expect(() => loadConfig({ HERMES_ADMIN_PORT: "abc" })).toThrow(ConfigError);
    expect(() => loadConfig({ HERMES_ADMIN_PORT: "abc" })).toThrow(/^HERMES_ADMIN_PORT: /);
    expect(() => loadConfig({ HERMES_ADMIN_PORT: "70000" })).toThrow(/HERMES_ADMIN_PORT: must be between/);
    const secret = "fifteen-chars!!";
    let message = "";
    try {
      loadConfig({ HERMES_ADMIN_PASSWORD: secret });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe("HERMES_ADMIN_PASSWORD: must be at least 16 characters (got 15)");
    expect(message).not.toContain(secret);
  });

  it("rejects bad URLs, stores and ports", () => {
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(/^DATABASE_URL:/);
    expect(() => loadConfig({ HERMES_PRE_UPSTREAM_URL: "ftp://x" })).toThrow(/^HERMES_PRE_UPSTREAM_URL:/);
    expect(() => loadConfig({ HERMES_RATE_LIMIT_STORE: "redis" })).toThrow(/^REDIS_URL:/);
    expect(() => loadConfig({ HERMES_ADMIN_PORT: "8645" })).toThrow(/three different ports/);
    expect(() => loadConfig({ LOG_LEVEL: "loud" })).toThrow(/^LOG_LEVEL:/);
  });

  it("treats empty strings as unset, as compose passes them", () => {
    const c = loadConfig({ DATABASE_URL: "", HERMES_ADMIN_PASSWORD: "", HERMES_ADMIN_PORT: "" });
    expect(c.database.url).toBeUndefined();
    expect(c.admin.password).toBeUndefined();
    expect(c.http.adminPort).toBe(7843);
  });

  it("accepts a 16-character password and a hex secret key", () => {
    const c = loadConfig({ HERMES_ADMIN_PASSWORD: "x".repeat(16), HERMES_SECRET_KEY: "ab".repeat(32) });
    expect(c.admin.password).toHaveLength(16);
    expect(c.secrets.secretKey).toHaveLength(32);
  });

  it("reads where Hermes state lives and which Hermes proxies to run", () => {
    const d = loadConfig({}).hermes;
    expect(d).toMatchObject({
      home: "/home/hermes/.hermes",
      codexHome: "/home/hermes/.codex",
      claudeHome: "/home/hermes/.claude",
      geminiHome: "/home/hermes/.gemini",
      stateRoots: ["/home/hermes"],
      bin: "/home/hermes/.hermes/hermes-agent/venv/bin/hermes",
      proxyProviders: { pre: undefined, post: undefined },
      healthIntervalSeconds: 60,
    });
    const c = loadConfig({
      HERMES_HOME: "/srv/h/.hermes/",
      HERMES_STATE_ROOTS: "/srv/h, /srv/other/../tenants",
      HERMES_PRE_AI_PROVIDER: "nous",
      HERMES_POST_AI_PROVIDER: "openai-codex",
      HERMES_HEALTH_INTERVAL_SECONDS: "0",
      PATH: "/usr/bin",
      DATABASE_URL: "postgres://u:p@h/db",
    }).hermes;
    expect(c).toMatchObject({
      home: "/srv/h/.hermes",
      stateRoots: ["/srv/h", "/srv/tenants"],
      proxyProviders: { pre: "nous", post: "openai-codex" },
      healthIntervalSeconds: 0,
    });
    // The supervised hermes child inherits only harmless variables, never the service's own secrets.
    expect(c.childEnv).toEqual({ PATH: "/usr/bin" });
    expect(() => loadConfig({ HERMES_HOME: "relative/.hermes" })).toThrow(
      /^HERMES_HOME: must be an absolute/,
    );
    expect(() => loadConfig({ HERMES_STATE_ROOTS: "/ok, relative" })).toThrow(/^HERMES_STATE_ROOTS: /);
    expect(() => loadConfig({ HERMES_PRE_AI_PROVIDER: "Nous Portal" })).toThrow(/^HERMES_PRE_AI_PROVIDER: /);
  });
});
