/**
 * @module Admin accounts for owners: list, create (local with a show-once initial password, or an SSO e-mail that
 * signs in through OIDC), change role, disable, delete; and every admin's own password change. There is always an
 * active owner: the last one cannot be demoted, disabled or deleted. The environment owner is managed by the
 * environment only. Each change commits with its action-trail row.
 */
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { insertAdminEvent, type Actor } from "../admin-events/admin-events.repository.js";
import type { AdminRole, DB } from "../db/schema.js";
import { AppError } from "../errors/app-error.js";
import {
  deleteAccount,
  deleteSessionsOf,
  findAccountById,
  findAccountByUsername,
  insertAccount,
  listAccounts,
  lockAccounts,
  updateAccount,
  type AdminAccountRow,
} from "./admin-accounts.repository.js";
import { checkPassword, hashPassword, newAdminId } from "./admin-credentials.js";

export type AdminAccount = {
  id: string;
  username: string;
  role: AdminRole;
  status: "active" | "disabled";
  kind: "local" | "sso" | "env";
  createdAt: Date;
  lastLoginAt: Date | null;
};

export function accountRowToAccount(row: AdminAccountRow): AdminAccount {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    status: row.status,
    kind: row.kind,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
  };
}

export const MIN_PASSWORD_LENGTH = 12;

function notFound(): AppError {
  return new AppError("not_found", "No admin account with this id.");
}

const activeOwners = (rows: AdminAccountRow[]) =>
  rows.filter((r) => r.role === "owner" && r.status === "active");

export async function listAdminAccounts(db: Kysely<DB>): Promise<AdminAccount[]> {
  return (await listAccounts(db)).map(accountRowToAccount);
}

export type NewAdminInput = { username: string; role: AdminRole; kind: "local" | "sso" };

/** A local account gets a random initial password, returned this once; an SSO account gets none. */
export async function createAdminAccount(
  db: Kysely<DB>,
  input: NewAdminInput,
  actor: Actor,
): Promise<{ account: AdminAccount; initialPassword: string | null }> {
  const initialPassword = input.kind === "local" ? randomBytes(15).toString("base64url") : null;
  const hash = initialPassword ? await hashPassword(initialPassword) : null;
  const account = await db.transaction().execute(async (tx) => {
    if (await findAccountByUsername(tx, input.username))
      throw new AppError("conflict", "An admin account with this username already exists.");
    const row = await insertAccount(tx, {
      id: newAdminId(),
      username: input.kind === "sso" ? input.username.toLowerCase() : input.username,
      role: input.role,
      kind: input.kind,
      password_hash: hash,
    });
    await insertAdminEvent(tx, actor, {
      action: "admin.create",
      targetType: "admin",
      targetId: row.id,
      diff: { after: { username: row.username, role: row.role, kind: row.kind } },
    });
    return accountRowToAccount(row);
  });
  return { account, initialPassword };
}

export type AdminChanges = { role?: AdminRole; status?: "active" | "disabled" };

export async function updateAdminAccount(
  db: Kysely<DB>,
  id: string,
  changes: AdminChanges,
  actor: Actor,
): Promise<AdminAccount> {
  return db.transaction().execute(async (tx) => {
    const all = await lockAccounts(tx);
    const row = all.find((r) => r.id === id);
    if (!row) throw notFound();
    if (row.kind === "env" && (changes.role ?? "owner") !== "owner")
      throw new AppError("conflict", "The environment owner (HERMES_ADMIN_USERNAME) is always an owner.");
    if (row.kind === "env" && changes.status === "disabled")
      throw new AppError("conflict", "The environment owner (HERMES_ADMIN_USERNAME) cannot be disabled.");
    const after = { role: changes.role ?? row.role, status: changes.status ?? row.status };
    const owners = activeOwners(all);
    if (owners.length === 1 && owners[0]!.id === id && (after.role !== "owner" || after.status !== "active"))
      throw new AppError("conflict", "The last owner cannot be demoted or disabled.");
    const updated = await updateAccount(tx, id, after);
    const changed = (["role", "status"] as const).filter((k) => row[k] !== after[k]);
    if (changed.length > 0) {
      await insertAdminEvent(tx, actor, {
        action: changed.includes("role") ? "admin.role_change" : "admin.update",
        targetType: "admin",
        targetId: id,
        diff: {
          username: row.username,
          before: Object.fromEntries(changed.map((k) => [k, row[k]])),
          after: Object.fromEntries(changed.map((k) => [k, after[k]])),
        },
      });
    }
    // A disabled account is signed out everywhere at once.
    if (after.status === "disabled") await deleteSessionsOf(tx, id);
    return accountRowToAccount(updated);
  });
}

export async function deleteAdminAccount(db: Kysely<DB>, id: string, actor: Actor): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const all = await lockAccounts(tx);
    const row = all.find((r) => r.id === id);
    if (!row) throw notFound();
    if (row.kind === "env")
      throw new AppError("conflict", "The environment owner (HERMES_ADMIN_USERNAME) cannot be deleted.");
    const owners = activeOwners(all);
    if (owners.length === 1 && owners[0]!.id === id)
      throw new AppError("conflict", "The last owner cannot be deleted.");
    await deleteAccount(tx, id);
    await insertAdminEvent(tx, actor, {
      action: "admin.delete",
      targetType: "admin",
      targetId: id,
      diff: { before: { username: row.username, role: row.role, kind: row.kind } },
    });
  });
}

/** The current password is required; every other session of the account ends. */
export async function changeOwnPassword(
  db: Kysely<DB>,
  session: { adminId: string; tokenDigest: string },
  input: { current: string; next: string },
  actor: Actor,
  envPasswordSet: boolean,
): Promise<{ sessionsEnded: number }> {
  const row = await findAccountById(db, session.adminId);
  if (!row) throw new AppError("unauthorized", "Sign in first: no valid admin session.");
  if (row.kind === "sso") throw new AppError("conflict", "This account signs in through single sign-on.");
  if (row.kind === "env" && envPasswordSet)
    throw new AppError("conflict", "This account's password is set by HERMES_ADMIN_PASSWORD.");
  if (!(await checkPassword(row.password_hash, input.current)))
    throw new AppError("invalid_request", "current_password: is not your current password", {
      param: "current_password",
    });
  if (input.next.length < MIN_PASSWORD_LENGTH)
    throw new AppError(
      "invalid_request",
      `new_password: must be at least ${MIN_PASSWORD_LENGTH} characters`,
      {
        param: "new_password",
      },
    );
  const hash = await hashPassword(input.next);
  return db.transaction().execute(async (tx) => {
    await updateAccount(tx, row.id, { password_hash: hash });
    const ended = await deleteSessionsOf(tx, row.id, session.tokenDigest);
    await insertAdminEvent(tx, actor, {
      action: "admin.password_change",
      targetType: "admin",
      targetId: row.id,
      diff: { sessions_ended: ended },
    });
    return { sessionsEnded: ended };
  });
}
