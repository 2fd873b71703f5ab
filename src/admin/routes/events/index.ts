/**
 * @module GET /api/admin/events: the admin action trail, newest first, filtered, paged with `cursor`.
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../../../app/create-deps.js";
import { MAX_PAGE_SIZE, pageAdminEvents } from "../../../admin-events/admin-events.service.js";
import { parseQuery } from "../../validation.js";

const isoDate = z
  .string()
  .refine(
    (v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)),
    "must be an ISO 8601 date or time",
  )
  .transform((v) => new Date(v));

const EventsQuery = z.object({
  actor: z.string().max(200, "is too long").optional(),
  action: z.string().max(100, "is too long").optional(),
  target_type: z.string().max(50, "is too long").optional(),
  target_id: z.string().max(200, "is too long").optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  limit: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
    .default(100),
  cursor: z.string().max(100, "is too long").optional(),
});

export type AdminEventResponse = {
  id: number;
  ts: string;
  actor: string;
  ip: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  diff: unknown;
};

/** GET /api/admin/events: newest first; pass `next_cursor` as `cursor` for the next page (null on the last). */
export type AdminEventPageResponse = { data: AdminEventResponse[]; next_cursor: string | null };

export function registerAdminEventRoutes(app: Hono, deps: Deps): void {
  app.get("/api/admin/events", async (c) => {
    const q = parseQuery(c, EventsQuery);
    const page = await pageAdminEvents(
      deps.database.db,
      {
        actor: q.actor,
        action: q.action,
        targetType: q.target_type,
        targetId: q.target_id,
        from: q.from,
        to: q.to,
      },
      { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) },
    );
    const data: AdminEventResponse[] = page.data.map((e) => ({
      id: e.id,
      ts: e.ts.toISOString(),
      actor: e.actor,
      ip: e.ip,
      action: e.action,
      target_type: e.targetType,
      target_id: e.targetId,
      diff: e.diff,
    }));
    const body: AdminEventPageResponse = { data, next_cursor: page.nextCursor };
    return c.json(body);
  });
}
