/**
 * @module The admin session: the `hermes_session` cookie, the guard every /api/admin/* route sits behind, and the
 * typed `c.get("admin")` the routes read the signed-in admin from.
 */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Actor } from "../../admin-events/admin-events.repository.js";
import type { AdminAuth, AdminSession } from "../../admin-auth/admin-auth.service.js";
import { AppError } from "../../errors/app-error.js";
import { clientIp, requestIsHttps } from "./request-info.js";

export type { AdminSession };

declare module "hono" {
  interface ContextVariableMap {
    /** Set by requireSession: the signed-in admin. */
    admin: AdminSession;
    /** Set by requireSession: the admin plus client IP, as recorded in the action trail. */
    adminActor: Actor;
  }
}

export const SESSION_COOKIE = "hermes_session";

export type SessionOptions = { auth: AdminAuth; trustProxy: boolean };

/** Answers 401 JSON unless the request carries a live session; then `c.get("admin")` is set. */
export function requireSession(options: SessionOptions): MiddlewareHandler {
  return async function checkSession(c, next) {
    const session = await options.auth.authenticate(getCookie(c, SESSION_COOKIE));
    if (!session) throw new AppError("unauthorized", "Sign in first: no valid admin session.");
    c.set("admin", session);
    c.set("adminActor", { username: session.username, ip: clientIp(c, options.trustProxy) });
    return next();
  };
}

/** The session, if any, without refusing: for pages that redirect instead of answering 401. */
export async function optionalSession(c: Context, auth: AdminAuth): Promise<AdminSession | null> {
  return auth.authenticate(getCookie(c, SESSION_COOKIE));
}

export function setSessionCookie(c: Context, token: string, expiresAt: Date, trustProxy: boolean): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Strict",
    path: "/",
    secure: requestIsHttps(c, trustProxy),
    expires: expiresAt,
  });
}

export function clearSessionCookie(c: Context, trustProxy: boolean): void {
  deleteCookie(c, SESSION_COOKIE, {
    httpOnly: true,
    sameSite: "Strict",
    path: "/",
    secure: requestIsHttps(c, trustProxy),
  });
}

/** The actor recorded in the action trail for this request (behind requireSession). */
export function actorOf(c: Context): Actor {
  return c.get("adminActor");
}
