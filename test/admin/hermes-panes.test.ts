import fs from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CronOutputsView, CronOutputView, CronView } from "../../src/admin/routes/hermes/cron.js";
import type {
  HooksView,
  McpView,
  ToolsView,
  WebhooksView,
} from "../../src/admin/routes/hermes/integrations.js";
import type {
  KanbanView,
  MemoryContentView,
  MemoryView,
  TaskView,
} from "../../src/admin/routes/hermes/memory-kanban.js";
import type {
  BundlesView,
  PluginsView,
  SkillContentView,
  SkillsView,
} from "../../src/admin/routes/hermes/skills.js";
import type {
  LogTailView,
  ProfileSummariesView,
  SecurityView,
  StatusView,
  StorageView,
} from "../../src/admin/routes/hermes/system.js";
import { expectNoPlantedSecrets } from "../fixtures/hermes/planted-secrets.js";
import { paneUrl, startPaneService, type PaneSetup } from "./hermes-pane-setup.js";

let s: PaneSetup;
beforeAll(async () => {
  s = await startPaneService();
}, 120_000);
afterAll(async () => {
  await s?.close();
});

async function get<T>(tenant: string, pane: string, status = 200) {
  const res = await s.admin.get<T>(paneUrl(tenant, pane));
  expect(res.status, `${pane}: ${res.text.slice(0, 300)}`).toBe(status);
  expectNoPlantedSecrets(res.text, pane, s.secrets);
  return res.body;
}

describe("skills, bundles and plugins", () => {
  it("lists skills with front matter, enabled state, provenance and external sources", async () => {
    const v = await get<SkillsView>("default", "skills");
    const by = (name: string) => v.data.find((x) => x.name === name)!;
    expect(v.data.map((x) => x.id).sort()).toEqual([
      "external-1/team-style",
      "external-2/local-tool",
      "profile/broken",
      "profile/devops/deploy",
      "profile/old-notes",
      "profile/productivity/plan",
      "profile/research/arxiv",
    ]);
    expect(by("arxiv")).toMatchObject({
      category: "research",
      description: "Search arXiv papers and summarise them",
      version: "1.2.0",
      license: "MIT",
      platforms: ["linux", "macos"],
      prerequisites: { env_vars: ["ARXIV_MIRROR"], commands: ["curl"] },
      tags: ["research", "papers"],
      enabled: true,
      provenance: "bundled",
    });
    expect(by("deploy")).toMatchObject({
      provenance: "hub",
      hub_source: "github",
      disabled_on: ["telegram"],
      enabled: true,
      prerequisites: { env_vars: ["DEPLOY_TOKEN"] },
    });
    expect(by("old-notes")).toMatchObject({ enabled: false, provenance: "agent", category: null });
    expect(by("broken").file).toMatchObject({
      status: "corrupt",
      reason: expect.stringMatching(/^front matter is not valid YAML/),
    });
    expect(by("team-style").provenance).toBe("external");
    expect(v.sources.map((x) => [x.key, x.status])).toEqual([
      ["profile", "ok"],
      ["external-1", "ok"],
      ["external-2", "ok"],
      ["external-3", "unresolved"],
      ["external-4", "refused"],
    ]);
    expect(v.sources[4]!.reason).toBe("outside HERMES_STATE_ROOTS");

    const work = await get<SkillsView>("default", "skills?profile=work");
    expect(work.data.map((x) => x.id)).toContain("profile/standup");
    // A named profile also sees the root's shared skills.
    expect(work.sources.map((x) => x.kind)).toEqual(["profile", "shared_root"]);
    expect(work.data.map((x) => x.id)).toContain("shared/research/arxiv");
  });

  it("gives a SKILL.md body on demand by the listing's id, redacted, and nothing else", async () => {
    const body = await get<SkillContentView>("default", "skills/content?skill=profile%2Fdevops%2Fdeploy");
    expect(body.skill.name).toBe("deploy");
    expect(body.body!.text).toContain("Run `./deploy.sh` with the environment set:");
    expect(body.body!.text).toContain("export API_KEY=[redacted]");
    for (const bad of ["profile%2F..%2F..%2Fconfig.yaml", "profile%2Fnope", "%2Fetc%2Fpasswd"]) {
      const res = await s.admin.get(paneUrl("default", `skills/content?skill=${bad}`));
      expect(res.status).toBe(404);
      expect(res.text).not.toContain("passwd");
    }
    expect((await s.admin.get(paneUrl("default", "skills/content"))).status).toBe(400);
  });

  it("lists bundles with the skills they miss, and plugins with their opt-in state", async () => {
    const bundles = await get<BundlesView>("default", "bundles");
    expect(bundles.data.map((b) => [b.name, b.file.status, b.missing_skills])).toEqual([
      ["broken", "corrupt", []],
      ["operations", "ok", []],
      ["research", "ok", ["missing-one"]],
    ]);
    expect(bundles.data[2]!.instruction!.text).toBe("Start with arxiv, then plan the reading.\n");

    const plugins = await get<PluginsView>("default", "plugins");
    expect(plugins.data.map((p) => [p.key, p.state])).toEqual([
      ["corrupt", "not_enabled"],
      ["idle", "not_enabled"],
      ["image_gen/openai", "enabled"],
      ["spy", "disabled"],
      ["weather", "enabled"],
    ]);
    expect(plugins.data.find((p) => p.key === "weather")).toMatchObject({
      version: "1.0.0",
      requires_env: ["WEATHER_API_KEY"],
      provides_tools: ["get_forecast"],
    });
    expect(plugins.data.find((p) => p.key === "image_gen/openai")!.requires_env).toEqual(["OPENAI_API_KEY"]);
    expect(plugins.data.find((p) => p.key === "idle")!.has_dashboard_tab).toBe(true);
    expect(plugins.data.find((p) => p.key === "corrupt")!.file.status).toBe("corrupt");
    expect(plugins.enabled_but_missing).toEqual(["not-installed"]);
  });
});

