import fs from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelConfigView } from "../../src/admin/routes/hermes/model.js";
import { startTestService, type TestService } from "../harness/test-service.js";
import { copyFixtureRoot, type FixtureRoot } from "../fixtures/hermes/fixture-homes.js";
import { expectNoPlantedSecrets } from "../fixtures/hermes/planted-secrets.js";
import { ADMIN_ENV, signedInClient, type AdminClient } from "./admin-client.js";

let fx: FixtureRoot;
let svc: TestService;
let admin: AdminClient;
const configPath = () => path.join(fx.home, "config.yaml");
const read = () => fs.readFileSync(configPath(), "utf8");
const MODEL = "/api/admin/tenants/default/hermes/model";

beforeAll(async () => {
  fx = copyFixtureRoot(["complete", "older", "empty", "corrupt"]);
  // A mode git would never check out, so keeping it proves the edit copies the mode rather than a default.
  fs.chmodSync(configPath(), 0o640);
  svc = await startTestService({ env: { ...ADMIN_ENV, ...fx.env } });
  admin = await signedInClient(svc);
  for (const [id, kind] of [
    ["older", "older"],
    ["empty", "empty"],
    ["corrupt", "corrupt"],
  ] as const) {
    await admin.post("/api/admin/tenants", { id, name: id, hermes_home: fx.homeOf(kind) });
  }
});
afterAll(async () => {
  await svc?.close();
  fx.cleanup();
});

async function view(url = MODEL) {
  const res = await admin.get<ModelConfigView>(url);
  expect(res.status).toBe(200);
  expectNoPlantedSecrets(res.text, url);
  return res.body;
}

describe("GET …/hermes/model", () => {
  it("shows the model, the fallbacks and the effective chain as Hermes computes it, with no secret", async () => {
    const v = await view();
    expect(v.etag).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(v.model).toEqual({
      form: "mapping",
      default: "anthropic/claude-sonnet-4",
      name_key: "default",
      provider: "openrouter",
      base_url: "${OPENROUTER_BASE_URL}",
      api_mode: null,
      has_api_key: true,
      other_keys: ["context_length"],
    });
    expect(v.fallback_providers.map((f) => [f.provider, f.model, f.has_api_key, f.skipped])).toEqual([
      ["nous", "Hermes-4-405B", false, null],
      ["custom:local-vllm", "qwen3-32b", true, null],
      ["xai", "grok-4", false, null],
    ]);
    // fallback_model duplicates the first entry (case-insensitively): Hermes drops it.
    expect(v.effective_chain).toEqual([
      {
        source: "fallback_providers",
        index: 0,
        provider: "nous",
        model: "Hermes-4-405B",
        base_url: null,
        api_mode: null,
      },
      {
        source: "fallback_providers",
        index: 1,
        provider: "custom:local-vllm",
        model: "qwen3-32b",
        base_url: "http://127.0.0.1:8000/v1",
        api_mode: null,
      },
      {
        source: "fallback_providers",
        index: 2,
        provider: "xai",
        model: "grok-4",
        base_url: null,
        api_mode: null,
      },
    ]);
    expect(v.providers.custom).toEqual(["local-vllm", "work-proxy"]);
    expect(v.providers.known).toContain("openai-codex");
  });

  it("reads an older shape (model.model, fallback_model as a list) and a profile without config", async () => {
    const older = await view("/api/admin/tenants/older/hermes/model");
    expect(older.model).toMatchObject({
      form: "mapping",
      default: "gpt-4o",
      name_key: "model",
      provider: "openai-api",
    });
    expect(older.fallback_model.map((f) => f.skipped)).toEqual([null, null, "no provider"]);
    expect(older.effective_chain).toEqual([
      {
        source: "fallback_model",
        index: 0,
        provider: "openrouter",
        model: "openai/gpt-4o-mini",
        base_url: null,
        api_mode: null,
      },
    ]);
    const work = await view(`${MODEL}?profile=research`);
    expect(work).toMatchObject({ profile: "research", etag: "absent", file: { status: "not_present" } });
    expect(work.model.form).toBe("absent");
    const corrupt = await view("/api/admin/tenants/corrupt/hermes/model");
    expect(corrupt).toMatchObject({ etag: null, file: { status: "corrupt" } });
  });
});

