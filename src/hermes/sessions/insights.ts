/**
 * @module The insights pane: a profile's usage over the last 7, 30 or 90 days from its state.db, as Hermes' own
 * analytics compute it (sessions started in the window, UTC days of their start), with every figure labelled with
 * where it comes from and what it leaves out. Estimated and actual cost are kept apart: Hermes hides its token
 * analytics by default because people read them as a bill, and neither figure is one.
 */
import fs from "node:fs/promises";
import { scopeFields, type HermesScope, type ScopeFields } from "../hermes-scope.js";
import type { PaneContext } from "../panes/pane-context.js";
import { readPane, type DbSource, type HermesDb } from "../sqlite/hermes-db.js";
import { num, openStateDb, stateMissing, str, type Tokens } from "./session-rows.js";
import type { TopTools } from "./tool-counts.js";

export const INSIGHT_WINDOWS = [7, 30, 90] as const;
export type InsightWindow = (typeof INSIGHT_WINDOWS)[number];

/** Where a figure comes from and what it does not include. */
export type Figure = { source: string; leaves_out: string[] };

export type Usage = {
  sessions: number;
  api_calls: number | null;
  tokens: Tokens;
  /** Hermes' estimate from its price table; not a bill. */
  estimated_cost_usd: number | null;
  /** What the provider reported, where it reports cost. */
  actual_cost_usd: number | null;
};

export type DailyUsage = Usage & { day: string };
export type ModelUsage = Usage & {
  model: string;
  billing_provider: string | null;
  /** `main` for the agent loop, else Hermes' auxiliary task (title, compression…). */
  task: string;
  from: "session_model_usage" | "sessions";
};

export type InsightsView = ScopeFields & {
  source: DbSource;
  missing_columns: string[];
  window: { days: number; from: string; to: string };
  totals: Usage & {
    cost_coverage: { with_actual: number; estimated_only: number; without_cost: number };
    figure: Figure;
    cost_figure: Figure;
  };
  daily: { data: DailyUsage[]; figure: Figure };
  by_model: { data: ModelUsage[]; figure: Figure };
  by_source: { data: (Usage & { source: string })[]; figure: Figure };
  top_tools: TopTools & { figure: Figure };
  activity: { by_weekday: number[]; by_hour: number[]; figure: Figure };
};

const SESSION_FIGURE: Figure = {
  source:
    "state.db sessions started in the window (started_at ≥ now − days); days are the UTC day a session started",
  leaves_out: [
    "a session's tokens and cost count on the day it started, even when it ran on",
    "token counters are written in batches and can lag a few seconds behind a running session",
    "sessions deleted or pruned in Hermes",
    "null where this state.db has no such column (older Hermes)",
  ],
};

const COST_FIGURE: Figure = {
  source:
    "estimated_cost_usd: Hermes' own estimate from its price table; actual_cost_usd: what the provider reported, " +
    "which only some providers (e.g. OpenRouter) do",
  leaves_out: [
    "neither is a bill: check the provider's invoice",
    "sessions whose cost Hermes could not price count as 0 in the estimate",
  ],
};

const TOOLS_FIGURE: Figure = {
  source:
    "tool calls named in assistant messages' tool_calls, by the UTC day of the message, from the first day of the " +
    "window; counted once per database and then kept up to date",
  leaves_out: [
    "tool_calls that are not valid JSON",
    "messages deleted in Hermes after they were counted, until the hourly recount",
  ],
};

const ACTIVITY_FIGURE: Figure = {
  source: "sessions started in the window, by UTC weekday (0 = Sunday) and UTC hour of their start",
  leaves_out: ["how long sessions ran or how many messages they had"],
};

function usageSelect(db: HermesDb, table: string, alias: string): string {
  const sum = (c: string) => `sum(${db.col(table, alias, c)})`;
  return [
    `${sum("api_call_count")} AS api_calls`,
    `${sum("input_tokens")} AS input`,
    `${sum("output_tokens")} AS output`,
    `${sum("cache_read_tokens")} AS cache_read`,
    `${sum("cache_write_tokens")} AS cache_write`,
    `${sum("reasoning_tokens")} AS reasoning`,
    `${sum("estimated_cost_usd")} AS estimated`,
    `${sum("actual_cost_usd")} AS actual`,
  ].join(", ");
}

