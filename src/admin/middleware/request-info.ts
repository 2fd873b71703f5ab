/**
 * @module Who is calling and how: the client IP and whether the request arrived over HTTPS. Proxy headers
 * (X-Forwarded-For / X-Forwarded-Proto) count only with HERMES_TRUST_PROXY, else anyone could claim any IP.
 */
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    // The right-most entry is the one our own proxy appended; entries left of it are client-supplied.
    const forwarded = c.req
      .header("x-forwarded-for")
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const last = forwarded?.at(-1);
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    // Not served by @hono/node-server (app.request() in a test): there is no socket.
    return "unknown";
  }
}

export function requestIsHttps(c: Context, trustProxy: boolean): boolean {
  if (trustProxy) {
    const proto = c.req.header("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
    if (proto) return proto === "https";
  }
  return new URL(c.req.url).protocol === "https:";
}

/** The admin's own origin as the browser sees it: scheme plus the Host header. */
export function ownOrigin(c: Context, trustProxy: boolean): string | null {
  const host = c.req.header("host");
  if (!host) return null;
  return `${requestIsHttps(c, trustProxy) ? "https" : "http"}://${host.toLowerCase()}`;
}