describe("MCP servers, hooks, webhooks and tools", () => {
  it("shows MCP servers with env and header values masked, and whether an OAuth token is stored", async () => {
    const v = await get<McpView>("default", "mcp");
    const by = (n: string) => v.data.find((x) => x.name === n)!;
    expect(by("github")).toMatchObject({
      transport: "stdio",
      command: "npx",
      enabled: true,
      env: [
        { name: "GITHUB_PERSONAL_ACCESS_TOKEN", kind: "literal", references: [] },
        { name: "LOG_LEVEL", kind: "reference", references: ["MCP_LOG_LEVEL"] },
      ],
    });
    expect(by("github").args).toEqual(["-y", "@modelcontextprotocol/server-github", "--token=[redacted]"]);
    expect(by("linear")).toMatchObject({
      transport: "sse",
      url: "https://mcp.linear.app/sse",
      timeout: 60,
      connect_timeout: 10,
      auth: "oauth",
      headers: [
        { name: "Authorization", kind: "literal" },
        { name: "X-Team", kind: "reference", references: ["LINEAR_TEAM"] },
      ],
      oauth_token: { present: true, has_refresh_token: true, expires_at: "2100-01-01T00:00:00.000Z" },
    });
    expect(by("local-files")).toMatchObject({
      enabled: false,
      tools: { include: ["read_file"], exclude: [] },
    });
    expect(by("github").oauth_token).toMatchObject({ present: false, file: { status: "not_present" } });
  });

  it("lists event hooks and shell hooks with their consent", async () => {
    const v = await get<HooksView>("default", "hooks");
    expect(v.event_hooks.map((h) => [h.name, h.events, h.has_handler])).toEqual([
      ["audit", ["command:*"], false],
      ["notify", ["session:end", "agent:end"], true],
    ]);
    expect(v.auto_accept).toBe(false);
    expect(v.shell_hooks.map((h) => [h.event, h.known_event, h.consent])).toEqual([
      ["pre_tool_call", true, "approved"],
      ["on_session_end", true, "not_approved"],
      ["not_a_hook_event", false, "not_approved"],
    ]);
    expect(v.shell_hooks[0]).toMatchObject({ matcher: "terminal", timeout: 10 });
    expect(v.shell_hooks[1]!.command).toContain("[redacted]");
  });

  it("lists webhooks with secret_set only, and toolsets per platform", async () => {
    const v = await get<WebhooksView>("default", "webhooks");
    expect(v.adapter).toEqual({ enabled: true, host: "0.0.0.0", port: 8644 });
    expect(v.data.map((w) => [w.name, w.enabled, w.secret_set, w.url])).toEqual([
      ["github-push", true, true, "http://127.0.0.1:8644/webhooks/github-push"],
      ["stripe", false, false, "http://127.0.0.1:8644/webhooks/stripe"],
    ]);
    expect(JSON.stringify(v)).not.toMatch(/"secret"/);

    const tools = await get<ToolsView>("default", "tools");
    expect(tools.disabled_toolsets).toEqual(["browser"]);
    expect(tools.platforms).toEqual([
      { platform: "cli", toolsets: ["hermes-cli", "web"], from: "config", enabled: true },
      { platform: "telegram", toolsets: ["hermes-telegram", "web"], from: "config", enabled: true },
      { platform: "api_server", toolsets: ["hermes-api-server"], from: "config", enabled: false },
      { platform: "webhook", toolsets: ["hermes-webhook"], from: "default", enabled: true },
    ]);
  });
});

