/**
 * @module The single sign-on round trip. /api/auth/oidc/start remembers the browser's `state` in a short Lax cookie
 * and sends it to the provider; /api/auth/oidc/callback checks it, signs the admin in and moves on to the safe `next`
 * path through a tiny same-origin page: a redirect straight from the provider's cross-site navigation would not
 * carry the SameSite=Strict session cookie on its next request.
 */
import type { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Deps } from "../../../app/create-deps.js";
import { createOidcLogin } from "../../../admin-auth/oidc.js";
import { AppError } from "../../../errors/app-error.js";
import { clientIp, requestIsHttps } from "../../middleware/request-info.js";
import { setSessionCookie } from "../../middleware/session.js";
import { CONTENT_SECURITY_POLICY } from "../../pages.js";
import { safeNextPath } from "../../safe-next.js";

const STATE_COOKIE = "hermes_oidc_state";

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function registerOidcRoutes(app: Hono, deps: Deps): void {
  const { trustProxy } = deps.config.http;
  const oidc = deps.config.oidc
    ? createOidcLogin(deps.database.db, deps.config.oidc, deps.config.admin.ownerEmails, deps.logger)
    : null;

  app.get("/api/auth/oidc/start", async (c) => {
    if (!oidc) throw new AppError("not_found", "Single sign-on is not configured.");
    const { url, state } = await oidc.begin(safeNextPath(c.req.query("next")));
    setCookie(c, STATE_COOKIE, state, {
      httpOnly: true,
      // Lax: it must come back on the provider's top-level redirect to the callback.
      sameSite: "Lax",
      path: "/api/auth/oidc",
      secure: requestIsHttps(c, trustProxy),
      maxAge: 600,
    });
    return c.redirect(url, 302);
  });

  app.get("/api/auth/oidc/callback", async (c) => {
    if (!oidc) throw new AppError("not_found", "Single sign-on is not configured.");
    const ip = clientIp(c, trustProxy);
    const cookieState = getCookie(c, STATE_COOKIE);
    deleteCookie(c, STATE_COOKIE, { path: "/api/auth/oidc", secure: requestIsHttps(c, trustProxy) });
    const outcome = await oidc.complete(new URL(c.req.url).search, cookieState, ip);
    let target: string;
    if (outcome.ok) {
      const session = await deps.adminAuth.startSession(
        outcome.account,
        { ip, userAgent: c.req.header("user-agent") ?? null },
        "sso",
      );
      setSessionCookie(c, session.token, session.expiresAt, trustProxy);
      target = safeNextPath(outcome.next);
    } else {
      const next = safeNextPath(outcome.next);
      target = `/login?sso_error=${outcome.reason}${next !== "/" ? `&next=${encodeURIComponent(next)}` : ""}`;
    }
    const href = escapeHtml(target);
    return c.html(
      `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><title>Signing in…</title><a href="${href}">Continue</a>`,
      200,
      {
        "content-security-policy": CONTENT_SECURITY_POLICY,
        "cache-control": "no-store",
        "referrer-policy": "no-referrer",
      },
    );
  });
}
