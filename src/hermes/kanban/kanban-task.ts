/**
 * @module One kanban task on demand: its body and result (capped), skills, and its latest comments, events and runs
 * (200 each, newest first) and links, from the board's kanban.db. Free text is line-redacted; event payloads (JSON)
 * pass through the deep redaction.
 */
import { AppError } from "../../errors/app-error.js";
import { scopeFields, type HermesScope, type ScopeFields } from "../hermes-scope.js";
import type { PaneContext } from "../panes/pane-context.js";
import { cappedText, preview, type CappedText } from "../panes/pane-text.js";
import { asArray } from "../read-files.js";
import { redactDeep } from "../secrets.js";
import { epochIso, num, str } from "../sessions/session-rows.js";
import { readPane, type DbSource, type HermesDb } from "../sqlite/hermes-db.js";
import type { Statement } from "../sqlite/sqlite-reader.js";
import { openBoard, taskSelect, toTask, type TaskSummary } from "./kanban.js";

const DETAIL_ROWS = 200;

export type TaskView = ScopeFields & {
  board: string;
  source: DbSource;
  task: TaskSummary & { body: CappedText | null; result: CappedText | null; skills: unknown };
  comments: { id: number; author: string | null; created_at: string | null; body: CappedText | null }[];
  events: {
    id: number;
    kind: string;
    run_id: number | null;
    created_at: string | null;
    payload: string | null;
  }[];
  runs: {
    id: number;
    profile: string | null;
    step_key: string | null;
    status: string | null;
    outcome: string | null;
    started_at: string | null;
    ended_at: string | null;
    summary: string | null;
    error: string | null;
  }[];
  links: { parents: string[]; children: string[] };
};

/** A capped per-task query, or none when this kanban.db lacks the table (older Hermes). */
function byTask(db: HermesDb, table: string, column: string, sql: string, taskId: string): Statement {
  return db.has(table, column)
    ? { sql: `${sql} LIMIT ${DETAIL_ROWS}`, params: [taskId] }
    : { sql: "SELECT NULL AS id LIMIT 0" };
}

function payloadText(v: unknown): string | null {
  if (typeof v !== "string" || v === "") return null;
  let text = v;
  try {
    text = JSON.stringify(redactDeep(JSON.parse(v)));
  } catch {
    // Not JSON: shown as text, line-redacted below.
  }
  return cappedText(text, 2000).text;
}

export async function getKanbanTask(
  ctx: PaneContext,
  scope: HermesScope,
  boardSlug: string | undefined,
  taskId: string,
): Promise<TaskView> {
  const { board, opened } = await openBoard(ctx, scope, boardSlug);
  const { source, value } = await readPane(opened, "kanban.db", null, async (db) => {
    if (!db.has("tasks", "id")) return null;
    const [task, comments, events, runs, parents, children] = await db.read([
      {
        sql: `SELECT ${taskSelect(db)}, ${db.col("tasks", "t", "body")} AS body, ${db.col("tasks", "t", "result")} AS result,
                ${db.col("tasks", "t", "skills")} AS skills FROM tasks t WHERE t.id = ?`,
        params: [taskId],
      },
      byTask(
        db,
        "task_comments",
        "task_id",
        `SELECT * FROM task_comments WHERE task_id = ? ORDER BY id DESC`,
        taskId,
      ),
      byTask(
        db,
        "task_events",
        "task_id",
        `SELECT * FROM task_events WHERE task_id = ? ORDER BY id DESC`,
        taskId,
      ),
      byTask(
        db,
        "task_runs",
        "task_id",
        `SELECT * FROM task_runs WHERE task_id = ? ORDER BY id DESC`,
        taskId,
      ),
      byTask(
        db,
        "task_links",
        "child_id",
        "SELECT parent_id AS id FROM task_links WHERE child_id = ?",
        taskId,
      ),
      byTask(
        db,
        "task_links",
        "parent_id",
        "SELECT child_id AS id FROM task_links WHERE parent_id = ?",
        taskId,
      ),
    ]);
    const row = task![0];
    if (!row) return null;
    let skills: unknown = null;
    try {
      skills =
        typeof row.skills === "string"
          ? asArray(JSON.parse(row.skills)).filter((s) => typeof s === "string")
          : null;
    } catch {
      skills = null;
    }
    return {
      task: {
        ...toTask(row),
        body: typeof row.body === "string" ? cappedText(row.body, 16_000) : null,
        result: typeof row.result === "string" ? cappedText(row.result, 16_000) : null,
        skills,
      },
      comments: comments!.map((c) => ({
        id: num(c.id) ?? 0,
        author: str(c.author),
        created_at: epochIso(c.created_at),
        body: typeof c.body === "string" ? cappedText(c.body, 4000) : null,
      })),
      events: events!.map((e) => ({
        id: num(e.id) ?? 0,
        kind: String(e.kind ?? ""),
        run_id: num(e.run_id),
        created_at: epochIso(e.created_at),
        payload: payloadText(e.payload),
      })),
      runs: runs!.map((r) => ({
        id: num(r.id) ?? 0,
        profile: str(r.profile),
        step_key: str(r.step_key),
        status: str(r.status),
        outcome: str(r.outcome),
        started_at: epochIso(r.started_at),
        ended_at: epochIso(r.ended_at),
        summary: preview(r.summary, 1000),
        error: preview(r.error, 1000),
      })),
      links: { parents: parents!.map((p) => String(p.id)), children: children!.map((c) => String(c.id)) },
    };
  });
  if (!value) throw new AppError("not_found", "No task with that id on this board.");
  return { ...scopeFields(scope), board, source, ...value };
}
