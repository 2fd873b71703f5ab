/**
 * @module One session on demand: its summary with parent and children, its messages paged by id (each message's
 * text capped, its tool calls listed with capped arguments, for the console to collapse), and one message whole
 * (up to a larger cap). Message text is the conversation and is shown, but line-redacted: a token pasted into a
 * chat or echoed by a tool goes out masked. SQLite cuts long texts before they cross to the main thread.
 */
import { AppError } from "../../errors/app-error.js";
import { scopeFields, type HermesScope, type ScopeFields } from "../hermes-scope.js";
import type { PaneContext } from "../panes/pane-context.js";
import { cappedText, preview, type CappedText } from "../panes/pane-text.js";
import { readPane, type DbSource, type HermesDb } from "../sqlite/hermes-db.js";
import {
  billingUrl,
  epochIso,
  num,
  openStateDb,
  str,
  summarySelect,
  toSummary,
  type SessionSummary,
} from "./session-rows.js";

/** Characters of a message's text in a page, and of its tool-call arguments. */
export const PAGE_TEXT_CHARS = 4_000;
export const PAGE_ARGUMENT_CHARS = 1_000;
/** Characters of a message's text, reasoning and each argument when one message is asked for. */
export const FULL_TEXT_CHARS = 256 * 1024;
export const FULL_ARGUMENT_CHARS = 64 * 1024;
/** Fetched beyond a cap so a token cut at the cap is still redacted by its shape. */
const SLACK = 512;

export type SessionDetail = SessionSummary & {
  billing_base_url: string | null;
  billing_mode: string | null;
  pricing_version: string | null;
  cwd: string | null;
  git_branch: string | null;
  last_activity: string | null;
  children: { id: string; started_at: string | null; end_reason: string | null }[];
};

export type SessionView = ScopeFields & { source: DbSource; session: SessionDetail };

export type ToolCall = { id: string | null; name: string | null; arguments: CappedText | null };

export type MessageView = {
  id: number;
  role: string;
  content: CappedText | null;
  tool_calls: ToolCall[];
  /** `tool_calls` is present but not valid JSON (it is not shown). */
  tool_calls_unreadable: boolean;
  tool_call_id: string | null;
  tool_name: string | null;
  timestamp: string | null;
  token_count: number | null;
  finish_reason: string | null;
  reasoning: CappedText | null;
};

export type MessagesView = ScopeFields & {
  source: DbSource;
  session_id: string;
  total: number;
  data: MessageView[];
  next_cursor: string | null;
};

export type OneMessageView = ScopeFields & { source: DbSource; session_id: string; message: MessageView };

const DETAIL_FIELDS = [
  "billing_base_url",
  "billing_mode",
  "pricing_version",
  "cwd",
  "git_branch",
  "last_activity_description",
];

function notFound(what: string): AppError {
  return new AppError("not_found", `No ${what} with that id in this profile's state.db.`);
}

async function requireDb(ctx: PaneContext, scope: HermesScope) {
  const opened = await openStateDb(ctx, scope);
  if (opened.source.status === "not_present")
    throw new AppError("not_found", "This profile has no state.db.");
  return opened;
}

export async function getSession(ctx: PaneContext, scope: HermesScope, id: string): Promise<SessionView> {
  const opened = await requireDb(ctx, scope);
  const { source, value } = await readPane(opened, "state.db", null, async (db) => {
    if (!db.has("sessions", "started_at")) return null;
    const extra = DETAIL_FIELDS.map((c) => `${db.col("sessions", "s", c)} AS ${c}`).join(", ");
    const children = db.has("sessions", "parent_session_id")
      ? `SELECT s.id, s.started_at, ${db.col("sessions", "s", "end_reason")} AS end_reason FROM sessions s
         WHERE s.parent_session_id = ? ORDER BY s.started_at LIMIT 100`
      : "SELECT NULL AS id LIMIT 0";
    const [rows, kids] = await db.read([
      { sql: `SELECT ${summarySelect(db)}, ${extra} FROM sessions s WHERE s.id = ?`, params: [id] },
      { sql: children, params: db.has("sessions", "parent_session_id") ? [id] : [] },
    ]);
    const row = rows![0];
    if (!row) return null;
    return {
      ...toSummary(row),
      billing_base_url: billingUrl(row.billing_base_url),
      billing_mode: str(row.billing_mode),
      pricing_version: str(row.pricing_version),
      cwd: str(row.cwd),
      git_branch: str(row.git_branch),
      last_activity: preview(row.last_activity_description),
      children: kids!.map((k) => ({
        id: String(k.id),
        started_at: epochIso(k.started_at),
        end_reason: str(k.end_reason),
      })),
    };
  });
  if (!value) {
    if (source.status !== "ok")
      throw new AppError("not_found", `This profile's state.db is ${source.status}.`);
    throw notFound("session");
  }
  return { ...scopeFields(scope), source, session: value };
}