describe("cron and memory", () => {
  it("lists cron jobs with their runs from state.db and their outputs", async () => {
    const v = await get<CronView>("default", "cron");
    expect(v.data.map((j) => j.id)).toEqual(["0123456789ab", "fedcba987654"]); // "../evil" is not a job id
    const digest = v.data[0]!;
    expect(digest).toMatchObject({
      name: "daily digest",
      schedule: { kind: "cron", expr: "0 8 * * *", display: "every day at 08:00" },
      state: "scheduled",
      enabled: true,
      model: "anthropic/claude-sonnet-4",
      deliver: "telegram",
      repeat: { times: null, completed: 12 },
      last_status: "ok",
      outputs: { count: 2, latest: "2026-12-01_08-00-00.md" },
    });
    expect(digest.runs!.total).toBe(2);
    expect(digest.runs!.latest.map((r) => r.session_id)).toEqual([
      "cron_0123456789ab_20261201_080000",
      "cron_0123456789ab_20261130_080000",
    ]);
    const backup = v.data[1]!;
    expect(backup).toMatchObject({ state: "error", enabled: false, paused_reason: "too many failures" });
    expect(backup.last_error).toMatch(/^HTTP 401 from upstream with key \[redacted\]$/);
    expect(backup.runs!.latest[0]!.end_reason).toBe("error");
    expect(v.orphan_outputs).toEqual(["deadbeef0000"]);
    expect(v.ticker.heartbeat_at).toBe("2026-12-01T08:00:00.000Z");

    const outputs = await get<CronOutputsView>("default", "cron/0123456789ab/outputs?limit=1");
    expect(outputs.data.map((o) => o.name)).toEqual(["2026-12-01_08-00-00.md"]);
    const older = await get<CronOutputsView>(
      "default",
      `cron/0123456789ab/outputs?before=${outputs.next_cursor}`,
    );
    expect(older.data.map((o) => o.name)).toEqual(["2026-11-30_08-00-00.md"]);
    const one = await get<CronOutputView>("default", "cron/0123456789ab/outputs/2026-12-01_08-00-00.md");
    expect(one.content.text).toBe("# Digest 2026-12-01\n\nThe feed needed token: [redacted] to load.\n");
    await get("default", "cron/0123456789ab/outputs/nope.md", 404);
    await get("default", "cron/..%2F..%2Fconfig.yaml/outputs", 400);
    expect((await s.admin.get(paneUrl("default", "cron/a%20b/outputs"))).status).toBe(400);
  });

  it("splits memory on the full delimiter and measures it against the configured limits", async () => {
    const v = await get<MemoryView>("default", "memory");
    expect(v.provider).toBe("builtin");
    const [memory, user] = v.files;
    expect(memory).toMatchObject({ key: "memory", entries: 3, limit: 120, over_limit: true });
    expect(user).toMatchObject({ key: "user", entries: 1, limit: 1375, over_limit: false, chars: 46 });
    const content = await get<MemoryContentView>("default", "memory/memory");
    expect(content.entries.map((e) => e.text)).toEqual([
      "The operator prefers short answers.",
      "Deploys happen on Tuesdays; the § sign in a sentence is not a delimiter.",
      "The staging database password=[redacted] rotates monthly.",
    ]);
    expect((await s.admin.get(paneUrl("default", "memory/secrets"))).status).toBe(400);
  });
});

