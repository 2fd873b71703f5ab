/**
 * @module Safe retries of a key rotation (Idempotency-Key). A rotate that names a key keeps, for 24 hours, what a
 * retry needs to answer with the same new key: the new key's digest and the key itself sealed with AES-256-GCM under
 * a key derived (HKDF-SHA256) from HERMES_SECRET_KEY, bound to the API user and the Idempotency-Key. A database dump
 * alone therefore never yields a usable key, and the record goes after a day. Without HERMES_SECRET_KEY nothing is
 * sealed: a retry is still recognised (no second rotation) but answers 409, since the key cannot be shown again.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";

export const REPLAY_TTL_MS = 24 * 60 * 60 * 1000;
const INFO = "hermes-control-plane/key-rotation-replay/v1";

export function digestText(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function sealingKey(secretKey: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", secretKey, Buffer.alloc(0), INFO, 32));
}

/** `iv.tag.ciphertext` (base64url), or null without a secret key. */
export function sealNewKey(plain: string, secretKey: Buffer | undefined, binding: string): string | null {
  if (!secretKey) return null;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealingKey(secretKey), iv);
  cipher.setAAD(Buffer.from(binding, "utf8"));
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), data].map((b) => b.toString("base64url")).join(".");
}

/** The sealed key, or null when it cannot be opened (no or another secret key, altered row, other binding). */
export function openNewKey(
  sealed: string | null,
  secretKey: Buffer | undefined,
  binding: string,
): string | null {
  if (!sealed || !secretKey) return null;
  const [iv, tag, data] = sealed.split(".").map((p) => Buffer.from(p, "base64url"));
  if (!iv || !tag || !data || iv.length !== 12 || tag.length !== 16) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", sealingKey(secretKey), iv);
    decipher.setAAD(Buffer.from(binding, "utf8"));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
