/**
 * @module The sessions pane: a profile's state.db sessions, newest first, paged by a keyset cursor (started_at,
 * id), filtered by source, model, start date, text (id or title), cron runs and cron job. By default it lists
 * what Hermes lists (roots plus /branch and reset children; compression continuations are left out, their parent
 * ends with `compression`); `include_children` lists every row. Facets give the sources and models to filter by.
 */
import { AppError } from "../../errors/app-error.js";
import { scopeFields, type HermesScope, type ScopeFields } from "../hermes-scope.js";
import type { PaneContext } from "../panes/pane-context.js";
import { readPane, where, type DbSource, type HermesDb, type Where } from "../sqlite/hermes-db.js";
import type { Statement } from "../sqlite/sqlite-reader.js";
import {
  cronIdRange,
  num,
  openStateDb,
  stateMissing,
  summarySelect,
  toSummary,
  type SessionSummary,
} from "./session-rows.js";

export type SessionFilters = {
  source?: string;
  model?: string;
  /** started_at ≥ from, < to. */
  from?: Date;
  to?: Date;
  /** Substring of the id or title. */
  q?: string;
  cron?: "include" | "exclude" | "only";
  cronJob?: string;
  includeChildren?: boolean;
  limit: number;
  cursor?: string;
};

export type Facet = { value: string; sessions: number };

export type SessionsView = ScopeFields & {
  source: DbSource;
  schema_version: number | null;
  /** Columns (`table.column`) or tables this state.db lacks; their fields read as null. */
  missing_columns: string[];
  total: number;
  data: SessionSummary[];
  next_cursor: string | null;
  facets: { sources: Facet[]; models: Facet[] };
};

type Cursor = [startedAt: number, id: string];

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

function decodeCursor(value: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(c) && typeof c[0] === "number" && typeof c[1] === "string") return [c[0], c[1]];
  } catch {
    // fall through
  }
  throw new AppError("invalid_request", "cursor: must be a next_cursor from a previous page", {
    param: "cursor",
  });
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/** Roots plus the children Hermes lists (branches and resets carry `_branched_from` / `_reset_from`). */
function visibleSql(db: HermesDb): string | null {
  if (!db.has("sessions", "parent_session_id")) return null;
  if (!db.has("sessions", "model_config")) return "s.parent_session_id IS NULL";
  const field = (f: string) =>
    `CASE WHEN json_valid(s.model_config) THEN json_extract(s.model_config, '$.${f}') END IS NOT NULL`;
  return `(s.parent_session_id IS NULL OR ${field("_branched_from")} OR ${field("_reset_from")})`;
}

function whereOf(db: HermesDb, f: SessionFilters): Where {
  const w = where();
  const visible = f.includeChildren ? null : visibleSql(db);
  if (visible) w.add(visible);
  if (f.source !== undefined) w.add("s.source = ?", f.source);
  if (f.model !== undefined) w.add(`${db.col("sessions", "s", "model")} = ?`, f.model);
  if (f.from) w.add("s.started_at >= ?", f.from.getTime() / 1000);
  if (f.to) w.add("s.started_at < ?", f.to.getTime() / 1000);
  if (f.q !== undefined) {
    if (db.has("sessions", "title")) {
      w.add("(s.id LIKE ? ESCAPE '\\' OR s.title LIKE ? ESCAPE '\\')", likePattern(f.q), likePattern(f.q));
    } else w.add("s.id LIKE ? ESCAPE '\\'", likePattern(f.q));
  }
  if (f.cronJob !== undefined || f.cron === "only" || f.cron === "exclude") {
    const [lo, hi] = cronIdRange(f.cronJob ?? null);
    const inRange = "(s.id >= ? AND s.id < ?)";
    w.add(f.cron === "exclude" && f.cronJob === undefined ? `NOT ${inRange}` : inRange, lo, hi);
  }
  return w;
}

function facetSql(column: string): string {
  return `SELECT ${column} AS value, count(*) AS sessions FROM sessions s WHERE ${column} IS NOT NULL AND ${column} != ''
    GROUP BY ${column} ORDER BY sessions DESC, value LIMIT 50`;
}

function facets(rows: Record<string, unknown>[] | undefined): Facet[] {
  return (rows ?? []).map((r) => ({ value: String(r.value), sessions: num(r.sessions) ?? 0 }));
}

type Page = {
  total: number;
  data: SessionSummary[];
  next_cursor: string | null;
  schema: number | null;
  sources: Facet[];
  models: Facet[];
};

const EMPTY_PAGE: Page = { total: 0, data: [], next_cursor: null, schema: null, sources: [], models: [] };

export async function listSessions(
  ctx: PaneContext,
  scope: HermesScope,
  f: SessionFilters,
): Promise<SessionsView> {
  const opened = await openStateDb(ctx, scope);
  const { source, value } = await readPane(opened, "state.db", EMPTY_PAGE, async (db): Promise<Page> => {
    if (!db.has("sessions", "id") || !db.has("sessions", "source") || !db.has("sessions", "started_at")) {
      return EMPTY_PAGE;
    }
    const filters = whereOf(db, f);
    const page = whereOf(db, f);
    if (f.cursor) {
      const [at, id] = decodeCursor(f.cursor);
      page.add("(s.started_at < ? OR (s.started_at = ? AND s.id < ?))", at, at, id);
    }
    const statements: Statement[] = [
      {
        sql: `SELECT ${summarySelect(db)} FROM sessions s ${page.sql()} ORDER BY s.started_at DESC, s.id DESC LIMIT ?`,
        params: [...page.params, f.limit + 1],
      },
      { sql: `SELECT count(*) AS n FROM sessions s ${filters.sql()}`, params: filters.params },
      { sql: facetSql("s.source") },
      {
        sql: db.has("sessions", "model")
          ? facetSql("s.model")
          : "SELECT NULL AS value, 0 AS sessions LIMIT 0",
      },
      {
        sql: db.has("schema_version", "version")
          ? "SELECT max(version) AS v FROM schema_version"
          : "SELECT NULL AS v",
      },
    ];
    const [rows, count, sources, models, version] = await db.read(statements);
    const more = rows!.length > f.limit;
    const data = rows!.slice(0, f.limit).map(toSummary);
    const last = rows![f.limit - 1];
    return {
      total: num(count![0]?.n) ?? 0,
      data,
      next_cursor: more && last ? encodeCursor([Number(last.started_at), String(last.id)]) : null,
      schema: num(version![0]?.v),
      sources: facets(sources),
      models: facets(models),
    };
  });
  return {
    ...scopeFields(scope),
    source,
    schema_version: value.schema,
    missing_columns: opened.db && source.status === "ok" ? stateMissing(opened.db) : [],
    total: value.total,
    data: value.data,
    next_cursor: value.next_cursor,
    facets: { sources: value.sources, models: value.models },
  };
}