describe("kanban", () => {
  it("reads the root's boards (shared by profiles), the current one by default", async () => {
    const v = await get<KanbanView>("default", "kanban?profile=work");
    expect(v.boards.map((b) => [b.slug, b.current])).toEqual([
      ["default", false],
      ["ops", true],
    ]);
    expect(v).toMatchObject({ board: "ops", shared_by_profiles: true, total: 4, source: { status: "ok" } });
    expect(v.counts.by_status).toEqual(
      expect.arrayContaining([
        { value: "running", tasks: 1 },
        { value: "blocked", tasks: 1 },
      ]),
    );
    expect(v.counts.by_assignee).toContainEqual({ value: "default", tasks: 2 });
    expect(v.data.map((t) => t.id)).toEqual(["t_b0004", "t_b0003", "t_b0002", "t_b0001"]);
    expect(v.data[1]!.last_failure_error).toBe("403 with token=[redacted]");

    const filtered = await get<KanbanView>("default", "kanban?board=default&status=blocked");
    expect(filtered.data.map((t) => t.id)).toEqual(["t_a0003"]);
    const paged = await get<KanbanView>("default", "kanban?limit=3");
    const rest = await get<KanbanView>("default", `kanban?limit=3&cursor=${paged.next_cursor}`);
    expect([...paged.data, ...rest.data].map((t) => t.id)).toHaveLength(4);
    await get("default", "kanban?board=nope", 404);
    await get("default", "kanban?board=_archived", 400);
  });

  it("gives one task's comments, events, runs and links on demand", async () => {
    const v = await get<TaskView>("default", "kanban/tasks/t_b0002?board=ops");
    expect(v.task).toMatchObject({ title: "Migrate the database", status: "running", skills: ["deploy"] });
    expect(v.task.body!.text).toBe("Use password=[redacted] for the replica.");
    expect(v.comments.map((c) => c.body!.text)).toEqual(["Started.", "Replica creds: password=[redacted]"]);
    expect(v.events[0]!.payload).toMatch(/^\{"worker":"default","api_key":"\[redacted …\w{4}\]"\}$/);
    expect(v.runs[0]).toMatchObject({ profile: "default", status: "running", summary: "Copying tables" });
    expect(v.links).toEqual({ parents: [], children: ["t_b0004"] });
    await get("default", "kanban/tasks/t_nope?board=ops", 404);
  });
});

