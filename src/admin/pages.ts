/**
 * @module The console (a single-page app built into dist/admin-ui/): index.html for every client route, the hashed
 * assets, and the headers that keep it same-origin. Client routes need a session and redirect to
 * /login?next=<path> without one; /login sends a signed-in admin on to a safe `next`.
 */
import type { Context, Hono } from "hono";
import type { Deps } from "../app/create-deps.js";
import { createAssetStore } from "./console-assets.js";
import { optionalSession } from "./middleware/session.js";
import { safeNextPath } from "./safe-next.js";
import { adminUiDir } from "./static-files.js";

/** The console's client routes (CONTRACT-18.md); each one loads directly. */
export const CLIENT_ROUTES = [
  "/",
  "/api-users",
  "/api-users/:id",
  "/tenants",
  "/tenants/:id",
  "/tenants/:id/hermes",
  "/tenants/:id/hermes/:pane",
  "/usage",
  "/logs",
  "/activity",
  "/status",
  "/admins",
] as const;

/**
 * Everything is bundled: scripts, styles, images and fonts only from this origin, no inline script or style
 * element, no framing, no plugins, no base or form target elsewhere.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  // Always revalidated, so a new build's asset names are picked up at once.
  "cache-control": "no-cache",
};

export function registerPages(app: Hono, deps: Deps): void {
  const auth = deps.adminAuth;
  const assets = createAssetStore(adminUiDir());

  const page = (c: Context): Response => {
    const html = assets.indexHtml();
    if (html === null)
      return c.text("The console is not built: run `npm run build` (or `npm start`).\n", 503, {
        "cache-control": "no-store",
      });
    return c.html(html, 200, PAGE_HEADERS);
  };

  app.get("/login", async (c) => {
    if (await optionalSession(c, auth)) return c.redirect(safeNextPath(c.req.query("next")), 302);
    return page(c);
  });

  for (const route of CLIENT_ROUTES) {
    app.get(route, async (c) => {
      if (!(await optionalSession(c, auth))) {
        const here = c.req.path + (new URL(c.req.url).search || "");
        return c.redirect(`/login?next=${encodeURIComponent(here)}`, 302);
      }
      return page(c);
    });
  }

  app.get("/assets/:name", (c) => {
    const asset = assets.asset(c.req.param("name"));
    if (!asset) return c.notFound();
    const gzip = asset.gzip !== null && /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
    const headers: Record<string, string> = {
      "content-type": asset.type,
      "x-content-type-options": "nosniff",
      // Names carry a content hash: a changed file has a new name.
      "cache-control": "public, max-age=31536000, immutable",
      vary: "accept-encoding",
    };
    if (gzip) headers["content-encoding"] = "gzip";
    return c.body(new Uint8Array(gzip ? asset.gzip! : asset.body), 200, headers);
  });
}