/** The select list of a message, with texts cut to `textChars` (+ slack) and tool calls parsed by SQLite. */
function messageSelect(db: HermesDb, textChars: number, argChars: number): string {
  const c = (name: string) => db.col("messages", "m", name);
  const args = `coalesce(json_extract(t.value, '$.function.arguments'), json_extract(t.value, '$.arguments'))`;
  const calls = db.has("messages", "tool_calls")
    ? `CASE WHEN json_valid(m.tool_calls) THEN CASE WHEN json_type(m.tool_calls) = 'array' THEN
        (SELECT json_group_array(json_object('id', json_extract(t.value, '$.id'),
           'name', coalesce(json_extract(t.value, '$.function.name'), json_extract(t.value, '$.name')),
           'arguments', substr(${args}, 1, ${argChars + SLACK}), 'arguments_chars', length(${args})))
         FROM json_each(m.tool_calls) t) END END`
    : "NULL";
  const unreadable = db.has("messages", "tool_calls")
    ? "(m.tool_calls IS NOT NULL AND m.tool_calls != '' AND NOT json_valid(m.tool_calls))"
    : "0";
  const reasoning = db.has("messages", "reasoning") ? "m.reasoning" : "NULL";
  return [
    "m.id AS id",
    "m.role AS role",
    `substr(${c("content")}, 1, ${textChars + SLACK}) AS content`,
    `length(${c("content")}) AS content_chars`,
    `${calls} AS tool_calls`,
    `${unreadable} AS tool_calls_unreadable`,
    `${c("tool_call_id")} AS tool_call_id`,
    `${c("tool_name")} AS tool_name`,
    `${c("timestamp")} AS timestamp`,
    `${c("token_count")} AS token_count`,
    `${c("finish_reason")} AS finish_reason`,
    `substr(${reasoning}, 1, ${textChars + SLACK}) AS reasoning`,
    `length(${reasoning}) AS reasoning_chars`,
  ].join(", ");
}

function text(value: unknown, chars: unknown, cap: number): CappedText | null {
  return typeof value === "string" && value !== "" ? cappedText(value, cap, num(chars) ?? undefined) : null;
}

function toMessage(row: Record<string, unknown>, textCap: number, argCap: number): MessageView {
  let calls: ToolCall[] = [];
  if (typeof row.tool_calls === "string") {
    const parsed = JSON.parse(row.tool_calls) as Record<string, unknown>[];
    calls = parsed.map((t) => ({
      id: str(t.id),
      name: str(t.name),
      arguments: text(t.arguments, t.arguments_chars, argCap),
    }));
  }
  return {
    id: num(row.id) ?? 0,
    role: String(row.role ?? ""),
    content: text(row.content, row.content_chars, textCap),
    tool_calls: calls,
    tool_calls_unreadable: Boolean(row.tool_calls_unreadable),
    tool_call_id: str(row.tool_call_id),
    tool_name: str(row.tool_name),
    timestamp: epochIso(row.timestamp),
    token_count: num(row.token_count),
    finish_reason: str(row.finish_reason),
    reasoning: text(row.reasoning, row.reasoning_chars, textCap),
  };
}

export async function listMessages(
  ctx: PaneContext,
  scope: HermesScope,
  sessionId: string,
  page: { after?: number; limit: number },
): Promise<MessagesView> {
  const opened = await requireDb(ctx, scope);
  const empty = { total: 0, data: [] as MessageView[], next_cursor: null as string | null, found: false };
  const { source, value } = await readPane(opened, "state.db", empty, async (db) => {
    if (!db.has("messages", "session_id") || !db.has("sessions", "id")) return empty;
    const [session, rows, count] = await db.read([
      { sql: "SELECT 1 AS found FROM sessions WHERE id = ?", params: [sessionId] },
      {
        sql: `SELECT ${messageSelect(db, PAGE_TEXT_CHARS, PAGE_ARGUMENT_CHARS)} FROM messages m
              WHERE m.session_id = ? AND m.id > ? ORDER BY m.id LIMIT ?`,
        params: [sessionId, page.after ?? 0, page.limit + 1],
      },
      { sql: "SELECT count(*) AS n FROM messages WHERE session_id = ?", params: [sessionId] },
    ]);
    const data = rows!.slice(0, page.limit).map((r) => toMessage(r, PAGE_TEXT_CHARS, PAGE_ARGUMENT_CHARS));
    return {
      found: session!.length > 0,
      total: num(count![0]?.n) ?? 0,
      data,
      next_cursor: rows!.length > page.limit ? String(data.at(-1)!.id) : null,
    };
  });
  const { found, ...messages } = value;
  if (source.status === "ok" && !found) throw notFound("session");
  return { ...scopeFields(scope), source, session_id: sessionId, ...messages };
}

export async function getMessage(
  ctx: PaneContext,
  scope: HermesScope,
  sessionId: string,
  messageId: number,
): Promise<OneMessageView> {
  const opened = await requireDb(ctx, scope);
  const { source, value } = await readPane(opened, "state.db", null, async (db) => {
    if (!db.has("messages", "session_id")) return null;
    const [rows] = await db.read([
      {
        sql: `SELECT ${messageSelect(db, FULL_TEXT_CHARS, FULL_ARGUMENT_CHARS)} FROM messages m
              WHERE m.session_id = ? AND m.id = ?`,
        params: [sessionId, messageId],
      },
    ]);
    return rows![0] ? toMessage(rows![0], FULL_TEXT_CHARS, FULL_ARGUMENT_CHARS) : null;
  });
  if (!value) throw notFound("message");
  return { ...scopeFields(scope), source, session_id: sessionId, message: value };
}