describe("PATCH …/hermes/model", () => {
  it("edits model and fallbacks in place: every other byte of the commented file stays as it was", async () => {
    const before = read();
    const mode = fs.statSync(configPath()).mode & 0o777;
    const v = await view();
    const res = await admin.patch<ModelConfigView>(MODEL, {
      etag: v.etag,
      model: {
        default: "nous/hermes-4-405b",
        provider: "nous",
        base_url: null,
        api_mode: "chat_completions",
      },
      fallback_providers: [
        { from_index: 2, provider: "xai", model: "grok-4-fast" },
        { from_index: 0, provider: "nous", model: "Hermes-4-405B" },
        { provider: "openrouter", model: "qwen/qwen3:8b", key_env: "OPENROUTER_API_KEY" },
      ],
    });
    expect(res.status).toBe(200);
    const after = read();
    const expected = before
      .replace(
        "  default: anthropic/claude-sonnet-4   # primary\n",
        "  default: nous/hermes-4-405b   # primary\n",
      )
      .replace("  provider: openrouter\n  base_url: ${OPENROUTER_BASE_URL}\n", "  provider: nous\n")
      .replace("  context_length: 200000\n", "  context_length: 200000\n  api_mode: chat_completions\n")
      .replace(
        before.slice(
          before.indexOf("  - provider: nous\n"),
          before.indexOf("  - {provider: xai, model: grok-4}\n") +
            "  - {provider: xai, model: grok-4}\n".length,
        ),
        "  - {provider: xai, model: grok-4-fast}\n" +
          "  - provider: nous\n    model: Hermes-4-405B   # cheap and good\n" +
          "  - provider: openrouter\n    model: qwen/qwen3:8b\n    key_env: OPENROUTER_API_KEY\n",
      );
    expect(after).toBe(expected);
    // Comments, odd spacing, the ${ENV} reference elsewhere, the inline key and unknown keys: untouched.
    expect(after).toContain("  backend:    docker      # odd spacing on purpose\n");
    expect(after).toContain("# trailing comment at the end of the file\n");
    expect(fs.statSync(configPath()).mode & 0o777).toBe(mode);
    expect(res.body.etag).not.toBe(v.etag);
    expect(res.body.effective_chain.map((c) => `${c.provider}/${c.model}`)).toEqual([
      "xai/grok-4-fast",
      "nous/Hermes-4-405B",
      "openrouter/qwen/qwen3:8b",
    ]);
    expectNoPlantedSecrets(res.text, "PATCH response");
    // What Hermes (PyYAML, YAML 1.1) will read.
    const parsed = parseDocument(after, { version: "1.1" }).toJS() as Record<string, unknown>;
    expect(parsed.model).toMatchObject({
      default: "nous/hermes-4-405b",
      provider: "nous",
      api_mode: "chat_completions",
    });
  });

  it("keeps the previous file as a timestamped backup with the same mode, the last 10 only", async () => {
    const dir = fx.home;
    const backups = () =>
      fs
        .readdirSync(dir)
        .filter((n) => n.startsWith("config.yaml.bak-"))
        .sort();
    const first = backups();
    expect(first.length).toBeGreaterThanOrEqual(1);
    expect(fs.statSync(path.join(dir, first[0]!)).mode & 0o777).toBe(0o640);
    for (let i = 0; i < 12; i++) {
      const v = await view();
      const res = await admin.patch(MODEL, { etag: v.etag, model: { default: `nous/model-${i}` } });
      expect(res.status).toBe(200);
    }
    const all = backups();
    expect(all).toHaveLength(10);
    // The newest backup is the file as it was before the last edit.
    expect(fs.readFileSync(path.join(dir, all[9]!), "utf8")).toContain("default: nous/model-10");
    expect(read()).toContain("default: nous/model-11");
    // No temp file is left behind.
    expect(fs.readdirSync(dir).filter((n) => n.includes(".hcp-"))).toEqual([]);
  });

  it("answers 409 when the file changed since it was read, and writes nothing", async () => {
    const v = await view();
    fs.appendFileSync(configPath(), "# edited by hand meanwhile\n");
    const changed = read();
    const res = await admin.patch(MODEL, { etag: v.etag, model: "nous/other" });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: {
        code: "conflict",
        message: "config.yaml changed since it was read; reload it and apply the change again.",
      },
    });
    expect(read()).toBe(changed);
    const stale = await admin.patch(MODEL, { etag: "sha256:0", model: "nous/other" });
    expect(stale.status).toBe(409);
  });

  it("lets exactly one of two concurrent edits from the same read win; the other gets 409", async () => {
    const v = await view();
    const trailBefore = await svc.db
      .selectFrom("admin_events")
      .where("action", "=", "hermes.model.update")
      .execute();
    const results = await Promise.all(
      ["nous/concurrent-a", "nous/concurrent-b"].map((m) => admin.patch(MODEL, { etag: v.etag, model: m })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results[0]!.status === 200 ? "nous/concurrent-a" : "nous/concurrent-b";
    expect(read()).toContain(`default: ${winner}`);
    const trailAfter = await svc.db
      .selectFrom("admin_events")
      .where("action", "=", "hermes.model.update")
      .execute();
    expect(trailAfter.length).toBe(trailBefore.length + 1);
  });

  it("keeps the file's owner", async () => {
    if (process.getuid?.() !== 0) return; // only root can hand a file to another user
    fs.chownSync(configPath(), 4321, 4322);
    const v = await view();
    expect((await admin.patch(MODEL, { etag: v.etag, model: "nous/owned" })).status).toBe(200);
    const st = fs.statSync(configPath());
    expect([st.uid, st.gid]).toEqual([4321, 4322]);
  });

  it("rejects what Hermes would ignore, saying why and never quoting the value", async () => {
    const v = await view();
    const cases: [unknown, string][] = [
      [
        { model: { default: "m", provider: "no-such-provider-zz" } },
        "model.provider: not a Hermes provider id",
      ],
      [
        { fallback_providers: [{ provider: "custom:ghost-zz", model: "m" }] },
        "fallback_providers.0.provider: custom:<name> must name an entry",
      ],
      [
        { fallback_providers: [{ provider: "auto", model: "m" }] },
        "fallback_providers.0.provider: not a Hermes provider id",
      ],
      [
        { fallback_providers: [{ provider: "nous", model: "" }] },
        "fallback_providers.0.model: must not be empty: Hermes skips",
      ],
      [
        { fallback_providers: [{ provider: "nous", model: "m", api_mode: "zz-mode" }] },
        "fallback_providers.0.api_mode: must be one of chat_completions",
      ],
      [
        {
          fallback_providers: [
            { provider: "nous", model: "M" },
            { provider: "NOUS", model: "m", base_url: null },
          ],
        },
        "fallback_providers.1: has the same provider, model and base_url as entry 0; Hermes drops duplicates",
      ],
      [
        {
          fallback_providers: [
            { provider: "custom", model: "m", base_url: "https://u:zzsecret@h.example/v1" },
          ],
        },
        "fallback_providers.0.base_url: must not contain credentials",
      ],
      [
        { fallback_providers: [{ from_index: 9, provider: "nous", model: "m" }] },
        "fallback_providers.0.from_index: must be the index",
      ],
      [
        { fallback_providers: [{ provider: "nous", model: "m", key_env: "not a var" }] },
        "fallback_providers.0.key_env: must be the name",
      ],
      [{ model: { default: "" } }, "model.default: must not be empty"],
      [{ model: "line\nbreak" }, "model: must not contain control characters"],
    ];
    const before = read();
    for (const [change, message] of cases) {
      const res = await admin.patch<{ error: { code: string; message: string } }>(MODEL, {
        etag: v.etag,
        ...(change as object),
      });
      expect(res.status, message).toBe(400);
      expect(res.body.error.message.startsWith(message), `${res.body.error.message} vs ${message}`).toBe(
        true,
      );
      expect(res.text).not.toMatch(/zz/);
    }
    expect(read()).toBe(before);
    expect((await admin.patch(MODEL, { model: "x" })).status).toBe(400);
  });

  it("records each edit in the action trail with a before/after diff and no secrets", async () => {
    const v = await view();
    await admin.patch(MODEL, {
      etag: v.etag,
      fallback_providers: [{ from_index: 1, provider: "nous", model: "Hermes-4-70B" }],
      fallback_model: null,
    });
    const events = await svc.db
      .selectFrom("admin_events")
      .selectAll()
      .where("action", "=", "hermes.model.update")
      .orderBy("id", "desc")
      .execute();
    expect(events[0]).toMatchObject({ actor: "admin", target_type: "tenant", target_id: "default" });
    const diff = events[0]!.diff as Record<string, Record<string, unknown>>;
    expect(diff.profile).toBe("default");
    expect(diff.before!.fallback_model).toHaveLength(1);
    expect(diff.after!.fallback_model).toEqual([]);
    expect((diff.after!.fallback_providers as unknown[]).length).toBe(1);
    expect(diff.before!.model).toBeUndefined();
    expectNoPlantedSecrets(JSON.stringify(events), "the action trail");
    expect(read()).not.toContain("fallback_model:");
  });

  it("writes a config.yaml that did not exist, and refuses to edit a corrupt one", async () => {
    const v = await view("/api/admin/tenants/empty/hermes/model");
    expect(v.etag).toBe("absent");
    const res = await admin.patch<ModelConfigView>("/api/admin/tenants/empty/hermes/model", {
      etag: "absent",
      model: { default: "hermes-4", provider: "nous" },
    });
    expect(res.status).toBe(200);
    expect(fs.readFileSync(path.join(fx.homeOf("empty"), "config.yaml"), "utf8")).toBe(
      "model:\n  default: hermes-4\n  provider: nous\n",
    );
    expect(fs.statSync(path.join(fx.homeOf("empty"), "config.yaml")).mode & 0o777).toBe(0o600);
    const corrupt = await admin.patch("/api/admin/tenants/corrupt/hermes/model", {
      etag: "absent",
      model: "x",
    });
    expect(corrupt.status).toBe(409);
    expect(corrupt.text).toContain("not valid YAML");
    expectNoPlantedSecrets(corrupt.text, "corrupt 409");
  });

  it("never leaks a secret to the logs", () => {
    expectNoPlantedSecrets(svc.logs.text(), "the logs");
  });
});
