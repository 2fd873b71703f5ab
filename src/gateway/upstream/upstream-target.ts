/**
 * @module Where a request goes: the tenant's upstream base for this gateway (`…/v1`), with `/v1/<rest>` mapped to
 * `<base>/<rest>`, and the headers sent there (client headers minus credentials and hop-by-hop ones, plus the
 * tenant's credential, the request id and the caller's identity).
 */
import type { Gateway } from "../../config/config.js";
import { AppError } from "../../errors/app-error.js";
import type { TenantRoute, VerifiedKey } from "../../keys/key-verification.js";
import type { RequestHeaders } from "../node-request.js";

type Base = { origin: string; basePath: string };
const baseCache = new Map<string, Base>();

function parseBase(url: string): Base {
  let base = baseCache.get(url);
  if (!base) {
    const u = new URL(url);
    base = { origin: u.origin, basePath: u.pathname.replace(/\/+$/, "") };
    if (baseCache.size > 1000) baseCache.clear();
    baseCache.set(url, base);
  }
  return base;
}

/**
 * The upstream origin and path for `/v1/<rest>?query` on this tenant and gateway. Tenants never fall back.
 * `override` (a supervised Hermes proxy of the default tenant) replaces the stored URL; null means it cannot run.
 */
export function upstreamTarget(
  tenant: TenantRoute,
  gateway: Gateway,
  pathAndQuery: string,
  override?: string | null,
): { origin: string; path: string } {
  const url =
    override !== undefined ? override : gateway === "pre" ? tenant.preUpstreamUrl : tenant.postUpstreamUrl;
  if (!url) {
    throw new AppError(
      "upstream_not_configured",
      `No ${gateway} upstream is configured for this API key's tenant.`,
    );
  }
  const { origin, basePath } = parseBase(url);
  return { origin, path: basePath + pathAndQuery.slice(3) };
}

/** Headers never forwarded: credentials, hop-by-hop, ones we set ourselves, and identity a client could forge. */
const DROPPED = new Set([
  "host",
  "authorization",
  "proxy-authorization",
  "cookie",
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "content-length",
  "accept-encoding",
  "expect",
  "x-request-id",
  "x-hermes-session-key",
  "x-hms-user-id",
  "x-hms-tenant-id",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-real-ip",
]);

export function upstreamHeaders(
  incoming: RequestHeaders,
  ctx: { requestId: string; key: VerifiedKey; tenant: TenantRoute; hasBody: boolean },
): Record<string, string> {
  const out: Record<string, string> = {};
  const listed = incoming["connection"];
  // Headers named in Connection are hop-by-hop too.
  const extraDropped =
    typeof listed === "string" && listed !== "keep-alive" && listed !== "close"
      ? new Set(listed.split(",").map((s) => s.trim().toLowerCase()))
      : null;
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined || DROPPED.has(name) || extraDropped?.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  if (ctx.hasBody) out["content-type"] = "application/json";
  // We read usage out of the answer, so it must not come compressed.
  out["accept-encoding"] = "identity";
  out["x-request-id"] = ctx.requestId;
  out["x-hermes-session-key"] = `${ctx.key.tenantId}:${ctx.key.apiUserId}`;
  out["x-hms-user-id"] = ctx.key.apiUserId;
  out["x-hms-tenant-id"] = ctx.key.tenantId;
  if (ctx.tenant.upstreamApiKey) out["authorization"] = `Bearer ${ctx.tenant.upstreamApiKey}`;
  return out;
}

/** Upstream response headers passed to the client (e.g. Hermes' x-hermes-session-id), minus ones we own. */
const NOT_RETURNED = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "content-encoding",
  "set-cookie",
  "date",
  "server",
  "x-request-id",
]);

export function clientHeaders(
  upstream: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in upstream) {
    const v = upstream[name];
    if (
      v === undefined ||
      NOT_RETURNED.has(name) ||
      name.startsWith("x-ratelimit-") ||
      name.startsWith("x-hms-")
    )
      continue;
    out[name] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}
