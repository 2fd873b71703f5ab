/**
 * @module The console's HTML pages and assets (plain files from admin-ui/, no build step). Pages need a session and
 * redirect to /login?next=<path> without one; /login sends a signed-in admin on to a safe `next`.
 */
import fs from "node:fs";
import path from "node:path";
import type { Context, Hono } from "hono";
import type { Deps } from "../app/create-deps.js";
import { optionalSession } from "./middleware/session.js";
import { safeNextPath } from "./safe-next.js";
import { adminUiDir } from "./static-files.js";

const ASSETS: Readonly<Record<string, string>> = {
  "app.css": "text/css; charset=utf-8",
  "login.js": "text/javascript; charset=utf-8",
  "console.js": "text/javascript; charset=utf-8",
};

/** Pages are same-origin only: no framing, no inline script, no referrer leaking paths. */
const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

function readUiFile(name: string): string {
  return fs.readFileSync(path.join(adminUiDir(), name), "utf8");
}

function page(c: Context, file: string): Response {
  return c.html(readUiFile(file), 200, PAGE_HEADERS);
}

export function registerPages(app: Hono, deps: Deps): void {
  const auth = deps.adminAuth;

  app.get("/login", async (c) => {
    if (await optionalSession(c, auth)) return c.redirect(safeNextPath(c.req.query("next")), 302);
    return page(c, "login.html");
  });

  app.get("/", async (c) => {
    if (!(await optionalSession(c, auth))) {
      return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 302);
    }
    return page(c, "index.html");
  });

  app.get("/assets/:name", (c) => {
    const name = c.req.param("name");
    // Own keys only: `__proto__` or `constructor` must not find Object.prototype's.
    const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!type) return c.notFound();
    return c.body(readUiFile(name), 200, { "content-type": type, "x-content-type-options": "nosniff" });
  });
}
