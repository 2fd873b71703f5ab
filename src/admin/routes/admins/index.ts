/**
 * @module /api/admin/admins (owners: list, create, change role or status, delete) and /api/admin/me/password
 * (everyone: change one's own password). The permission table decides who may call which.
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../../../app/create-deps.js";
import * as accounts from "../../../admin-auth/admin-accounts.service.js";
import { ROLES } from "../../../admin-auth/roles.js";
import { actorOf } from "../../middleware/session.js";
import { parseJsonBody } from "../../validation.js";

const role = z.enum(ROLES, { error: "must be owner, admin, auditor or viewer" });

export const CreateAdminRequest = z.strictObject({
  username: z
    .string({ error: "is required and must be a string" })
    .trim()
    .min(1, "must not be empty")
    .max(320, "must be at most 320 characters")
    .regex(/^[^\s\p{Cc}]+$/u, "must not contain spaces or control characters"),
  role,
  /** local: password sign-in with a show-once initial password; sso: the e-mail signs in through OIDC. */
  kind: z.enum(["local", "sso"], { error: "must be local or sso" }).default("local"),
});
export type CreateAdminRequest = z.input<typeof CreateAdminRequest>;

export const UpdateAdminRequest = z
  .strictObject({
    role: role.optional(),
    status: z.enum(["active", "disabled"], { error: "must be active or disabled" }).optional(),
  })
  .refine((b) => b.role !== undefined || b.status !== undefined, { message: "give role or status" });
export type UpdateAdminRequest = z.input<typeof UpdateAdminRequest>;

export const ChangePasswordRequest = z.strictObject({
  current_password: z.string({ error: "is required and must be a string" }).max(4096, "is too long"),
  new_password: z.string({ error: "is required and must be a string" }).max(1024, "is too long"),
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

export type AdminAccountResponse = {
  id: string;
  username: string;
  role: accounts.AdminAccount["role"];
  status: accounts.AdminAccount["status"];
  kind: accounts.AdminAccount["kind"];
  created_at: string;
  last_login_at: string | null;
};
export type AdminListResponse = { data: AdminAccountResponse[] };
export type CreatedAdminResponse = { admin: AdminAccountResponse; initial_password: string | null };

function toResponse(a: accounts.AdminAccount): AdminAccountResponse {
  return {
    id: a.id,
    username: a.username,
    role: a.role,
    status: a.status,
    kind: a.kind,
    created_at: a.createdAt.toISOString(),
    last_login_at: a.lastLoginAt?.toISOString() ?? null,
  };
}

export function registerAdminAccountRoutes(app: Hono, deps: Deps): void {
  const db = deps.database.db;

  app.get("/api/admin/admins", async (c) => {
    const data = (await accounts.listAdminAccounts(db)).map(toResponse);
    return c.json({ data } satisfies AdminListResponse);
  });

  app.post("/api/admin/admins", async (c) => {
    const body = await parseJsonBody(c, CreateAdminRequest);
    const created = await accounts.createAdminAccount(db, body, actorOf(c));
    c.header("cache-control", "no-store");
    const response: CreatedAdminResponse = {
      admin: toResponse(created.account),
      initial_password: created.initialPassword,
    };
    return c.json(response, 201);
  });

  app.patch("/api/admin/admins/:id", async (c) => {
    const body = await parseJsonBody(c, UpdateAdminRequest);
    return c.json(toResponse(await accounts.updateAdminAccount(db, c.req.param("id"), body, actorOf(c))));
  });

  app.delete("/api/admin/admins/:id", async (c) => {
    await accounts.deleteAdminAccount(db, c.req.param("id"), actorOf(c));
    return c.body(null, 204);
  });

  app.post("/api/admin/me/password", async (c) => {
    const body = await parseJsonBody(c, ChangePasswordRequest);
    const result = await accounts.changeOwnPassword(
      db,
      c.get("admin"),
      { current: body.current_password, next: body.new_password },
      actorOf(c),
      deps.config.admin.password !== undefined,
    );
    return c.json({ sessions_ended: result.sessionsEnded });
  });
}
