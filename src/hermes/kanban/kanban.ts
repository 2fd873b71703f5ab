/**
 * @module The kanban pane. Kanban is shared by every profile of a Hermes home: board `default` is `<root>/kanban.db`,
 * other boards are `<root>/kanban/boards/<slug>/kanban.db` (archived ones under `_archived/` are left out), and
 * `<root>/kanban/current` names the selected one. A board's tasks are counted by status, assignee and priority and
 * listed newest first (paged); one task's comments, events, runs and links come on demand (kanban-task.ts). Free
 * text is redacted.
 */
import path from "node:path";
import { AppError } from "../../errors/app-error.js";
import { listConfinedDirectory } from "../hermes-paths.js";
import { scopeFields, type HermesScope, type ScopeFields } from "../hermes-scope.js";
import type { PaneContext } from "../panes/pane-context.js";
import { preview } from "../panes/pane-text.js";
import { readTextFile } from "../read-files.js";
import { epochIso, num, str } from "../sessions/session-rows.js";
import { openHermesDb, readPane, where, type DbSource, type HermesDb } from "../sqlite/hermes-db.js";

export const BOARD_SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const TASK_ID = /^[A-Za-z0-9_-]{1,64}$/;

export type KanbanBoard = { slug: string; path: string; current: boolean };
export type Count = { value: string | null; tasks: number };

export type TaskSummary = {
  id: string;
  title: string | null;
  status: string;
  assignee: string | null;
  priority: number | null;
  created_by: string | null;
  created_at: string | null;
  started_at: string | null;
  completed_at: string | null;
  block_kind: string | null;
  consecutive_failures: number | null;
  last_failure_error: string | null;
  current_run_id: number | null;
  session_id: string | null;
  model_override: string | null;
};

export type KanbanView = ScopeFields & {
  /** Kanban belongs to the Hermes home, not to one profile. */
  shared_by_profiles: true;
  boards: KanbanBoard[];
  board: string;
  source: DbSource;
  counts: { by_status: Count[]; by_assignee: Count[]; by_priority: Count[] };
  total: number;
  data: TaskSummary[];
  next_cursor: string | null;
};

export type KanbanFilters = {
  board?: string;
  status?: string;
  assignee?: string;
  limit: number;
  cursor?: string;
};

async function boardsOf(scope: HermesScope): Promise<KanbanBoard[]> {
  const current = await readTextFile(scope.roots, path.join(scope.home, "kanban", "current"), {
    maxBytes: 256,
  });
  const selected =
    current.status === "ok" && BOARD_SLUG.test(current.value.trim()) ? current.value.trim() : "default";
  const boards: KanbanBoard[] = [
    { slug: "default", path: path.join(scope.home, "kanban.db"), current: false },
  ];
  const dir = path.join(scope.home, "kanban", "boards");
  for (const e of (await listConfinedDirectory(scope.roots, dir)).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if ((e.isDirectory || e.isSymlink) && BOARD_SLUG.test(e.name) && e.name !== "default") {
      boards.push({ slug: e.name, path: path.join(dir, e.name, "kanban.db"), current: false });
    }
  }
  for (const b of boards) b.current = b.slug === selected;
  return boards;
}

export async function openBoard(ctx: PaneContext, scope: HermesScope, slug: string | undefined) {
  const boards = await boardsOf(scope);
  const board = slug ?? boards.find((b) => b.current)?.slug ?? "default";
  const found = boards.find((b) => b.slug === board);
  if (!found)
    throw new AppError("not_found", "No kanban board with that name in this Hermes home.", {
      param: "board",
    });
  return { boards, board, opened: await openHermesDb(ctx.sqlite, scope.roots, found.path, "kanban.db") };
}

export function taskSelect(db: HermesDb): string {
  const c = (name: string) => `${db.col("tasks", "t", name)} AS ${name}`;
  return [
    "t.id AS id",
    "t.status AS status",
    ...[
      "title",
      "assignee",
      "priority",
      "created_by",
      "created_at",
      "started_at",
      "completed_at",
      "block_kind",
      "consecutive_failures",
      "last_failure_error",
      "current_run_id",
      "session_id",
      "model_override",
    ].map(c),
  ].join(", ");
}

