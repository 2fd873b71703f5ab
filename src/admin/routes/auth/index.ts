/**
 * @module /api/auth: login (sets the `hermes_session` cookie), logout (ends the session server-side), me (who and
 * what role), options (what the login page offers) and the single sign-on round trip (oidc/start, oidc/callback).
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../../../app/create-deps.js";
import { capabilitiesOf, type Capability } from "../../../admin-auth/roles.js";
import type { AdminRole } from "../../../db/schema.js";
import { AppError } from "../../../errors/app-error.js";
import { clientIp } from "../../middleware/request-info.js";
import { clearSessionCookie, optionalSession, setSessionCookie } from "../../middleware/session.js";
import { parseJsonBody } from "../../validation.js";
import { registerOidcRoutes } from "./oidc.js";

export const LoginRequest = z.object({
  username: z.string({ error: "is required and must be a string" }).max(1024, "is too long"),
  password: z.string({ error: "is required and must be a string" }).max(4096, "is too long"),
});
export type LoginRequest = z.infer<typeof LoginRequest>;
export type LoginResponse = { username: string; role: AdminRole };
export type MeResponse = {
  username: string;
  role: AdminRole;
  kind: "local" | "sso" | "env";
  capabilities: readonly Capability[];
  expires_at: string;
};
export type AuthOptionsResponse = { local_login: boolean; sso: { name: string } | null };

export function registerAuthRoutes(app: Hono, deps: Deps): void {
  const { adminAuth: auth } = deps;
  const { trustProxy } = deps.config.http;

  app.post("/api/auth/login", async (c) => {
    const body = await parseJsonBody(c, LoginRequest);
    const result = await auth.login({
      username: body.username,
      password: body.password,
      ip: clientIp(c, trustProxy),
      userAgent: c.req.header("user-agent") ?? null,
    });
    setSessionCookie(c, result.token, result.expiresAt, trustProxy);
    return c.json({ username: result.username, role: result.role } satisfies LoginResponse);
  });

  app.post("/api/auth/logout", async (c) => {
    const session = await optionalSession(c, auth);
    if (session) await auth.logout(session, { username: session.username, ip: clientIp(c, trustProxy) });
    clearSessionCookie(c, trustProxy);
    return c.body(null, 204);
  });

  app.get("/api/auth/me", async (c) => {
    const session = await optionalSession(c, auth);
    if (!session) throw new AppError("unauthorized", "Not signed in.");
    return c.json({
      username: session.username,
      role: session.role,
      kind: session.kind,
      capabilities: capabilitiesOf(session.role),
      expires_at: session.expiresAt.toISOString(),
    } satisfies MeResponse);
  });

  app.get("/api/auth/options", (c) =>
    c.json({
      local_login: deps.config.admin.localLogin,
      sso: deps.config.oidc ? { name: deps.config.oidc.name } : null,
    } satisfies AuthOptionsResponse),
  );

  registerOidcRoutes(app, deps);
}
