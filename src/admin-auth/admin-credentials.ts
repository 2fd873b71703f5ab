/**
 * @module Passwords of admin accounts (argon2id) and the environment owner: HERMES_ADMIN_USERNAME with
 * HERMES_ADMIN_PASSWORD (or a password generated and printed once on the first start) is always an active owner
 * account, the break-glass login. Verification always runs argon2, so an unknown username costs as much as a wrong
 * password.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import argon2 from "argon2";
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.js";
import type { Logger } from "../logging/logger.js";
import {
  findAccountByUsername,
  findEnvAccount,
  insertAccount,
  updateAccount,
  type AdminAccountRow,
} from "./admin-accounts.repository.js";

/** Where the single admin's hash lived before accounts existed (read once, to carry it over). */
export const PASSWORD_HASH_SETTING = "admin_password_hash";
const BANNER = "=".repeat(72);

export type CredentialsOutcome = "kept" | "generated" | "replaced";

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export function newAdminId(): string {
  return `adm_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

async function legacyHash(db: Kysely<DB>): Promise<string | undefined> {
  const row = await db
    .selectFrom("app_settings")
    .select("value")
    .where("key", "=", PASSWORD_HASH_SETTING)
    .executeTakeFirst();
  return row?.value;
}

/**
 * Makes sure the environment owner exists with a password hash. A set password replaces a stored hash that does not
 * match it (ending that account's sessions); an unset one keeps the stored hash, or generates a password on the very
 * first start and prints it once (the only place a secret is ever logged). A changed HERMES_ADMIN_USERNAME renames
 * the account and ends its sessions. Two instances starting at once: only the one whose insert wins prints.
 */
export async function ensureAdminCredentials(
  db: Kysely<DB>,
  admin: { username: string; password: string | undefined },
  logger: Logger,
): Promise<CredentialsOutcome> {
  let account = await findEnvAccount(db);
  const clash = await findAccountByUsername(db, admin.username);
  if (clash && clash.kind !== "env") {
    throw new Error(
      "HERMES_ADMIN_USERNAME names an admin account created in the console; choose another username",
    );
  }
  if (account && account.username !== admin.username) {
    account = await db.transaction().execute(async (tx) => {
      await tx.deleteFrom("admin_sessions").where("admin_id", "=", account!.id).execute();
      return updateAccount(tx, account!.id, { username: admin.username, role: "owner", status: "active" });
    });
  }
  const stored = account?.password_hash ?? (await legacyHash(db));
  if (account && (account.role !== "owner" || account.status !== "active")) {
    // The break-glass owner cannot be demoted or disabled for good: the environment restores it.
    account = await updateAccount(db, account.id, { role: "owner", status: "active" });
  }
  if (admin.password !== undefined) {
    if (stored && (await argon2.verify(stored, admin.password).catch(() => false))) {
      if (!account) await storeEnvHash(db, undefined, admin.username, stored, false);
      return "kept";
    }
    const ended = await storeEnvHash(db, account, admin.username, await hashPassword(admin.password), true);
    logger.info(
      { sessionsEnded: ended },
      "admin: password from HERMES_ADMIN_PASSWORD stored (argon2id hash)",
    );
    return "replaced";
  }
  if (stored) {
    if (!account) await storeEnvHash(db, undefined, admin.username, stored, false);
    return "kept";
  }
  const password = randomBytes(24).toString("base64url");
  const inserted = await insertAccount(db, {
    id: newAdminId(),
    username: admin.username,
    role: "owner",
    kind: "env",
    password_hash: await hashPassword(password),
  }).catch(() => null);
  // Another instance inserted first (the unique index on kind = 'env'): it prints its password, this one nothing.
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

async function storeEnvHash(
  db: Kysely<DB>,
  account: AdminAccountRow | undefined,
  username: string,
  hash: string,
  endSessions: boolean,
): Promise<number> {
  return db.transaction().execute(async (tx) => {
    if (!account) {
      await tx
        .insertInto("admin_accounts")
        .values({
          id: newAdminId(),
          username,
          role: "owner",
          kind: "env",
          password_hash: hash,
          updated_at: new Date(),
        })
        // Another instance inserted the environment owner first (the partial unique index on kind).
        .onConflict((oc) => oc.doNothing())
        .execute();
      return 0;
    }
    await updateAccount(tx, account.id, { password_hash: hash });
    if (!endSessions) return 0;
    // A changed password ends every session opened with the old one (it may be why it was changed).
    const res = await tx.deleteFrom("admin_sessions").where("admin_id", "=", account.id).executeTakeFirst();
    return Number(res.numDeletedRows);
  });
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** Compares two strings in time independent of where they differ (digests give equal lengths). */
export function constantTimeEquals(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

// Verified against when the username is unknown, so both paths cost one argon2 run.
let dummyHash: Promise<string> | null = null;

export type VerifyResult =
  | { ok: true; account: AdminAccountRow }
  | {
      ok: false;
      reason: "unknown_username" | "wrong_password" | "disabled";
      account: AdminAccountRow | null;
    };

/** Always one argon2 verification, whichever part is wrong. SSO accounts have no password and never match. */
export async function verifyAdminPassword(
  db: Kysely<DB>,
  username: string,
  password: string,
): Promise<VerifyResult> {
  const found = await findAccountByUsername(db, username);
  // Names are unique regardless of case, but sign-in takes the name exactly as it was created.
  const account = found?.username === username ? found : undefined;
  const hash =
    account?.password_hash ?? (await (dummyHash ??= hashPassword(randomBytes(16).toString("hex"))));
  const passwordOk = await argon2.verify(hash, password).catch(() => false);
  if (!account || account.password_hash === null)
    return { ok: false, reason: "unknown_username", account: null };
  if (!passwordOk) return { ok: false, reason: "wrong_password", account };
  if (account.status !== "active") return { ok: false, reason: "disabled", account };
  return { ok: true, account };
}

export async function checkPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) return false;
  return argon2.verify(hash, password).catch(() => false);
}
