/**
 * @module The security pane: this gateway's posture for one tenant. Its API keys older than 90 days, never used,
 * or revoked but still listed; failed admin logins in the last day (service-wide: there is one admin); whether
 * HERMES_SECRET_KEY is set (else upstream credentials sit unencrypted in the database); upstream URLs without TLS
 * that leave the machine (the tenant's, and those in the profile's config.yaml); and the Hermes files that hold
 * secrets (`agent/file_safety.py`'s list) with modes wider than 0600.
 */
import { isIP } from "node:net";
import path from "node:path";
import { scopeFields, type HermesScope, type ScopeFields } from "../hermes-scope.js";
import type { PaneContext } from "../panes/pane-context.js";
import { statDirectory } from "../panes/file-range.js";
import { readProfileConfig } from "../panes/profile-config.js";
import { asArray, asObject } from "../read-files.js";
import { safeUrl } from "../secrets.js";
import { failedAdminLogins, tenantApiUsers, tenantUpstreams } from "./security.repository.js";

const DAY_MS = 86_400_000;
export const KEY_AGE_DAYS = 90;
/** Files Hermes treats as secrets, relative to a Hermes home (plus every file in `mcp-tokens/`). */
export const SECRET_FILES = [
  "auth.json",
  "auth.lock",
  ".anthropic_oauth.json",
  ".env",
  "webhook_subscriptions.json",
  "auth/google_oauth.json",
  "cache/bws_cache.json",
];

export type KeyRef = {
  id: string;
  name: string;
  key_prefix: string;
  status: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
};

export type UrlFinding = { where: string; url: string; tls: boolean; loopback: boolean; flagged: boolean };
export type FileMode = { path: string; mode: string; wider_than_0600: boolean };
export type Finding = { severity: "warning" | "info"; code: string; message: string };

export type SecurityView = ScopeFields & {
  findings: Finding[];
  keys: { older_than_90_days: KeyRef[]; never_used: KeyRef[]; revoked_still_listed: KeyRef[] };
  failed_admin_logins: { last_day: number; last_at: string | null; scope: "service" };
  secret_key: { set: boolean; tenant_upstream_key_unencrypted: boolean };
  upstream_urls: UrlFinding[];
  secret_files: FileMode[];
};

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  return h === "::1";
}

export function urlFinding(where: string, value: string): UrlFinding | null {
  if (!URL.canParse(value)) return null;
  const url = new URL(value);
  if (!/^(https?|wss?):$/.test(url.protocol)) return null;
  const tls = url.protocol === "https:" || url.protocol === "wss:";
  const loopback = isLoopback(url.hostname);
  return { where, url: safeUrl(value), tls, loopback, flagged: !tls && !loopback };
}

/** Every URL in a profile's config.yaml that Hermes calls: model, providers, fallbacks, MCP servers. */
function configUrls(config: Record<string, unknown>): UrlFinding[] {
  const out: UrlFinding[] = [];
  const add = (where: string, v: unknown) => {
    const f = typeof v === "string" ? urlFinding(where, v) : null;
    if (f) out.push(f);
  };
  add("model.base_url", asObject(config.model)?.base_url);
  for (const [k, p] of Object.entries(asObject(config.providers) ?? {})) {
    const o = asObject(p) ?? {};
    add(`providers.${k}`, o.base_url ?? o.url ?? o.api);
  }
  asArray(config.custom_providers).forEach((p, i) => {
    const o = asObject(p) ?? {};
    add(`custom_providers[${i}]`, o.base_url ?? o.url ?? o.api);
  });
  asArray(config.fallback_providers).forEach((p, i) =>
    add(`fallback_providers[${i}]`, asObject(p)?.base_url),
  );
  for (const [k, s] of Object.entries(asObject(config.mcp_servers) ?? {}))
    add(`mcp_servers.${k}`, asObject(s)?.url);
  return out;
}

