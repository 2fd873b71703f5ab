/**
 * @module A profile's `state.db` sessions as the panes show them: the select list built from the columns this
 * database has (missing ones read as null), and one mapping from a row to a SessionSummary. Titles are redacted
 * one-line previews; the system prompt, model_config and origin are never sent.
 */
import path from "node:path";
import type { HermesScope } from "../hermes-scope.js";
import type { PaneContext } from "../panes/pane-context.js";
import { preview } from "../panes/pane-text.js";
import { safeUrl } from "../secrets.js";
import { missingColumns, openHermesDb, type HermesDb, type OpenedDb } from "../sqlite/hermes-db.js";

export function openStateDb(ctx: PaneContext, scope: HermesScope): Promise<OpenedDb> {
  return openHermesDb(ctx.sqlite, scope.roots, path.join(scope.dir, "state.db"), "state.db");
}

/** Columns the sessions pane would show; older databases lack some (reported as `missing_columns`). */
export const SESSION_COLUMNS = {
  sessions: [
    "title",
    "model",
    "parent_session_id",
    "ended_at",
    "end_reason",
    "message_count",
    "tool_call_count",
    "api_call_count",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "estimated_cost_usd",
    "actual_cost_usd",
    "cost_status",
    "last_activity_at",
  ],
  session_model_usage: [],
} as const;

export function stateMissing(db: HermesDb): string[] {
  return missingColumns(db, SESSION_COLUMNS);
}

export type Tokens = {
  input: number | null;
  output: number | null;
  cache_read: number | null;
  cache_write: number | null;
  reasoning: number | null;
};

export type SessionSummary = {
  id: string;
  title: string | null;
  source: string;
  model: string | null;
  parent_session_id: string | null;
  /** The cron job this session is a run of (`cron_<job>_<time>`), else null. */
  cron_job_id: string | null;
  started_at: string | null;
  ended_at: string | null;
  last_activity_at: string | null;
  end_reason: string | null;
  message_count: number | null;
  tool_call_count: number | null;
  api_call_count: number | null;
  tokens: Tokens;
  cost: {
    /** Hermes' own estimate from its price table: not a bill. */
    estimated_usd: number | null;
    /** What the provider reported, where it reports cost. */
    actual_usd: number | null;
    status: string | null;
    source: string | null;
  };
  billing_provider: string | null;
  archived: boolean | null;
};

const SUMMARY_FIELDS: [alias: string, column: string][] = [
  ["title", "title"],
  ["model", "model"],
  ["parent_session_id", "parent_session_id"],
  ["ended_at", "ended_at"],
  ["last_activity_at", "last_activity_at"],
  ["end_reason", "end_reason"],
  ["message_count", "message_count"],
  ["tool_call_count", "tool_call_count"],
  ["api_call_count", "api_call_count"],
  ["input_tokens", "input_tokens"],
  ["output_tokens", "output_tokens"],
  ["cache_read_tokens", "cache_read_tokens"],
  ["cache_write_tokens", "cache_write_tokens"],
  ["reasoning_tokens", "reasoning_tokens"],
  ["estimated_cost_usd", "estimated_cost_usd"],
  ["actual_cost_usd", "actual_cost_usd"],
  ["cost_status", "cost_status"],
  ["cost_source", "cost_source"],
  ["billing_provider", "billing_provider"],
  ["archived", "archived"],
];

/** `s.id, s.source, s.started_at` plus every summary column this database has (or NULL under its name). */
export function summarySelect(db: HermesDb): string {
  return [
    "s.id AS id",
    "s.source AS source",
    "s.started_at AS started_at",
    ...SUMMARY_FIELDS.map(([alias, column]) => `${db.col("sessions", "s", column)} AS ${alias}`),
  ].join(", ");
}

export function num(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "bigint") return Number(v);
  return null;
}

export function str(v: unknown): string | null {
  return typeof v === "string" && v !== "" ? v : null;
}

/** Epoch seconds (REAL) → ISO; Hermes' times in state.db and kanban.db are all epoch seconds. */
export function epochIso(v: unknown): string | null {
  const n = num(v);
  if (n === null || n <= 0) return null;
  const d = new Date(n * 1000);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

const CRON_ID = /^cron_(.+)_(\d{8}_\d{6})/;

export function cronJobOf(sessionId: string): string | null {
  return CRON_ID.exec(sessionId)?.[1] ?? null;
}

/** The id range of one cron job's runs (`cron_<job>_…`), usable with the primary key's index. */
export function cronIdRange(job: string | null): [string, string] {
  // '`' is the character after '_', so [prefix, prefix-with-'`') holds exactly the ids starting with the prefix.
  return job === null ? ["cron_", "cron`"] : [`cron_${job}_`, `cron_${job}\``];
}

export function toSummary(row: Record<string, unknown>): SessionSummary {
  const id = String(row.id);
  return {
    id,
    title: preview(row.title),
    source: String(row.source ?? ""),
    model: str(row.model),
    parent_session_id: str(row.parent_session_id),
    cron_job_id: cronJobOf(id),
    started_at: epochIso(row.started_at),
    ended_at: epochIso(row.ended_at),
    last_activity_at: epochIso(row.last_activity_at),
    end_reason: str(row.end_reason),
    message_count: num(row.message_count),
    tool_call_count: num(row.tool_call_count),
    api_call_count: num(row.api_call_count),
    tokens: {
      input: num(row.input_tokens),
      output: num(row.output_tokens),
      cache_read: num(row.cache_read_tokens),
      cache_write: num(row.cache_write_tokens),
      reasoning: num(row.reasoning_tokens),
    },
    cost: {
      estimated_usd: num(row.estimated_cost_usd),
      actual_usd: num(row.actual_cost_usd),
      status: str(row.cost_status),
      source: str(row.cost_source),
    },
    billing_provider: str(row.billing_provider),
    archived: row.archived === null || row.archived === undefined ? null : Boolean(row.archived),
  };
}

/** A billing URL without credentials, for the detail view. */
export function billingUrl(v: unknown): string | null {
  return typeof v === "string" && v !== "" ? safeUrl(v) : null;
}
