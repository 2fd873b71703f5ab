/**
 * @module Refuses control characters (NUL included) in the admin API's path parameters and query parameters, before
 * any route runs: ids and filters never hold them, and PostgreSQL cannot store NUL. One guard on /api/*, so every
 * route, present or future, is covered without a check of its own.
 */
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { AppError } from "../../errors/app-error.js";

/** A percent-encoded C0 control or DEL: %00-%1F, %7F. */
const ENCODED_CONTROL = /%(?:[01][0-9a-f]|7f)/i;
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
const RAW_CONTROL = /[\u0000-\u001f\u007f]/;
const PLAIN_NAME = /^[\w.-]{1,64}$/;

const hasControl = (raw: string): boolean => ENCODED_CONTROL.test(raw) || RAW_CONTROL.test(raw);

function refuse(field: string): AppError {
  return new AppError("invalid_request", `${field}: must not contain control characters`, { param: field });
}

/** The route's name for the path segment at `index` (`:id` → `id`), or `path` for a literal or unknown one. */
function paramName(pattern: string, index: number): string {
  const segment = pattern.split("/")[index] ?? "";
  const name = segment.startsWith(":") ? segment.slice(1).replace(/[{?].*$/, "") : "";
  return PLAIN_NAME.test(name) ? name : "path";
}

function queryName(pair: string): string {
  try {
    const name = decodeURIComponent(pair.split("=", 1)[0]!.replace(/\+/g, " "));
    return PLAIN_NAME.test(name) ? name : "query";
  } catch {
    return "query";
  }
}

export function refuseControlCharacters(): MiddlewareHandler {
  return async function checkUrlText(c, next) {
    const url = c.req.url;
    const start = url.indexOf("/", url.indexOf("//") + 2);
    const q = url.indexOf("?", start);
    const path = q === -1 ? url.slice(start) : url.slice(start, q);
    if (hasControl(path)) {
      const segments = path.split("/");
      // The handler's own pattern (the last route matched) names the parameter.
      throw refuse(paramName(routePath(c, -1), segments.findIndex(hasControl)));
    }
    if (q !== -1) {
      for (const pair of url.slice(q + 1).split("&")) if (hasControl(pair)) throw refuse(queryName(pair));
    }
    return next();
  };
}
