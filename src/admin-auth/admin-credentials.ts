/**
 * @module The admin's password: an argon2id hash in app_settings, from HERMES_ADMIN_PASSWORD or generated (and
 * printed once) on the first start. Verification compares usernames in constant time and always runs argon2, so a
 * wrong username costs as much as a wrong password.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import argon2 from "argon2";
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.js";
import type { Logger } from "../logging/logger.js";

export const PASSWORD_HASH_SETTING = "admin_password_hash";
const BANNER = "=".repeat(72);

export type CredentialsOutcome = "kept" | "generated" | "replaced";

async function readHash(db: Kysely<DB>): Promise<string | undefined> {
  const row = await db
    .selectFrom("app_settings")
    .select("value")
    .where("key", "=", PASSWORD_HASH_SETTING)
    .executeTakeFirst();
  return row?.value;
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

/**
 * Makes sure a password hash is stored. A set password replaces a stored hash that does not match it; an unset one
 * keeps the stored hash, or generates a password on the very first start and prints it once (the only place a
 * secret is ever logged). Two instances starting at once: only the one whose insert wins prints.
 */
export async function ensureAdminCredentials(
  db: Kysely<DB>,
  admin: { username: string; password: string | undefined },
  logger: Logger,
): Promise<CredentialsOutcome> {
  const stored = await readHash(db);
  if (admin.password !== undefined) {
    if (stored && (await argon2.verify(stored, admin.password).catch(() => false))) return "kept";
    const hash = await hashPassword(admin.password);
    const signedOut = await db.transaction().execute(async (tx) => {
      await tx
        .insertInto("app_settings")
        .values({ key: PASSWORD_HASH_SETTING, value: hash, updated_at: new Date() })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value: hash, updated_at: new Date() }))
        .execute();
      // A changed password ends every session opened with the old one (it may be why it was changed).
      const res = stored ? await tx.deleteFrom("admin_sessions").executeTakeFirst() : undefined;
      return Number(res?.numDeletedRows ?? 0);
    });
    logger.info(
      { sessionsEnded: signedOut },
      "admin: password from HERMES_ADMIN_PASSWORD stored (argon2id hash)",
    );
    return "replaced";
  }
  if (stored) return "kept";
  const password = randomBytes(24).toString("base64url");
  const hash = await hashPassword(password);
  const inserted = await db
    .insertInto("app_settings")
    .values({ key: PASSWORD_HASH_SETTING, value: hash, updated_at: new Date() })
    .onConflict((oc) => oc.column("key").doNothing())
    .returning("key")
    .executeTakeFirst();
  if (!inserted) return "kept";
  // Message text, not a `password` field: the logger redacts that field, and this one line must show it.
  for (const line of [
    BANNER,
    BANNER,
    "GENERATED ADMIN PASSWORD (shown only this once; only its argon2id hash is stored)",
    `admin username: ${admin.username}`,
    `admin password: ${password}`,
    "Log in on the admin port, or set HERMES_ADMIN_PASSWORD (16+ characters) to replace it.",
    BANNER,
    BANNER,
  ]) {
    logger.warn(line);
  }
  return "generated";
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** Compares two strings in time independent of where they differ (digests give equal lengths). */
export function constantTimeEquals(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export type VerifyResult = { ok: true } | { ok: false; reason: "unknown_username" | "wrong_password" };

/** Always one argon2 verification against the stored hash, whichever part is wrong. */
export async function verifyAdminPassword(
  db: Kysely<DB>,
  expectedUsername: string,
  username: string,
  password: string,
): Promise<VerifyResult> {
  const hash = await readHash(db);
  const usernameOk = constantTimeEquals(username, expectedUsername);
  if (!hash) return { ok: false, reason: usernameOk ? "wrong_password" : "unknown_username" };
  const passwordOk = await argon2.verify(hash, password).catch(() => false);
  if (!usernameOk) return { ok: false, reason: "unknown_username" };
  return passwordOk ? { ok: true } : { ok: false, reason: "wrong_password" };
}
