import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAccountIdentities, readAccounts } from "../../src/hermes/accounts.service.js";
import { decodeJwtClaims, expiryState } from "../../src/hermes/expiry.js";
import type { HermesScope } from "../../src/hermes/hermes-scope.js";
import {
  copyFixtureRoot,
  snapshotTree,
  type FixtureKind,
  type FixtureRoot,
} from "../fixtures/hermes/fixture-homes.js";
import { expectNoPlantedSecrets } from "../fixtures/hermes/planted-secrets.js";

const NOW = new Date("2026-12-03T00:00:00Z");
let fx: FixtureRoot;
beforeAll(() => {
  fx = copyFixtureRoot(["complete", "older", "corrupt", "partial", "empty"]);
});
afterAll(() => fx.cleanup());

function scopeOf(kind: FixtureKind, profile = "default"): HermesScope {
  const home = fx.homeOf(kind);
  const parent = path.dirname(home);
  return {
    tenantId: kind,
    home,
    profile,
    dir: profile === "default" ? home : path.join(home, "profiles", profile),
    activeProfile: profile === "default",
    roots: [fx.root],
    cliHomes: {
      codex: path.join(parent, ".codex"),
      claude: path.join(parent, ".claude"),
      gemini: path.join(parent, ".gemini"),
    },
  };
}

async function both(kind: FixtureKind, now = NOW, profile = "default") {
  const accounts = await readAccounts(scopeOf(kind, profile), now);
  const identities = await readAccountIdentities(scopeOf(kind, profile), now);
  expectNoPlantedSecrets(JSON.stringify(accounts), `${kind} accounts`);
  expectNoPlantedSecrets(JSON.stringify(identities), `${kind} identities`);
  return { accounts, identities };
}

describe("credential pools", () => {
  it("show every entry with its status, error and secret as a fingerprint or a last-4 preview", async () => {
    const { accounts } = await both("complete");
    expect(accounts.active_provider).toBe("nous");
    expect(accounts.pools.map((p) => [p.provider, p.strategy, p.strategy_source])).toEqual([
      ["openrouter", "round_robin", "config"],
      ["anthropic", "least_used", "config"],
      ["nous", "fill_first", "default"],
      ["custom:local-vllm", "fill_first", "default"],
    ]);
    const [manual, env] = accounts.pools[0]!.entries;
    expect(manual).toMatchObject({
      id: "a1b2c3",
      label: "team key",
      auth_type: "api_key",
      source: "manual",
      borrowed: false,
      priority: 0,
      status: "ok",
      status_at: "2025-11-30T08:06:40.500Z",
      error: null,
      request_count: 42,
      base_url: "https://openrouter.ai/api/v1",
    });
    expect(manual!.secret).toMatchObject({ kind: "preview" });
    expect((manual!.secret as { preview: string }).preview).toMatch(/^…[A-Za-z0-9]{4}$/);
    expect(env).toMatchObject({
      source: "env:OPENROUTER_API_KEY",
      borrowed: true,
      status: "exhausted",
      error: {
        code: 429,
        reason: "rate_limited",
        message: "Rate limit exceeded for this key",
        reset_at: "2100-01-01T00:00:00.000Z",
      },
      secret: { kind: "fingerprint", fingerprint: "sha256:0123456789abcdef" },
    });
    expect(accounts.pools[0]!.suppressed_sources).toEqual(["env:OPENROUTER_API_KEY_OLD"]);
    const [claudeCode, pkce] = accounts.pools[1]!.entries;
    expect(claudeCode).toMatchObject({
      borrowed: true,
      expiry: "valid",
      expires_at: "2100-01-01T00:00:00.000Z",
    });
    expect(pkce).toMatchObject({
      source: "hermes_pkce",
      borrowed: false,
      status: "dead",
      failure_reason: "auth",
      expiry: "expired",
      has_refresh_token: true,
      error: { code: 401, reason: "invalid_grant" },
    });
    expect(accounts.pools[2]!.entries[0]).toMatchObject({
      source: "device_code",
      status: null,
      inference_base_url: "https://inference-api.nousresearch.com/v1",
      agent_key_expires_at: "2100-01-01T00:00:00.000Z",
    });
  });

  it("show the singleton provider logins with expiry, and the Codex account from the id_token", async () => {
    const { accounts } = await both("complete");
    const byId = Object.fromEntries(accounts.providers.map((p) => [p.provider, p]));
    expect(Object.keys(byId)).toEqual([
      "nous",
      "openai-codex",
      "xai-oauth",
      "minimax-oauth",
      "qwen-oauth",
      "spotify",
    ]);
    expect(byId.nous).toMatchObject({
      label: "nous@example.com",
      logged_in_at: "2026-11-30T09:00:00.000Z",
      expiry: "valid",
      has_access_token: true,
      has_refresh_token: true,
    });
    expect(byId["openai-codex"]!.account).toEqual({
      email: "coder@example.com",
      plan: "pro",
      account_id: "acct-1234",
      user_id: "user-abc",
    });
    expect(byId["openai-codex"]!.expiry).toBe("valid");
    expect(byId["minimax-oauth"]).toMatchObject({
      expiry: "expired",
      base_url: "https://api.minimax.io/anthropic",
    });
    expect(byId["qwen-oauth"]).toMatchObject({ expiry: "unknown", has_access_token: false });
  });

  it("read an older shape: ISO times, missing ids, unknown keys, non-object entries, a pool that is not a list", async () => {
    const { accounts, identities } = await both("older");
    expect(accounts.auth_version).toBeNull();
    const openrouter = accounts.pools.find((p) => p.provider === "openrouter")!;
    expect(openrouter.skipped_entries).toBe(1);
    expect(openrouter.entries[0]).toMatchObject({
      status: "exhausted",
      status_at: "2026-01-02T03:04:05.000Z",
      error: { code: 402, reset_at: "2026-01-02T04:04:05.000Z" },
      priority: null,
    });
    expect(openrouter.entries[1]).toMatchObject({ id: null, label: "no id, no status", status: null });
    expect(accounts.pools.find((p) => p.provider === "gemini")!.entries).toEqual([]);
    expect(identities.claude).toMatchObject({ subscription_type: null, expiry: "expired" });
    expect(identities.codex.file.status).toBe("not_present");
  });

  it("a non-default profile falls back per provider to the root's auth.json", async () => {
    const { accounts } = await both("complete", NOW, "work");
    expect(accounts.root_auth_file?.status).toBe("ok");
    expect(accounts.pools.map((p) => [p.provider, p.from_root])).toEqual([
      ["openrouter", false],
      ["anthropic", true],
      ["nous", true],
      ["custom:local-vllm", true],
    ]);
    expect(accounts.pools[0]!.entries.map((e) => e.label)).toEqual(["work key"]);
    expect(accounts.active_provider).toBe("openrouter");
    expect(accounts.providers.every((p) => p.from_root)).toBe(true);
  });

  it("say corrupt, partial and empty plainly, and never throw", async () => {
    const corrupt = await both("corrupt");
    expect(corrupt.accounts.auth_file).toMatchObject({ status: "corrupt", reason: "not valid JSON" });
    expect(corrupt.accounts.config_file.status).toBe("corrupt");
    expect(corrupt.accounts.pools).toEqual([]);
    expect(corrupt.identities.codex.file.status).toBe("corrupt");
    expect(corrupt.identities.claude.file.status).toBe("corrupt");
    expect(corrupt.identities.gemini.file.status).toBe("corrupt");
    expect(corrupt.identities.hermes_anthropic.file).toMatchObject({
      status: "corrupt",
      reason: "not a JSON object",
    });
    const partial = await both("partial");
    expect(partial.accounts.pools).toEqual([]);
    expect(partial.accounts.providers).toMatchObject([{ provider: "nous", expiry: "unknown" }]);
    const empty = await both("empty");
    expect(empty.accounts.auth_file.status).toBe("not_present");
    expect(empty.identities.gemini).toMatchObject({ email: null, expiry: "unknown", other_accounts: 0 });
  });
});

