/**
 * @module The credential pools of auth.json as the console shows them: every entry's label, type, source,
 * priority, status and error, expiry, request count and base URLs, and its secret only as a fingerprint (sources
 * that keep no secret on disk) or a preview of the last 4 characters. Each provider's selection strategy comes
 * from config.yaml's `credential_pool_strategies`.
 */
import type { AuthStore } from "./auth-store.js";
import { expiryState, type ExpiryState } from "./expiry.js";
import { asInstant, asNonEmptyString, asNumber, asObject, isoOrNull, type JsonObject } from "./read-files.js";
import { maskedPreview, redactLine, safeUrl, secretFingerprint } from "./secrets.js";

export const POOL_STRATEGIES = ["fill_first", "round_robin", "random", "least_used"] as const;
export type PoolStrategy = (typeof POOL_STRATEGIES)[number];

export type SecretView =
  { kind: "fingerprint"; fingerprint: string } | { kind: "preview"; preview: string } | { kind: "none" };

export type PoolEntryView = {
  id: string | null;
  label: string | null;
  auth_type: string | null;
  source: string | null;
  /** The secret lives elsewhere (env, another CLI's file, config.yaml); auth.json holds only a fingerprint. */
  borrowed: boolean;
  priority: number | null;
  /** `ok`, `exhausted`, `dead`, or null when never used. */
  status: string | null;
  status_at: string | null;
  error: {
    code: number | null;
    reason: string | null;
    message: string | null;
    reset_at: string | null;
  } | null;
  failure_reason: string | null;
  expires_at: string | null;
  expiry: ExpiryState;
  last_refresh: string | null;
  request_count: number | null;
  base_url: string | null;
  inference_base_url: string | null;
  agent_key_expires_at: string | null;
  secret: SecretView;
  has_refresh_token: boolean;
};

export type PoolView = {
  provider: string;
  strategy: PoolStrategy;
  strategy_source: "config" | "default";
  /** Read from the root home's auth.json because this profile has no entries of its own for the provider. */
  from_root: boolean;
  suppressed_sources: string[];
  entries: PoolEntryView[];
  /** Entries that are not objects (skipped by Hermes too). */
  skipped_entries: number;
};

/** Sources whose raw secret is kept in auth.json (`agent/credential_persistence.py`); every other is borrowed. */
export function keepsSecretOnDisk(provider: string, source: string | null): boolean {
  if (!source) return true;
  if (source === "manual" || source.startsWith("manual:")) return true;
  if (provider === "anthropic" && source === "hermes_pkce") return true;
  if (provider === "minimax-oauth" && source === "oauth") return true;
  return ["nous", "openai-codex", "xai-oauth"].includes(provider) && source === "device_code";
}

function secretOf(provider: string, source: string | null, e: JsonObject): SecretView {
  const fingerprint = asNonEmptyString(e.secret_fingerprint);
  const token = asNonEmptyString(e.access_token) ?? asNonEmptyString(e.agent_key);
  if (!keepsSecretOnDisk(provider, source)) {
    if (fingerprint) return { kind: "fingerprint", fingerprint };
    // An older file may still hold a borrowed secret: show it the same way Hermes would have.
    return token ? { kind: "fingerprint", fingerprint: secretFingerprint(token) } : { kind: "none" };
  }
  if (token) return { kind: "preview", preview: maskedPreview(token) };
  return fingerprint ? { kind: "fingerprint", fingerprint } : { kind: "none" };
}

function urlOrNull(v: unknown): string | null {
  const s = asNonEmptyString(v);
  return s ? safeUrl(s) : null;
}

export function poolEntryView(provider: string, e: JsonObject, now: Date): PoolEntryView {
  const source = asNonEmptyString(e.source);
  const code = asNumber(e.last_error_code);
  const reason = asNonEmptyString(e.last_error_reason);
  const message = asNonEmptyString(e.last_error_message);
  const resetAt = asInstant(e.last_error_reset_at);
  const expiresAt = asInstant(e.expires_at) ?? asInstant(e.expires_at_ms);
  return {
    id: asNonEmptyString(e.id),
    label: asNonEmptyString(e.label),
    auth_type: asNonEmptyString(e.auth_type),
    source,
    borrowed: !keepsSecretOnDisk(provider, source),
    priority: asNumber(e.priority),
    status: asNonEmptyString(e.last_status),
    status_at: isoOrNull(asInstant(e.last_status_at)),
    error:
      code !== null || reason || message || resetAt
        ? { code, reason, message: message ? redactLine(message) : null, reset_at: isoOrNull(resetAt) }
        : null,
    failure_reason: asNonEmptyString(e.failure_reason),
    expires_at: isoOrNull(expiresAt),
    expiry: expiryState(expiresAt, now),
    last_refresh: isoOrNull(asInstant(e.last_refresh)),
    request_count: asNumber(e.request_count),
    base_url: urlOrNull(e.base_url),
    inference_base_url: urlOrNull(e.inference_base_url),
    agent_key_expires_at: isoOrNull(asInstant(e.agent_key_expires_at)),
    secret: secretOf(provider, source, e),
    has_refresh_token: asNonEmptyString(e.refresh_token) !== null,
  };
}

function strategyOf(strategies: JsonObject | null, provider: string) {
  const configured = strategies?.[provider];
  return typeof configured === "string" && (POOL_STRATEGIES as readonly string[]).includes(configured)
    ? { strategy: configured as PoolStrategy, strategy_source: "config" as const }
    : { strategy: "fill_first" as const, strategy_source: "default" as const };
}

/** Every pool, entries in Hermes' order (priority, then file order), with the strategy each provider uses. */
export function poolViews(store: AuthStore, config: JsonObject | null, now: Date): PoolView[] {
  const strategies = asObject(config?.credential_pool_strategies);
  return store.pools.map(({ key, entries, fromRoot }) => {
    const objects = entries.map(asObject);
    const views = objects
      .filter((e): e is JsonObject => e !== null)
      .map((e) => poolEntryView(key, e, now))
      .map((view, index) => ({ view, index }))
      .sort((a, b) => (a.view.priority ?? 0) - (b.view.priority ?? 0) || a.index - b.index)
      .map((x) => x.view);
    return {
      provider: key,
      ...strategyOf(strategies, key),
      from_root: fromRoot,
      suppressed_sources: store.suppressedSources[key] ?? [],
      entries: views,
      skipped_entries: objects.filter((e) => e === null).length,
    };
  });
}
