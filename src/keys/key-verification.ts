/**
 * @module Key verification on the request path: bearer token → shape and checksum → digest → cached lookup →
 * status → gateway scope → the key's tenant. "Invalid" is an ordinary answer (a result union), not an exception.
 * Caches are evicted by LISTEN/NOTIFY from every instance's writes, with a short TTL as a safety net.
 */
import type { Kysely } from "kysely";
import type { Gateway } from "../config/config.js";
import type { Database } from "../db/database.js";
import { CHANNELS } from "../db/notifications.js";
import type { DB } from "../db/schema.js";
import type { Logger } from "../logging/logger.js";
import { findTenantById } from "../tenants/tenants.repository.js";
import { decryptUpstreamSecret } from "../tenants/upstream-secret.js";
import { ExpiringCache } from "./key-cache.js";
import { digestApiKey, isWellFormedApiKey } from "./key-format.js";
import { findKeyByDigest } from "./keys.repository.js";

/** What the gateway needs to know about an API user, as of the last change notice. */
export type VerifiedKey = {
  apiUserId: string;
  apiUserName: string;
  tenantId: string;
  gateways: readonly Gateway[];
  rpmLimit: number | null;
  monthlyTokenCap: number | null;
  /** A rotated key in its grace period: when it stops (ISO 8601), for the `x-hms-key-deprecated` header. */
  deprecatedUntil: string | null;
};

/** A tenant's upstreams and its decrypted credential; lives only in memory, never logged. */
export type TenantRoute = {
  id: string;
  /** For metric labels and trace attributes. */
  name: string;
  preUpstreamUrl: string | null;
  postUpstreamUrl: string | null;
  upstreamApiKey: string | null;
};

export type KeyRejection =
  "missing_api_key" | "invalid_api_key" | "key_revoked" | "key_rotated" | "gateway_not_allowed";

export type KeyVerification =
  | { valid: true; key: VerifiedKey; tenant: TenantRoute }
  /** `key` is set when the key was recognised (revoked, or used on the wrong gateway). */
  | { valid: false; reason: KeyRejection; key: VerifiedKey | null };

type CachedKey =
  | { kind: "user"; key: VerifiedKey; revoked: boolean; graceUntilMs: number | null }
  | { kind: "retired"; reason: "rotated" | "revoked"; apiUserId: string }
  | { kind: "unknown" };

export type KeyVerifierOptions = {
  database: Database;
  keyPepper: string | undefined;
  secretKey: Buffer | undefined;
  ttlMs: number;
  logger: Logger;
  maxEntries?: number;
};

export interface KeyVerifier {
  verify(authorization: string | undefined, gateway: Gateway): KeyVerification | Promise<KeyVerification>;
  /** Subscribes to change notices; call once at start. */
  start(): Promise<void>;
  /** Drops everything cached (tests, or a listener reconnect). */
  flush(): void;
  /** Hits, misses and invalidations of the key and tenant caches so far (the metrics endpoint). */
  cacheStats(): Record<"keys" | "tenants", CacheCounts>;
}

export type CacheCounts = { hits: number; misses: number; invalidations: number };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Pulls the key out of an Authorization header: null when absent, "" when present but not a bearer token. */
export function bearerToken(authorization: string | undefined): string | null {
  if (authorization === undefined || authorization.trim() === "") return null;
  return BEARER.exec(authorization)?.[1] ?? "";
}

export function createKeyVerifier(options: KeyVerifierOptions): KeyVerifier {
  const db: Kysely<DB> = options.database.db;
  const maxEntries = options.maxEntries ?? 50_000;
  const keys = new ExpiringCache<CachedKey>({
    ttlMs: options.ttlMs,
    maxEntries,
    tagOf: (v) => (v.kind === "user" ? v.key.apiUserId : v.kind === "retired" ? v.apiUserId : null),
  });
  const tenants = new ExpiringCache<TenantRoute | null>({ ttlMs: options.ttlMs, maxEntries: 10_000 });

  const loadKey = async (digest: string): Promise<CachedKey> => {
    const found = await findKeyByDigest(db, digest);
    if (found.kind === "unknown") return found;
    if (found.kind === "retired")
      return { kind: "retired", reason: found.reason, apiUserId: found.apiUserId };
    const u = found.user;
    return {
      kind: "user",
      revoked: u.status !== "active",
      graceUntilMs: found.graceUntil?.getTime() ?? null,
      key: {
        apiUserId: u.id,
        apiUserName: u.name,
        tenantId: u.tenant_id,
        gateways: [...u.gateways],
        rpmLimit: u.rpm_limit,
        monthlyTokenCap: u.monthly_token_cap,
        deprecatedUntil: found.graceUntil?.toISOString() ?? null,
      },
    };
  };

  const loadTenant = async (id: string): Promise<TenantRoute | null> => {
    const row = await findTenantById(db, id);
    if (!row) return null;
    return {
      id: row.id,
      name: row.name,
      preUpstreamUrl: row.pre_upstream_url,
      postUpstreamUrl: row.post_upstream_url,
      upstreamApiKey: decryptUpstreamSecret(row.upstream_api_key, options.secretKey),
    };
  };

  const decide = (
    entry: CachedKey,
    gateway: Gateway,
    tenantOf: (key: VerifiedKey) => TenantRoute | null | Promise<TenantRoute | null>,
  ): KeyVerification | Promise<KeyVerification> => {
    if (entry.kind === "unknown") return { valid: false, reason: "invalid_api_key", key: null };
    if (entry.kind === "retired")
      return { valid: false, reason: entry.reason === "rotated" ? "key_rotated" : "key_revoked", key: null };
    const key = entry.key;
    // The grace deadline is checked on every request, not by eviction: every instance stops the key at that instant.
    if (entry.graceUntilMs !== null && Date.now() >= entry.graceUntilMs)
      return { valid: false, reason: "key_rotated", key: null };
    if (entry.revoked) return { valid: false, reason: "key_revoked", key };
    if (!key.gateways.includes(gateway)) return { valid: false, reason: "gateway_not_allowed", key };
    const tenant = tenantOf(key);
    const withTenant = (t: TenantRoute | null): KeyVerification =>
      t
        ? { valid: true, key, tenant: t }
        : // The foreign key forbids it; a tenant deleted in between behaves like an unknown key.
          { valid: false, reason: "invalid_api_key", key: null };
    return tenant instanceof Promise ? tenant.then(withTenant) : withTenant(tenant);
  };

  const tenantOf = (key: VerifiedKey) => tenants.get(key.tenantId, () => loadTenant(key.tenantId));

  return {
    verify(authorization, gateway) {
      const token = bearerToken(authorization);
      if (token === null) return { valid: false, reason: "missing_api_key", key: null };
      if (!isWellFormedApiKey(token)) return { valid: false, reason: "invalid_api_key", key: null };
      const digest = digestApiKey(token, options.keyPepper);
      const entry = keys.get(digest, () => loadKey(digest));
      return entry instanceof Promise
        ? entry.then((e) => decide(e, gateway, tenantOf))
        : decide(entry, gateway, tenantOf);
    },
    async start() {
      await options.database.listen(CHANNELS.apiUserChanged, (payload) => {
        if (payload === null) keys.clear();
        else keys.evictTag(payload);
      });
      await options.database.listen(CHANNELS.tenantChanged, (payload) => {
        if (payload === null) tenants.clear();
        else tenants.evict(payload);
      });
    },
    flush() {
      keys.clear();
      tenants.clear();
    },
    cacheStats: () => ({ keys: { ...keys.counts }, tenants: { ...tenants.counts } }),
  };
}