describe("account identities", () => {
  it("read Codex, Claude, Hermes' Anthropic login and Gemini, each expired / expiring / valid", async () => {
    const { identities } = await both("complete");
    expect(identities.codex).toMatchObject({
      account: { email: "coder@example.com", plan: "pro", account_id: "acct-1234" },
      last_refresh: "2026-11-29T08:00:00.000Z",
      expiry: "valid",
      has_refresh_token: true,
    });
    expect(identities.claude).toMatchObject({
      subscription_type: "max",
      scopes: ["user:inference", "user:profile"],
      expiry: "valid",
    });
    expect(identities.hermes_anthropic).toMatchObject({ expiry: "valid", has_refresh_token: true });
    expect(identities.gemini).toMatchObject({
      email: "gem@example.com",
      active_account: "gem@example.com",
      other_accounts: 1,
      expiry: "expired",
    });
    expect(identities.hermes_google_legacy).toMatchObject({
      project_id: "proj-123",
      email: "old-gemini@example.com",
    });
    // Twelve hours before everything valid runs out, it is all "expiring".
    const late = await both("complete", new Date("2099-12-31T12:00:00Z"));
    expect([
      late.identities.codex.expiry,
      late.identities.claude.expiry,
      late.identities.hermes_anthropic.expiry,
    ]).toEqual(["expiring", "expiring", "expiring"]);
  });

  it("decode JWT claims without verifying, and reject what is not a JWT", () => {
    const payload = Buffer.from(JSON.stringify({ email: "a@b.c", exp: 1 })).toString("base64url");
    expect(decodeJwtClaims(`x.${payload}.sig`)).toEqual({ email: "a@b.c", exp: 1 });
    for (const bad of [
      null,
      42,
      "",
      "abc",
      "a..b",
      "a.!!!.c",
      `a.${Buffer.from("[1]").toString("base64url")}.c`,
    ]) {
      expect(decodeJwtClaims(bad)).toBeNull();
    }
    expect(expiryState(null, NOW)).toBe("unknown");
    expect(expiryState(new Date(NOW.getTime() + 1000), NOW)).toBe("expiring");
  });

  it("reading writes nothing", async () => {
    const before = snapshotTree(fx.root);
    for (const kind of ["complete", "older", "corrupt", "partial", "empty"] as const) await both(kind);
    expect(snapshotTree(fx.root)).toEqual(before);
  });
});
