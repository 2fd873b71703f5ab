/**
 * @module Masking for what a Hermes home holds: a fingerprint (Hermes' own `sha256:<16 hex>` form) or a preview of
 * at most the last 4 characters for a known secret; a deep redaction for shapes we do not know (any key that looks
 * like it names a credential is masked, and so is any value that looks like a token); and a line redactor for
 * process output. Nothing that leaves through the API should hold a secret unmasked; the tests plant
 * recognisable fake secrets and scan every response for them.
 */
import { createHash } from "node:crypto";

/** The same form Hermes writes for borrowed credentials (`agent/credential_persistence.py`). */
export function secretFingerprint(secret: string): string {
  return `sha256:${createHash("sha256").update(secret, "utf8").digest("hex").slice(0, 16)}`;
}

/** Below this length even 4 characters give too much away, so the preview shows none. */
const PREVIEW_MIN_LENGTH = 12;

/** `…abcd` (the last 4 characters) for a secret of 12+ characters, `…` for a shorter one. */
export function maskedPreview(secret: string): string {
  return secret.length >= PREVIEW_MIN_LENGTH ? `…${secret.slice(-4)}` : "…";
}

/** Key names that hold credentials in the formats we read (token, secret, api_key, password, auth, cookie…). */
export const SECRET_KEY_PATTERN =
  /token|secret|key|passw|pwd|auth|credential|cookie|bearer|private|signature|jwt/i;

/** Names the pattern matches that are known not to hold a secret in Hermes' formats. */
const NOT_SECRET_KEYS = new Set([
  "auth_type",
  "auth_mode",
  "authenticated",
  "key_env",
  "api_key_env",
  "token_type",
  "secret_source",
  "secret_fingerprint",
  "secret_set",
  "has_refresh_token",
  "has_access_token",
  "has_api_key",
  "session_id",
  "session_key_prefix",
]);

export function isSecretKey(key: string): boolean {
  if (!SECRET_KEY_PATTERN.test(key) || NOT_SECRET_KEYS.has(key.toLowerCase())) return false;
  // "author" names a person, "authorization" a credential.
  return !/author(?!i[sz]ation)/i.test(key) || /token|secret|key|passw|credential/i.test(key);
}

/** Values that are tokens whatever key they sit under: JWTs, and vendors' recognisable key prefixes. */
const SECRET_VALUE_PATTERNS = [
  /^eyJ[\w-]{8,}\.[\w-]{8,}\./, // JWT (header.payload.)
  /^(sk|rk|pk)-[\w-]{8,}/, // OpenAI, Anthropic (sk-ant-…), OpenRouter (sk-or-…)
  /^(ghp|gho|ghu|ghs|ghr|github_pat)_[\w]{8,}/,
  /^xox[abposr]-[\w-]{8,}/, // Slack
  /^AIza[\w-]{20,}/, // Google API key
  /^ya29\.[\w-]{8,}/, // Google OAuth access token
  /^1\/\/[\w-]{8,}/, // Google refresh token
  /^xai-[\w]{8,}/,
  /^hms_[\w]{8,}/, // our own API keys
];

export function looksLikeSecretValue(value: string): boolean {
  const v = value.trim();
  return SECRET_VALUE_PATTERNS.some((re) => re.test(v));
}

export function redactedMarker(value: unknown): string {
  return typeof value === "string" && value.length >= PREVIEW_MIN_LENGTH
    ? `[redacted ${maskedPreview(value)}]`
    : "[redacted]";
}

/**
 * A copy of an unknown JSON/YAML shape in which every string under a credential-looking key (at any depth below
 * it) is masked, and every token-looking string is masked wherever it sits. Numbers and booleans stay (a
 * `max_tokens` is no secret); URLs lose their userinfo.
 */
export function redactDeep(value: unknown, underSecretKey = false, depth = 0): unknown {
  if (depth > 32) return "[redacted]";
  if (typeof value === "string") {
    return underSecretKey && value !== "" ? redactedMarker(value) : redactString(value);
  }
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, underSecretKey, depth + 1));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = redactDeep(v, underSecretKey || isSecretKey(k), depth + 1);
    }
    return out;
  }
  return value;
}

function redactString(value: string): string {
  if (looksLikeSecretValue(value)) return redactedMarker(value);
  return /^[a-z][a-z0-9+.-]*:\/\/[^/\s]*@/i.test(value) ? safeUrl(value) : value;
}

/** A URL without its userinfo and with credential-looking query values masked; non-URLs come back unchanged. */
export function safeUrl(value: string): string {
  if (!URL.canParse(value)) return value;
  const url = new URL(value);
  if (url.username || url.password) {
    url.username = "";
    url.password = "";
  }
  for (const name of [...url.searchParams.keys()]) {
    if (isSecretKey(name) || name.toLowerCase() === "key") url.searchParams.set(name, "[redacted]");
  }
  return url.toString();
}

const LINE_PATTERNS: [RegExp, (m: string, ...groups: string[]) => string][] = [
  // Authorization: Bearer <token>, Basic <credentials>
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, (_m, scheme: string) => `${scheme} [redacted]`],
  // key=value, key: value, "key": "value" where the key names a credential
  [
    /(["']?)([A-Za-z0-9_.-]*(?:token|secret|passw|api[_-]?key|apikey|credential|cookie|authorization)[A-Za-z0-9_.-]*)\1(\s*[:=]\s*)(["']?)([^\s"',;&}]+)\4/gi,
    (_m, q: string, key: string, sep: string, vq: string) => `${q}${key}${q}${sep}${vq}[redacted]${vq}`,
  ],
  // Tokens by their shape, anywhere in the line
  [/\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g, () => "[redacted]"],
  [/\b(sk|rk|pk)-[\w-]{8,}/g, () => "[redacted]"],
  [/\b(ghp|gho|ghu|ghs|ghr|github_pat)_\w{8,}/g, () => "[redacted]"],
  [/\bxox[abposr]-[\w-]{8,}/g, () => "[redacted]"],
  [/\bAIza[\w-]{20,}/g, () => "[redacted]"],
  [/\bya29\.[\w-]{8,}/g, () => "[redacted]"],
  [/\bhms_\w{8,}/g, () => "[redacted]"],
  // userinfo in URLs
  [/([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(:[^/\s@]*)?@/gi, (_m, scheme: string) => `${scheme}[redacted]@`],
];

/** Masks what looks like a credential in one line of free text (process output, error messages). */
export function redactLine(line: string): string {
  let out = line;
  for (const [re, replace] of LINE_PATTERNS) out = out.replace(re, replace as (m: string) => string);
  return out;
}
