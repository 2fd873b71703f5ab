/**
 * @module CSRF guard for the admin API: state-changing requests must be JSON (a cross-site HTML form cannot send
 * that without a CORS preflight, which we never answer) and, when the browser names an Origin, it must be ours.
 */
import type { MiddlewareHandler } from "hono";
import { AppError } from "../../errors/app-error.js";
import { ownOrigin } from "./request-info.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  return value.split(";")[0]!.trim().toLowerCase() === "application/json";
}

export function csrfProtection(options: { trustProxy: boolean }): MiddlewareHandler {
  return async function checkCsrf(c, next) {
    if (SAFE_METHODS.has(c.req.method)) return next();
    if (!isJsonContentType(c.req.header("content-type"))) {
      throw new AppError("forbidden", "State-changing requests must send Content-Type: application/json.");
    }
    const origin = c.req.header("origin");
    if (origin !== undefined) {
      const own = ownOrigin(c, options.trustProxy);
      if (!own || origin.toLowerCase() !== own) {
        throw new AppError("forbidden", "Cross-origin requests are not allowed.");
      }
    }
    // Browsers that send Fetch Metadata say outright when a request comes from another site.
    if (c.req.header("sec-fetch-site") === "cross-site") {
      throw new AppError("forbidden", "Cross-origin requests are not allowed.");
    }
    return next();
  };
}
