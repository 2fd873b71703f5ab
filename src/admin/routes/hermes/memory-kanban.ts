/**
 * @module GET /api/admin/tenants/:id/hermes/memory, …/memory/:file (memory|user), …/kanban, …/kanban/tasks/:task:
 * what the agent remembers, and the shared task board (board `default` or another one with `?board=`).
 */
import type { Hono } from "hono";
import { z } from "zod";
import { getKanbanTask } from "../../../hermes/kanban/kanban-task.js";
import { BOARD_SLUG, listKanban, TASK_ID } from "../../../hermes/kanban/kanban.js";
import { getMemory, getMemoryContent } from "../../../hermes/memory/memory.js";
import type { PaneContext } from "../../../hermes/panes/pane-context.js";
import { parseQuery } from "../../validation.js";
import { cursor, pageLimit, pathParam } from "./pane-query.js";
import { hermesScopeOf } from "./profile-query.js";

export type { MemoryContentView, MemoryView } from "../../../hermes/memory/memory.js";
export type { KanbanView } from "../../../hermes/kanban/kanban.js";
export type { TaskView } from "../../../hermes/kanban/kanban-task.js";

const board = z.string({ error: "must be a string" }).regex(BOARD_SLUG, "must be a board name").optional();

const KanbanQuery = z.object({
  board,
  status: z.string({ error: "must be a string" }).max(50, "is too long").optional(),
  assignee: z.string({ error: "must be a string" }).max(200, "is too long").optional(),
  limit: pageLimit(500, 100),
  cursor: cursor.optional(),
});

export function registerMemoryKanbanRoutes(app: Hono, ctx: PaneContext): void {
  const base = "/api/admin/tenants/:id/hermes";

  app.get(`${base}/memory`, async (c) => c.json(await getMemory(await hermesScopeOf(c, ctx))));

  app.get(`${base}/memory/:file`, async (c) => {
    const scope = await hermesScopeOf(c, ctx);
    return c.json(await getMemoryContent(scope, c.req.param("file") ?? ""));
  });

  app.get(`${base}/kanban`, async (c) => {
    const scope = await hermesScopeOf(c, ctx);
    const q = parseQuery(c, KanbanQuery);
    return c.json(await listKanban(ctx, scope, q));
  });

  app.get(`${base}/kanban/tasks/:task`, async (c) => {
    const scope = await hermesScopeOf(c, ctx);
    const task = pathParam(c.req.param("task"), "task", TASK_ID, "a task id");
    const q = parseQuery(c, z.object({ board }));
    return c.json(await getKanbanTask(ctx, scope, q.board, task));
  });
}