async function secretFiles(scope: HermesScope): Promise<FileMode[]> {
  const out: FileMode[] = [];
  const check = async (rel: string) => {
    const dir = path.join(scope.dir, path.dirname(rel));
    const entry = (await statDirectory(scope.roots, dir)).find((e) => e.name === path.basename(rel));
    if (entry?.kind === "file") {
      out.push({
        path: path.join(scope.dir, rel),
        mode: `0${entry.mode.toString(8)}`,
        wider_than_0600: (entry.mode & 0o177) !== 0,
      });
    }
  };
  for (const rel of SECRET_FILES) await check(rel);
  for (const e of await statDirectory(scope.roots, path.join(scope.dir, "mcp-tokens"), 1000)) {
    if (e.kind === "file") await check(path.join("mcp-tokens", e.name));
  }
  return out;
}

function keyRef(u: Awaited<ReturnType<typeof tenantApiUsers>>[number]): KeyRef {
  return {
    id: u.id,
    name: u.name,
    key_prefix: u.key_prefix,
    status: u.status,
    created_at: new Date(u.created_at).toISOString(),
    last_used_at: u.last_used_at ? new Date(u.last_used_at).toISOString() : null,
    revoked_at: u.revoked_at ? new Date(u.revoked_at).toISOString() : null,
  };
}

export async function getSecurity(
  ctx: PaneContext,
  scope: HermesScope,
  now = new Date(),
): Promise<SecurityView> {
  const users = await tenantApiUsers(ctx.db, scope.tenantId);
  const tenant = await tenantUpstreams(ctx.db, scope.tenantId);
  const logins = await failedAdminLogins(ctx.db, new Date(now.getTime() - DAY_MS));
  const config = await readProfileConfig(scope);
  const active = users.filter((u) => u.status === "active");
  const keys = {
    older_than_90_days: active
      .filter((u) => now.getTime() - new Date(u.created_at).getTime() > KEY_AGE_DAYS * DAY_MS)
      .map(keyRef),
    never_used: active.filter((u) => !u.last_used_at).map(keyRef),
    revoked_still_listed: users.filter((u) => u.status === "revoked").map(keyRef),
  };
  const upstreams = [
    ...[
      ["tenant.pre_upstream_url", tenant?.pre_upstream_url],
      ["tenant.post_upstream_url", tenant?.post_upstream_url],
    ].flatMap(([where, v]) => (v ? [urlFinding(where!, v)] : [])),
    ...configUrls(config.value),
  ].filter((f): f is UrlFinding => f !== null);
  const plainKey =
    typeof tenant?.upstream_api_key === "string" && tenant.upstream_api_key.startsWith("plain:");
  const files = await secretFiles(scope);
  const findings: Finding[] = [];
  const warn = (code: string, n: number, message: string) =>
    n > 0 && findings.push({ severity: "warning", code, message });
  warn(
    "keys_old",
    keys.older_than_90_days.length,
    `${keys.older_than_90_days.length} active key(s) older than ${KEY_AGE_DAYS} days: rotate them`,
  );
  warn(
    "keys_unused",
    keys.never_used.length,
    `${keys.never_used.length} active key(s) never used: revoke what nobody needs`,
  );
  warn(
    "keys_revoked_listed",
    keys.revoked_still_listed.length,
    `${keys.revoked_still_listed.length} revoked key(s) still listed`,
  );
  warn("admin_login_failures", logins.count, `${logins.count} failed admin login(s) in the last day`);
  warn(
    "no_secret_key",
    ctx.secretKeySet ? 0 : 1,
    "HERMES_SECRET_KEY is not set: upstream credentials are stored unencrypted",
  );
  warn(
    "upstream_plaintext",
    upstreams.filter((u) => u.flagged).length,
    "upstream URL(s) without TLS outside this machine",
  );
  warn(
    "secret_file_modes",
    files.filter((f) => f.wider_than_0600).length,
    "Hermes secret file(s) readable by others than their owner",
  );
  return {
    ...scopeFields(scope),
    findings,
    keys,
    failed_admin_logins: {
      last_day: logins.count,
      last_at: logins.last?.toISOString() ?? null,
      scope: "service",
    },
    secret_key: { set: ctx.secretKeySet, tenant_upstream_key_unencrypted: plainKey },
    upstream_urls: upstreams,
    secret_files: files,
  };
}
