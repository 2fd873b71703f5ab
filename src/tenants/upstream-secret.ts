/**
 * @module Tenants' upstream credentials at rest: AES-256-GCM with HERMES_SECRET_KEY (`v1:<iv>:<tag>:<ciphertext>`,
 * base64url), or `plain:<value>` when no key is configured. Plus a short, non-reversible fingerprint for display.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const V1 = "v1";
const PLAIN = "plain:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The warning to log once at start when credentials would be stored unencrypted; null when a key is set. */
export function upstreamSecretWarning(secretKey: Buffer | undefined): string | null {
  return secretKey
    ? null
    : "HERMES_SECRET_KEY is not set: tenants' upstream API keys are stored unencrypted in the database";
}

/** Encrypts for storage. Without a key the value is stored as `plain:<value>` (the start-up log warns). */
export function encryptUpstreamSecret(plain: string, secretKey: Buffer | undefined): string {
  if (!secretKey) return PLAIN + plain;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", secretKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [V1, iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(
    ":",
  );
}

/**
 * Decrypts a stored value. Throws (without the value in the message) when a `v1:` value cannot be decrypted:
 * wrong or missing HERMES_SECRET_KEY, or tampered data. A `plain:` value is returned as is, key or not.
 */
export function decryptUpstreamSecret(stored: string | null, secretKey: Buffer | undefined): string | null {
  if (stored === null) return null;
  if (stored.startsWith(PLAIN)) return stored.slice(PLAIN.length);
  const parts = stored.split(":");
  if (parts.length !== 4 || parts[0] !== V1) {
    throw new Error("upstream secret: unrecognised storage format");
  }
  if (!secretKey) {
    throw new Error("upstream secret: stored encrypted but HERMES_SECRET_KEY is not set");
  }
  const [, ivText, tagText, dataText] = parts as [string, string, string, string];
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new Error("upstream secret: malformed encrypted value");
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", secretKey, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(dataText, "base64url")), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    // GCM authentication failed: a different key than the one it was written with, or altered data.
    throw new Error("upstream secret: cannot decrypt (wrong HERMES_SECRET_KEY or altered data)");
  }
}

/** First 8 hex characters of SHA-256: enough to tell two credentials apart, useless for recovering one. */
export function fingerprintUpstreamSecret(plain: string): string {
  return createHash("sha256").update(plain, "utf8").digest("hex").slice(0, 8);
}
