/**
 * @module The API key format: `hms_` + 43 base64url characters (256 random bits) + a 6-character CRC-32 checksum.
 * A mistyped key fails the checksum and is rejected without touching the database. Only a digest is stored.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";

export const KEY_PREFIX = "hms_";
const BODY_LENGTH = 43; // base64url of 32 bytes
const CHECKSUM_LENGTH = 6; // base64url of a 4-byte CRC-32
const KEY_PATTERN = /^hms_[A-Za-z0-9_-]{49}$/;
/** Characters of the body shown in the display prefix (`hms_ab12cd34…`). */
const DISPLAY_CHARS = 8;

function checksumOf(keyWithoutChecksum: string): string {
  const buf = Buffer.alloc(4);
  buf.writeUInt32BE(crc32(keyWithoutChecksum) >>> 0);
  return buf.toString("base64url");
}

/** A fresh random key. The plaintext is returned to the admin once and never stored. */
export function generateApiKey(): string {
  const head = KEY_PREFIX + randomBytes(32).toString("base64url");
  return head + checksumOf(head);
}

/** Shape and checksum only; says nothing about whether the key exists. */
export function isWellFormedApiKey(candidate: string): boolean {
  if (candidate.length !== KEY_PREFIX.length + BODY_LENGTH + CHECKSUM_LENGTH || !KEY_PATTERN.test(candidate))
    return false;
  const head = candidate.slice(0, -CHECKSUM_LENGTH);
  return checksumOf(head) === candidate.slice(-CHECKSUM_LENGTH);
}

/** The public part shown in lists and logs: `hms_ab12cd34`. */
export function displayPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX.length + DISPLAY_CHARS);
}

/**
 * SHA-256 of the key, or HMAC-SHA-256 with the server pepper when one is configured (a stolen database then
 * cannot be checked against guessed keys). Changing the pepper invalidates every key.
 */
export function digestApiKey(key: string, pepper: string | undefined): string {
  return pepper
    ? createHmac("sha256", pepper).update(key).digest("hex")
    : createHash("sha256").update(key).digest("hex");
}

/** Text with anything key-shaped masked: for client-controlled text that is logged or audited, such as a URL path. */
export function maskKeysIn(text: string): string {
  return text.includes(KEY_PREFIX) ? text.replace(/hms_[A-Za-z0-9_-]*/g, "hms_[redacted]") : text;
}
