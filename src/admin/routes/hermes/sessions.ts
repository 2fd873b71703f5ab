/**
 * @module GET /api/admin/tenants/:id/hermes/sessions…: a profile's state.db sessions (paged, filtered), one
 * session, its messages (paged), and one message whole.
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { PaneContext } from "../../../hermes/panes/pane-context.js";
import { getMessage, getSession, listMessages } from "../../../hermes/sessions/session-detail.js";
import { listSessions } from "../../../hermes/sessions/session-list.js";
import { parseQuery } from "../../validation.js";
import { bool, cursor, ID_PATTERN, isoDate, pageLimit, pathParam } from "./pane-query.js";
import { hermesScopeOf } from "./profile-query.js";

export type { SessionsView } from "../../../hermes/sessions/session-list.js";
export type { MessagesView, OneMessageView, SessionView } from "../../../hermes/sessions/session-detail.js";

const SessionsQuery = z.object({
  source: z.string({ error: "must be a string" }).max(100, "is too long").optional(),
  model: z.string({ error: "must be a string" }).max(300, "is too long").optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  q: z.string({ error: "must be a string" }).min(1, "must not be empty").max(200, "is too long").optional(),
  cron: z
    .enum(["include", "exclude", "only"], { error: "must be include, exclude or only" })
    .default("include"),
  cron_job: z
    .string({ error: "must be a string" })
    .regex(/^[A-Za-z0-9-]{1,64}$/, "must be a cron job id (letters, digits, '-')")
    .optional(),
  include_children: bool.default(false),
  limit: pageLimit(200, 50),
  cursor: cursor.optional(),
});

const MessagesQuery = z.object({
  after: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(0, "must be >= 0")
    .optional(),
  limit: pageLimit(200, 50),
});

export function registerSessionRoutes(app: Hono, ctx: PaneContext): void {
  const base = "/api/admin/tenants/:id/hermes/sessions";

  app.get(base, async (c) => {
    const scope = await hermesScopeOf(c, ctx);
    const q = parseQuery(c, SessionsQuery);
    return c.json(
      await listSessions(ctx, scope, {
        source: q.source,
        model: q.model,
        from: q.from,
        to: q.to,
        q: q.q,
        cron: q.cron,
        cronJob: q.cron_job,
        includeChildren: q.include_children,
        limit: q.limit,
        cursor: q.cursor,
      }),
    );
  });

  app.get(`${base}/:session`, async (c) => {
    const scope = await hermesScopeOf(c, ctx);
    const id = pathParam(c.req.param("session"), "session", ID_PATTERN, "a session id");
    return c.json(await getSession(ctx, scope, id));
  });

  app.get(`${base}/:session/messages`, async (c) => {
    const scope = await hermesScopeOf(c, ctx);
    const id = pathParam(c.req.param("session"), "session", ID_PATTERN, "a session id");
    const q = parseQuery(c, MessagesQuery);
    return c.json(await listMessages(ctx, scope, id, { after: q.after, limit: q.limit }));
  });

  app.get(`${base}/:session/messages/:message`, async (c) => {
    const scope = await hermesScopeOf(c, ctx);
    const id = pathParam(c.req.param("session"), "session", ID_PATTERN, "a session id");
    const message = pathParam(c.req.param("message"), "message", /^\d{1,15}$/, "a message id (a number)");
    return c.json(await getMessage(ctx, scope, id, Number(message)));
  });
}