describe("profiles, status, logs, storage and security", () => {
  it("summarises every profile with its model, skills and gateway state", async () => {
    const v = await get<ProfileSummariesView>("default", "profile-summaries");
    expect(v.active_profile).toBe("default");
    expect(v.data.map((p) => [p.name, p.model, p.provider, p.skill_count, p.gateway.state])).toEqual([
      ["default", "anthropic/claude-sonnet-4", "openrouter", 5, "running"],
      ["work", "nous/hermes-4-70b", null, 1, "stopped"],
    ]);
    expect(v.data[0]!.gateway).toMatchObject({ platforms: 2, platforms_with_errors: 1 });
    const other = await get<ProfileSummariesView>("profiles", "profile-summaries");
    expect(other.active_profile).toBe("work");
  });

  it("shows the gateway's state with redacted platform errors, and the logs present", async () => {
    const v = await get<StatusView>("default", "status");
    expect(v.gateway).toMatchObject({
      state: "running",
      pid: 4242,
      active_agents: 2,
      served_profiles: ["default", "work"],
    });
    expect(v.gateway.platforms.find((p) => p.platform === "discord")).toMatchObject({
      state: "error",
      error_code: "auth_failed",
      error_message: "401 Unauthorized: token=[redacted]",
    });
    expect(v.gateway_pid).toBe(4242);
    expect(v.logs.map((l) => l.name)).toEqual(["agent.log", "agent.log.1", "errors.log", "gateway.log"]);
  });

  it("tails a log newest first, with tracebacks kept with their entry, filters and paging back", async () => {
    const v = await get<LogTailView>("default", "logs?file=agent.log");
    expect(v.entries.map((e) => [e.level, e.logger])).toEqual([
      ["INFO", "agent.run"],
      ["ERROR", "agent.tools"],
      ["WARNING", "agent.auth"],
      ["INFO", "agent.run"],
      ["DEBUG", "agent.loop"],
    ]);
    expect(v.entries[1]!.text.text).toContain("RuntimeError: exit status 1");
    expect(v.entries[2]!.text.text).toMatch(/retrying with header Authorization: .*\[redacted\]/);
    expect(v.entries[3]!.session).toBe("20261201_080000_abc123");
    expect(v.next_cursor).toBeNull();

    const warn = await get<LogTailView>("default", "logs?file=agent.log&level=WARNING");
    expect(warn.entries.map((e) => e.level)).toEqual(["ERROR", "WARNING"]);
    const found = await get<LogTailView>("default", "logs?file=agent.log&q=DAILY%20digest");
    expect(found.entries).toHaveLength(1);
    // The text filter sees the redacted text only: a secret cannot be probed for.
    expect((await get<LogTailView>("default", "logs?file=agent.log&q=plnt")).entries).toEqual([]);

    const page = await get<LogTailView>("default", "logs?file=agent.log&limit=2");
    const back = await get<LogTailView>("default", `logs?file=agent.log&limit=10&before=${page.next_cursor}`);
    expect([...page.entries, ...back.entries].map((e) => e.offset)).toEqual(v.entries.map((e) => e.offset));

    expect((await get<LogTailView>("default", "logs?file=gateway.log")).entries[0]!.text.text).toContain(
      "api_key=[redacted]",
    );
    await get("default", "logs?file=nope.log", 404);
    await get("default", "logs?file=..%2Fconfig.yaml", 400);
    await get("default", "logs?file=agent.log&level=LOUD", 400);
  });

  it("measures the home by part, with free disk", async () => {
    const v = await get<StorageView>("default", "storage");
    expect(v.status).toBe("ok");
    const part = (n: string) => v.parts.find((p) => p.name === n);
    const db = path.join(s.fx.home, "state.db");
    expect(part("state.db")!.bytes).toBe(
      ["", "-wal", "-shm"].reduce((n, x) => n + (fs.existsSync(db + x) ? fs.statSync(db + x).size : 0), 0),
    );
    expect(part("logs")!.files).toBe(4);
    expect(part("cron output")!.files).toBe(3);
    expect(part("skills")!.files).toBeGreaterThanOrEqual(7);
    expect(part("profiles")!.bytes).toBeGreaterThan(0);
    expect(v.total_bytes).toBeGreaterThanOrEqual(v.parts.reduce((n, p) => n + p.bytes, 0));
    expect(v.disk!.total_bytes).toBeGreaterThan(0);
    expect(v.truncated).toBe(false);
    const work = await get<StorageView>("default", "storage?profile=work");
    expect(work.parts.map((p) => p.name)).not.toContain("profiles");
  });

  it("reports the gateway's posture for the tenant", async () => {
    type Issued = { api_user: { id: string }; api_key: string };
    const old = await s.admin.post<Issued>("/api/admin/api-users", {
      name: "old-key",
      tenant_id: "default",
      gateways: ["post"],
    });
    const revoked = await s.admin.post<Issued>("/api/admin/api-users", {
      name: "gone-key",
      tenant_id: "default",
      gateways: ["post"],
    });
    await s.admin.post(`/api/admin/api-users/${revoked.body.api_user.id}/revoke`);
    await sql`UPDATE api_users SET created_at = now() - interval '100 days' WHERE id = ${old.body.api_user.id}`.execute(
      s.svc.db,
    );
    await fetch(`${s.svc.urls.admin}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "wrong-password-here" }),
    });
    await s.admin.patch("/api/admin/tenants/default", { pre_upstream_url: "http://hermes.internal:8645/v1" });

    const v = await get<SecurityView>("default", "security");
    // Keys appear by their display prefix only (as everywhere in the admin API), never whole.
    for (const key of [old.body.api_key, revoked.body.api_key]) expect(JSON.stringify(v)).not.toContain(key);
    expect(v.keys.older_than_90_days.map((k) => k.name)).toEqual(["old-key"]);
    expect(v.keys.never_used.map((k) => k.name)).toEqual(["old-key"]);
    expect(v.keys.revoked_still_listed.map((k) => k.name)).toEqual(["gone-key"]);
    expect(v.failed_admin_logins.last_day).toBeGreaterThanOrEqual(1);
    expect(v.secret_key.set).toBe(false);
    expect(v.upstream_urls.filter((u) => u.flagged).map((u) => [u.where, u.url])).toEqual([
      ["tenant.pre_upstream_url", "http://hermes.internal:8645/v1"],
      ["providers.lan", "http://192.168.1.20:8000/v1"],
      ["mcp_servers.internal", "http://10.0.0.5:9000/mcp"],
    ]);
    expect(v.upstream_urls.find((u) => u.where === "mcp_servers.linear")).toMatchObject({
      tls: true,
      flagged: false,
    });
    expect(
      v.secret_files.filter((f) => f.wider_than_0600).map((f) => [path.basename(f.path), f.mode]),
    ).toEqual([
      [".env", "0644"],
      ["linear.json", "0640"],
    ]);
    expect(v.secret_files.find((f) => f.path.endsWith("auth.json"))).toMatchObject({
      mode: "0600",
      wider_than_0600: false,
    });
    expect(v.findings.map((f) => f.code)).toEqual([
      "keys_old",
      "keys_unused",
      "keys_revoked_listed",
      "admin_login_failures",
      "no_secret_key",
      "upstream_plaintext",
      "secret_file_modes",
    ]);
  });
});