export function toTask(r: Record<string, unknown>): TaskSummary {
  return {
    id: String(r.id),
    title: preview(r.title, 300),
    status: String(r.status ?? ""),
    assignee: str(r.assignee),
    priority: num(r.priority),
    created_by: str(r.created_by),
    created_at: epochIso(r.created_at),
    started_at: epochIso(r.started_at),
    completed_at: epochIso(r.completed_at),
    block_kind: str(r.block_kind),
    consecutive_failures: num(r.consecutive_failures),
    last_failure_error: preview(r.last_failure_error, 1000),
    current_run_id: num(r.current_run_id),
    session_id: str(r.session_id),
    model_override: str(r.model_override),
  };
}

function counts(rows: Record<string, unknown>[] | undefined): Count[] {
  return (rows ?? []).map((r) => ({
    value: r.value === null ? null : String(r.value),
    tasks: num(r.tasks) ?? 0,
  }));
}

function decodeCursor(value: string): [number, string] {
  const m = /^(\d{1,15})_([A-Za-z0-9_-]{1,64})$/.exec(value);
  if (!m)
    throw new AppError("invalid_request", "cursor: must be a next_cursor from a previous page", {
      param: "cursor",
    });
  return [Number(m[1]), m[2]!];
}

export async function listKanban(
  ctx: PaneContext,
  scope: HermesScope,
  f: KanbanFilters,
): Promise<KanbanView> {
  const { boards, board, opened } = await openBoard(ctx, scope, f.board);
  const EMPTY = {
    total: 0,
    data: [] as TaskSummary[],
    next: null as string | null,
    status: [] as Count[],
    assignee: [] as Count[],
    priority: [] as Count[],
  };
  const { source, value } = await readPane(opened, "kanban.db", EMPTY, async (db) => {
    if (!db.has("tasks", "id") || !db.has("tasks", "status")) return EMPTY;
    const created = db.col("tasks", "t", "created_at", "0");
    const filtered = (w = where()) => {
      if (f.status !== undefined) w.add("t.status = ?", f.status);
      if (f.assignee !== undefined) w.add(`${db.col("tasks", "t", "assignee")} = ?`, f.assignee);
      return w;
    };
    const page = filtered();
    if (f.cursor) {
      const [at, id] = decodeCursor(f.cursor);
      page.add(`(${created} < ? OR (${created} = ? AND t.id < ?))`, at, at, id);
    }
    const all = filtered();
    const group = (col: string) =>
      db.has("tasks", col)
        ? `SELECT t.${col} AS value, count(*) AS tasks FROM tasks t GROUP BY t.${col} ORDER BY tasks DESC LIMIT 100`
        : "SELECT NULL AS value, 0 AS tasks LIMIT 0";
    const [rows, total, byStatus, byAssignee, byPriority] = await db.read([
      {
        sql: `SELECT ${taskSelect(db)}, ${created} AS sort_at FROM tasks t ${page.sql()}
              ORDER BY ${created} DESC, t.id DESC LIMIT ?`,
        params: [...page.params, f.limit + 1],
      },
      { sql: `SELECT count(*) AS n FROM tasks t ${all.sql()}`, params: all.params },
      { sql: group("status") },
      { sql: group("assignee") },
      { sql: group("priority") },
    ]);
    const last = rows![f.limit - 1];
    return {
      total: num(total![0]?.n) ?? 0,
      data: rows!.slice(0, f.limit).map(toTask),
      next: rows!.length > f.limit && last ? `${num(last.sort_at) ?? 0}_${String(last.id)}` : null,
      status: counts(byStatus),
      assignee: counts(byAssignee),
      priority: counts(byPriority),
    };
  });
  return {
    ...scopeFields(scope),
    shared_by_profiles: true,
    boards,
    board,
    source,
    counts: { by_status: value.status, by_assignee: value.assignee, by_priority: value.priority },
    total: value.total,
    data: value.data,
    next_cursor: value.next,
  };
}
