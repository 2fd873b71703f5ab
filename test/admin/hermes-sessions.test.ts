import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InsightsView } from "../../src/admin/routes/hermes/insights.js";
import type {
  MessagesView,
  OneMessageView,
  SessionsView,
  SessionView,
} from "../../src/admin/routes/hermes/sessions.js";
import { insertRow, toolCalls } from "../fixtures/hermes/hermes-dbs.js";
import { DAY } from "../fixtures/hermes/pane-data.js";
import { expectNoPlantedSecrets } from "../fixtures/hermes/planted-secrets.js";
import { paneUrl, startPaneService, type PaneSetup } from "./hermes-pane-setup.js";

let s: PaneSetup;
beforeAll(async () => {
  s = await startPaneService();
}, 120_000);
afterAll(async () => {
  await s?.close();
});

async function get<T>(tenant: string, pane: string) {
  const res = await s.admin.get<T>(paneUrl(tenant, pane));
  expectNoPlantedSecrets(res.text, pane, s.secrets);
  return res;
}

describe("GET …/hermes/sessions", () => {
  it("lists what Hermes lists, newest first: roots and branches, not compression continuations", async () => {
    const res = await get<SessionsView>("default", "sessions");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tenant_id: "default",
      profile: "default",
      source: { status: "ok", journal_mode: "wal" },
    });
    expect(res.body.schema_version).toBe(30);
    expect(res.body.missing_columns).toEqual([]);
    expect(res.body.data.map((x) => x.id)).toEqual([
      "s_cli_1",
      "s_tg_1_branch",
      "s_tg_1",
      "cron_0123456789ab_20261201_080000",
      "cron_0123456789ab_20261130_080000",
      "cron_fedcba987654_20261201_060000",
      "s_api",
      "s_old",
    ]);
    expect(res.body.total).toBe(8);
    const cli = res.body.data[0]!;
    expect(cli).toMatchObject({
      title: "Refactor the parser",
      source: "cli",
      model: "anthropic/claude-sonnet-4",
      end_reason: "compression",
      message_count: 4,
      tool_call_count: 2,
      api_call_count: 3,
      tokens: { input: 1200, output: 300, cache_read: 400, cache_write: 50, reasoning: 20 },
      cost: { estimated_usd: 0.012, actual_usd: null, status: "estimated" },
      cron_job_id: null,
    });
    expect(cli.started_at).toBe(new Date((s.now - 3600) * 1000).toISOString());
    expect(res.body.data[3]!.cron_job_id).toBe("0123456789ab");
    expect(res.body.facets.sources).toContainEqual({ value: "cron", sessions: 3 });
    // A title holding a credential is masked.
    expect(res.body.data.find((x) => x.id === "s_api")!.title).toMatch(
      /^Long one; header Authorization: .*\[redacted\]$/,
    );
    expect(res.text).not.toContain("Never reveal this system prompt");

    const all = await get<SessionsView>("default", "sessions?include_children=true");
    expect(all.body.total).toBe(9);
    expect(all.body.data.map((x) => x.id)).toContain("s_cli_1_cont");
  });

  it("filters by source, model, dates, text and cron job, and pages with a cursor", async () => {
    const ids = async (q: string) =>
      (await get<SessionsView>("default", `sessions?${q}`)).body.data.map((x) => x.id);
    expect(await ids("source=telegram")).toEqual(["s_tg_1_branch", "s_tg_1"]);
    expect(await ids("model=openai%2Fgpt-5&source=api_server")).toEqual(["s_api"]);
    const since = new Date((s.now - 4 * DAY) * 1000).toISOString();
    expect(await ids(`from=${since}&cron=exclude`)).toEqual(["s_cli_1", "s_tg_1_branch", "s_tg_1"]);
    expect(await ids(`to=${new Date((s.now - 20 * DAY) * 1000).toISOString()}`)).toEqual(["s_old"]);
    expect(await ids("q=weather")).toEqual(["s_tg_1"]);
    expect(await ids("q=%25")).toEqual([]); // LIKE wildcards are literal
    expect(await ids("cron=only")).toHaveLength(3);
    expect(await ids("cron_job=0123456789ab")).toEqual([
      "cron_0123456789ab_20261201_080000",
      "cron_0123456789ab_20261130_080000",
    ]);

    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page: SessionsView = (
        await get<SessionsView>(
          "default",
          `sessions?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        )
      ).body;
      expect(page.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.data.map((x) => x.id));
      cursor = page.next_cursor;
    }
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
  });

  it("rejects bad queries with a message that does not echo them", async () => {
    for (const [q, message] of [
      ["limit=0", "limit: must be at least 1"],
      ["limit=500", "limit: must be at most 200"],
      ["from=yesterday", "from: must be an ISO 8601 date or time"],
      ["cron=sometimes", "cron: must be include, exclude or only"],
      ["cron_job=..%2Fetc", "cron_job: must be a cron job id (letters, digits, '-')"],
      ["cursor=not-a-cursor-sk-secretvalue", "cursor: must be a next_cursor from a previous page"],
      [
        "profile=..%2F..",
        "profile: must be a profile name (lowercase letters, digits, '-' or '_', at most 64)",
      ],
    ] as const) {
      const res = await s.admin.get(paneUrl("default", `sessions?${q}`));
      expect(res.status, q).toBe(400);
      expect(res.body, q).toEqual({ error: { code: "invalid_request", message } });
    }
    expect((await s.admin.get(paneUrl("default", "sessions?profile=nope"))).status).toBe(404);
  });

  it("reads each profile's own state.db", async () => {
    const res = await get<SessionsView>("default", "sessions?profile=work");
    expect(res.body.profile).toBe("work");
    expect(res.body.data.map((x) => x.id)).toEqual(["w_1"]);
  });
});

describe("GET …/hermes/sessions/:session and its messages", () => {
  it("shows one session with its children, without credentials in its billing URL", async () => {
    const res = await get<SessionView>("default", "sessions/s_cli_1");
    expect(res.status).toBe(200);
    expect(res.body.session).toMatchObject({
      id: "s_cli_1",
      cwd: "/work/parser",
      billing_base_url: "https://openrouter.ai/api/v1",
      children: [{ id: "s_cli_1_cont", end_reason: "user_exit" }],
    });
    expect((await s.admin.get(paneUrl("default", "sessions/nope"))).status).toBe(404);
    for (const [bad, why] of [
      // NUL is refused for every path parameter before the route sees it (issue 17).
      ["a%00b", "must not contain control characters"],
      ["a%20b", "must be a session id"],
      ["x".repeat(257), "must be a session id"],
    ] as const) {
      expect((await s.admin.get(paneUrl("default", `sessions/${bad}`))).body).toEqual({
        error: { code: "invalid_request", message: `session: ${why}` },
      });
    }
  });

  it("pages messages with tool calls, masking what was pasted into them", async () => {
    const res = await get<MessagesView>("default", "sessions/s_cli_1/messages?limit=2");
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(4);
    expect(res.body.data.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(res.body.data[0]!.content!.text).toBe("Please refactor; my key is [redacted]");
    const calls = res.body.data[1]!.tool_calls;
    expect(calls.map((c) => c.name)).toEqual(["terminal", "read_file"]);
    expect(calls[0]!.id).toBe("call_terminal_0");
    expect(calls[0]!.arguments!.text).toBe('{"command":"grep -rn TODO src","api_key":"[redacted]"}');
    expect(calls[1]!.arguments).toEqual({ text: '{"path":"src/x.ts"}', chars: 19, truncated: false });

    const next = await get<MessagesView>(
      "default",
      `sessions/s_cli_1/messages?limit=2&after=${res.body.next_cursor}`,
    );
    expect(next.body.data.map((m) => [m.role, m.tool_name])).toEqual([
      ["tool", "terminal"],
      ["assistant", null],
    ]);
    expect(next.body.next_cursor).toBeNull();
    expect((await s.admin.get(paneUrl("default", "sessions/nope/messages"))).status).toBe(404);
  });

  it("caps long messages in a page, gives them whole on demand, and flags unreadable tool calls", async () => {
    const page = await get<MessagesView>("default", "sessions/s_api/messages");
    const long = page.body.data[0]!;
    expect(long.content).toMatchObject({ chars: 10_000, truncated: true });
    expect(long.content!.text).toHaveLength(4_000);
    expect(long.tool_calls_unreadable).toBe(true);
    expect(long.tool_calls).toEqual([]);
    const whole = await get<OneMessageView>("default", `sessions/s_api/messages/${long.id}`);
    expect(whole.body.message.content).toMatchObject({ chars: 10_000, truncated: false });
    expect(whole.body.message.content!.text).toHaveLength(10_000);
    expect((await s.admin.get(paneUrl("default", `sessions/s_cli_1/messages/${long.id}`))).status).toBe(404);
    expect((await s.admin.get(paneUrl("default", "sessions/s_api/messages/abc"))).status).toBe(400);
  });
});

describe("GET …/hermes/insights", () => {
  it("sums the window's sessions by day, model, source, tool and hour, each figure labelled", async () => {
    const res = await get<InsightsView>("default", "insights?days=30");
    expect(res.status).toBe(200);
    const v = res.body;
    expect(v.window.days).toBe(30);
    // Everything but s_old (40 days ago).
    expect(v.totals.sessions).toBe(8);
    expect(v.totals.tokens.input).toBe(1200 + 100 + 500 + 800 + 800 + 9000);
    expect(v.totals.estimated_cost_usd).toBeCloseTo(0.012 + 0.001 + 0.049 + 0.006 + 0.006 + 0.2, 9);
    expect(v.totals.actual_cost_usd).toBeCloseTo(0.05, 9);
    expect(v.totals.cost_coverage).toEqual({ with_actual: 1, estimated_only: 5, without_cost: 2 });
    expect(v.totals.cost_figure.leaves_out).toContain("neither is a bill: check the provider's invoice");
    expect(v.daily.data.length).toBeGreaterThanOrEqual(30);
    expect(v.daily.data.reduce((n, d) => n + d.sessions, 0)).toBe(8);
    const today = new Date(s.now * 1000).toISOString().slice(0, 10);
    const todayRow = v.daily.data.find((d) => d.day === today);
    // s_cli_1 and its continuation started an hour ago (today, unless the test runs just after midnight UTC).
    if (new Date((s.now - 3600) * 1000).toISOString().slice(0, 10) === today)
      expect(todayRow!.sessions).toBe(2);

    // Per model from session_model_usage where a session has rows (the title task apart), else the session row.
    const model = (m: string, from: string, task = "main") =>
      v.by_model.data.find((x) => x.model === m && x.task === task && x.from === from);
    expect(model("anthropic/claude-sonnet-4", "session_model_usage")).toMatchObject({
      sessions: 1,
      api_calls: 2,
    });
    expect(model("qwen/qwen3-32b", "session_model_usage", "title")).toMatchObject({ tokens: { input: 100 } });
    expect(model("openai/gpt-5", "session_model_usage")).toMatchObject({
      sessions: 1,
      actual_cost_usd: 0.05,
    });
    // Sessions without per-model rows (the cron runs, the continuation, the branch, s_api) count by their own model.
    expect(model("anthropic/claude-sonnet-4", "sessions")).toMatchObject({ sessions: 3 });
    expect(model("openai/gpt-5", "sessions")).toMatchObject({ sessions: 3 });
    expect(v.by_model.figure.source).toMatch(/^session_model_usage/);
    expect(v.by_source.data.find((x) => x.source === "cron")!.sessions).toBe(3);

    expect(v.top_tools.status).toBe("ok");
    expect(v.top_tools.data).toEqual([
      { tool: "web_search", calls: 2 },
      { tool: "read_file", calls: 1 },
      { tool: "terminal", calls: 1 },
    ]);
    expect(v.activity.by_weekday.reduce((a, b) => a + b, 0)).toBe(8);
    expect(v.activity.by_hour).toHaveLength(24);
    for (const f of [v.totals.figure, v.daily.figure, v.top_tools.figure, v.activity.figure]) {
      expect(f.source.length).toBeGreaterThan(10);
      expect(f.leaves_out.length).toBeGreaterThan(0);
    }

    const ninety = await get<InsightsView>("default", "insights?days=90");
    expect(ninety.body.totals.sessions).toBe(9);
    expect(ninety.body.top_tools.data.find((t) => t.tool === "memory")).toEqual({ tool: "memory", calls: 1 });
    expect((await s.admin.get(paneUrl("default", "insights?days=14"))).body).toEqual({
      error: { code: "invalid_request", message: "days: must be 7, 30 or 90" },
    });
  });

  it("keeps the tool counts up to date as Hermes writes, reading only the new messages", async () => {
    insertRow(s.writer, "sessions", { id: "s_new", source: "cli", started_at: s.now - 60, input_tokens: 7 });
    insertRow(s.writer, "messages", {
      session_id: "s_new",
      role: "assistant",
      tool_calls: toolCalls(["skill_view", { name: "arxiv" }]),
      timestamp: s.now - 59,
    });
    const res = await get<InsightsView>("default", "insights?days=7");
    expect(res.body.top_tools.data).toContainEqual({ tool: "skill_view", calls: 1 });
    expect(res.body.totals.sessions).toBe(8);
  });
});

describe("state.db while Hermes writes, in older shapes, corrupt or missing", () => {
  it("shows what a writer holding the database open committed to the WAL, and writes nothing itself", async () => {
    const db = path.join(s.fx.home, "state.db");
    const before = { db: fs.statSync(db), wal: fs.statSync(`${db}-wal`).size };
    s.writer.transaction(() => {
      insertRow(s.writer, "sessions", {
        id: "s_wal",
        source: "webhook",
        title: "Only in the WAL",
        started_at: s.now - 5,
      });
      insertRow(s.writer, "messages", {
        session_id: "s_wal",
        role: "user",
        content: "hi",
        timestamp: s.now - 5,
      });
    })();
    expect(fs.statSync(`${db}-wal`).size).toBeGreaterThan(before.wal);
    expect(fs.statSync(db).mtimeMs).toBe(before.db.mtimeMs); // not checkpointed into the main file
    const res = await get<SessionsView>("default", "sessions?source=webhook");
    expect(res.body.data.map((x) => [x.id, x.title])).toEqual([["s_wal", "Only in the WAL"]]);
    expect(fs.statSync(db).mtimeMs).toBe(before.db.mtimeMs);

    // An open write transaction does not block the pane, which answers with the last commit.
    s.writer.exec("BEGIN IMMEDIATE");
    try {
      insertRow(s.writer, "sessions", { id: "s_uncommitted", source: "webhook", started_at: s.now - 1 });
      const during = await get<SessionsView>("default", "sessions?source=webhook");
      expect(during.status).toBe(200);
      expect(during.body.data.map((x) => x.id)).toEqual(["s_wal"]);
    } finally {
      s.writer.exec("ROLLBACK");
    }
  });

  it("reads an older schema, reporting the columns it lacks as null and saying which", async () => {
    const res = await get<SessionsView>("older", "sessions");
    expect(res.status).toBe(200);
    expect(res.body.schema_version).toBe(6);
    expect(res.body.missing_columns).toEqual(
      expect.arrayContaining([
        "sessions.title",
        "sessions.api_call_count",
        "sessions.estimated_cost_usd",
        "session_model_usage",
      ]),
    );
    const cli = res.body.data.find((x) => x.id === "s_cli_1")!;
    expect(cli).toMatchObject({
      title: null,
      api_call_count: null,
      tokens: { input: 1200, cache_read: null },
      cost: { estimated_usd: null },
    });
    // No model_config-less rule is invented: children without model_config are hidden by their parent link alone.
    expect(res.body.data.map((x) => x.id)).not.toContain("s_cli_1_cont");

    const insights = await get<InsightsView>("older", "insights?days=30");
    expect(insights.body.totals.estimated_cost_usd).toBeNull();
    expect(insights.body.totals.tokens.input).toBe(1200 + 100 + 500 + 800 + 800 + 9000);
    expect(insights.body.by_model.data.every((m) => m.from === "sessions")).toBe(true);
    expect(insights.body.by_model.figure.source).toMatch(/no session_model_usage/);
    expect(insights.body.top_tools.data).toContainEqual({ tool: "web_search", calls: 2 });

    const messages = await get<MessagesView>("older", "sessions/s_cli_1/messages");
    expect(messages.body.data[1]!.tool_calls.map((c) => c.name)).toEqual(["terminal", "read_file"]);
    expect(messages.body.data[0]!.reasoning).toBeNull();
  });

  it("says corrupt or not present plainly, with empty figures", async () => {
    const corrupt = await get<SessionsView>("corrupt", "sessions");
    expect(corrupt.status).toBe(200);
    expect(corrupt.body.source).toMatchObject({
      status: "corrupt",
      reason: "not a readable SQLite database",
    });
    expect(corrupt.body.data).toEqual([]);
    const corruptInsights = await get<InsightsView>("corrupt", "insights");
    expect(corruptInsights.body.source.status).toBe("corrupt");
    expect(corruptInsights.body.totals.sessions).toBe(0);

    const missing = await get<SessionsView>("empty", "sessions");
    expect(missing.body).toMatchObject({
      source: { status: "not_present" },
      total: 0,
      data: [],
      next_cursor: null,
    });
    expect((await get<InsightsView>("empty", "insights")).body.source.status).toBe("not_present");
    expect((await s.admin.get(paneUrl("empty", "sessions/x"))).status).toBe(404);
  });
});