function toUsage(row: Record<string, unknown> | undefined): Usage {
  return {
    sessions: num(row?.sessions) ?? 0,
    api_calls: num(row?.api_calls),
    tokens: {
      input: num(row?.input),
      output: num(row?.output),
      cache_read: num(row?.cache_read),
      cache_write: num(row?.cache_write),
      reasoning: num(row?.reasoning),
    },
    estimated_cost_usd: num(row?.estimated),
    actual_cost_usd: num(row?.actual),
  };
}

/** The window's totals from its days (null stays null: a column this state.db lacks). */
function sumRows(rows: Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) {
      if (k === "day") continue;
      const n = num(v);
      if (n !== null) out[k] = ((out[k] as number | undefined) ?? 0) + n;
      else if (!(k in out)) out[k] = null;
    }
  }
  return out;
}

function daysBetween(from: Date, to: Date): string[] {
  const out: string[] = [];
  for (
    let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
    t <= to.getTime();
    t += 86400_000
  ) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

function byModelStatements(db: HermesDb, cutoff: number) {
  const fromSessions = (extra: string) => ({
    sql: `SELECT coalesce(${db.col("sessions", "s", "model")}, '') AS model,
            ${db.col("sessions", "s", "billing_provider")} AS billing_provider, '' AS task, 'sessions' AS origin,
            count(*) AS sessions, ${usageSelect(db, "sessions", "s")}
          FROM sessions s WHERE s.started_at >= ? ${extra} GROUP BY 1, 2`,
    params: [cutoff],
  });
  if (!db.has("session_model_usage", "session_id") || !db.has("session_model_usage", "model")) {
    return [fromSessions("")];
  }
  return [
    {
      sql: `SELECT u.model AS model, ${db.col("session_model_usage", "u", "billing_provider")} AS billing_provider,
              ${db.col("session_model_usage", "u", "task", "''")} AS task, 'session_model_usage' AS origin,
              count(DISTINCT u.session_id) AS sessions, ${usageSelect(db, "session_model_usage", "u")}
            FROM session_model_usage u JOIN sessions s ON s.id = u.session_id
            WHERE s.started_at >= ? GROUP BY 1, 2, 3`,
      params: [cutoff],
    },
    fromSessions("AND NOT EXISTS (SELECT 1 FROM session_model_usage u WHERE u.session_id = s.id)"),
  ];
}

export async function getInsights(
  ctx: PaneContext,
  scope: HermesScope,
  days: InsightWindow,
  now = new Date(),
): Promise<InsightsView> {
  const cutoff = now.getTime() / 1000 - days * 86400;
  const from = new Date(cutoff * 1000);
  const opened = await openStateDb(ctx, scope);
  const EMPTY = {
    totals: toUsage(undefined),
    coverage: { with_actual: 0, estimated_only: 0, without_cost: 0 },
    daily: new Map<string, Usage>(),
    models: [] as ModelUsage[],
    sources: [] as (Usage & { source: string })[],
    tools: { status: "unavailable", data: [], pending_messages: 0 } as TopTools,
    weekday: new Array<number>(7).fill(0),
    hour: new Array<number>(24).fill(0),
  };
  const { source, value } = await readPane(opened, "state.db", EMPTY, async (db) => {
    if (!db.has("sessions", "started_at")) return EMPTY;
    const usage = usageSelect(db, "sessions", "s");
    const actual = db.col("sessions", "s", "actual_cost_usd", "0");
    const estimated = db.col("sessions", "s", "estimated_cost_usd", "0");
    const models = byModelStatements(db, cutoff);
    const [daily, bySource, activity, ...modelRows] = await db.read([
      {
        sql: `SELECT date(s.started_at, 'unixepoch') AS day, count(*) AS sessions, ${usage},
                sum(CASE WHEN coalesce(${actual}, 0) > 0 THEN 1 ELSE 0 END) AS with_actual,
                sum(CASE WHEN coalesce(${actual}, 0) <= 0 AND coalesce(${estimated}, 0) > 0 THEN 1 ELSE 0 END) AS estimated_only
              FROM sessions s WHERE s.started_at >= ? GROUP BY day`,
        params: [cutoff],
      },
      {
        // +s.source: group without the source index, which would make SQLite read every session, not the window's.
        sql: `SELECT +s.source AS source, count(*) AS sessions, ${usage} FROM sessions s WHERE s.started_at >= ?
              GROUP BY +s.source ORDER BY sessions DESC LIMIT 50`,
        params: [cutoff],
      },
      {
        sql: `SELECT CAST(strftime('%w', s.started_at, 'unixepoch') AS INTEGER) AS weekday,
                CAST(strftime('%H', s.started_at, 'unixepoch') AS INTEGER) AS hour, count(*) AS n
              FROM sessions s WHERE s.started_at >= ? GROUP BY 1, 2`,
        params: [cutoff],
      },
      ...models,
    ]);
    const t = sumRows(daily!);
    const weekday = new Array<number>(7).fill(0);
    const hour = new Array<number>(24).fill(0);
    for (const r of activity!) {
      const n = num(r.n) ?? 0;
      weekday[num(r.weekday) ?? 0]! += n;
      hour[num(r.hour) ?? 0]! += n;
    }
    const st = await fs.stat(db.file);
    const tools = await ctx.toolCounts.top(
      db,
      `${db.file}:${st.dev}:${st.ino}`,
      from.toISOString().slice(0, 10),
      20,
    );
    const sessions = num(t?.sessions) ?? 0;
    const withActual = num(t?.with_actual) ?? 0;
    const estimatedOnly = num(t?.estimated_only) ?? 0;
    return {
      totals: toUsage(t),
      coverage: {
        with_actual: withActual,
        estimated_only: estimatedOnly,
        without_cost: sessions - withActual - estimatedOnly,
      },
      daily: new Map(daily!.map((r) => [String(r.day), toUsage(r)])),
      models: modelRows
        .flat()
        .map((r) => ({
          ...toUsage(r),
          model: String(r.model) || "(unknown)",
          billing_provider: str(r.billing_provider),
          task: str(r.task) ?? "main",
          from: r.origin === "sessions" ? ("sessions" as const) : ("session_model_usage" as const),
        }))
        .sort(
          (a, b) =>
            (b.tokens.input ?? 0) + (b.tokens.output ?? 0) - (a.tokens.input ?? 0) - (a.tokens.output ?? 0),
        ),
      sources: bySource!.map((r) => ({ ...toUsage(r), source: String(r.source) })),
      tools,
      weekday,
      hour,
    };
  });
  const modelsFromUsage = opened.db?.has("session_model_usage", "model") ?? false;
  return {
    ...scopeFields(scope),
    source,
    missing_columns: opened.db && source.status === "ok" ? stateMissing(opened.db) : [],
    window: { days, from: from.toISOString(), to: now.toISOString() },
    totals: {
      ...value.totals,
      cost_coverage: value.coverage,
      figure: SESSION_FIGURE,
      cost_figure: COST_FIGURE,
    },
    daily: {
      data: daysBetween(from, now).map((day) => ({ day, ...(value.daily.get(day) ?? toUsage(undefined)) })),
      figure: SESSION_FIGURE,
    },
    by_model: {
      data: value.models,
      figure: {
        source: modelsFromUsage
          ? "session_model_usage (per model within a session: /model switches and auxiliary tasks apart), and the " +
            "session row's model for sessions without such rows"
          : "the session row's model (this state.db has no session_model_usage table)",
        leaves_out: modelsFromUsage
          ? ["sessions started before the window, even if they used a model inside it"]
          : ["model switches within a session: all of a session counts for its last model"],
      },
    },
    by_source: { data: value.sources, figure: SESSION_FIGURE },
    top_tools: { ...value.tools, figure: TOOLS_FIGURE },
    activity: { by_weekday: value.weekday, by_hour: value.hour, figure: ACTIVITY_FIGURE },
  };
}
