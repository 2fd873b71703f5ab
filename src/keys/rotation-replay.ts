/**
 * @module Safe retries of a key rotation (Idempotency-Key). A rotate that names a key keeps, for 24 hours, what a
 * retry needs to answer with the same new key: the new key's digest and the key itself sealed with AES-256-GCM under
 * a key derived (HKDF-SHA256) from HERMES_SECRET_KEY, bound to the API user and the Idempotency-Key. A database dump
 * alone therefore never yields a usable key, and the record goes after a day. Without HERMES_SECRET_KEY nothing is
 * sealed: a retry is still recognised (no second rotation) but answers 409, since the key cannot be shown again.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { AppError } from "../errors/app-error.js";
import { digestApiKey } from "./key-format.js";
import type { RotationRequestRow } from "./keys.repository.js";

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

/**
 * The new key a retried rotate answers with: only for the same settings, only while it is still the user's key, and
 * only if it can be unsealed. Otherwise 409, and nothing rotates.
 */
export function replayedKey(
  currentDigest: string,
  earlier: RotationRequestRow,
  request: string,
  binding: string,
  ctx: { secretKey?: Buffer | undefined; keyPepper: string | undefined },
): string {
  if (earlier.request_digest !== request)
    throw new AppError("conflict", "This Idempotency-Key was used for a rotation with other settings.");
  if (currentDigest !== earlier.new_key_digest)
    throw new AppError(
      "conflict",
      "The key issued for this Idempotency-Key has since been rotated or revoked.",
    );
  const apiKey = openNewKey(earlier.new_key_sealed, ctx.secretKey, binding);
  if (apiKey === null || digestApiKey(apiKey, ctx.keyPepper) !== currentDigest)
    throw new AppError(
      "conflict",
      "This rotation already happened; its new key cannot be shown again (it is kept only with HERMES_SECRET_KEY).",
    );
  return apiKey;
}
