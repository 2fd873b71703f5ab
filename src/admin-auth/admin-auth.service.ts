/**
 * @module Admin login, logout and session lookup. Sessions are opaque random tokens; the database keeps only their
 * SHA-256 digest, expiry and account. The role is read from the account on every request, so a role change or a
 * disabled account takes effect at once. Logins, logouts and failed logins go to the action trail; no password ever
 * does.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { insertAdminEvent, type Actor } from "../admin-events/admin-events.repository.js";
import type { Config } from "../config/config.js";
import { errSummary } from "../db/database.js";
import type { AdminRole, DB } from "../db/schema.js";
import { AppError } from "../errors/app-error.js";
import type { Logger } from "../logging/logger.js";
import { updateAccount, type AdminAccountRow } from "./admin-accounts.repository.js";
import { ensureAdminCredentials, verifyAdminPassword } from "./admin-credentials.js";
import {
  deleteExpiredSessions,
  deleteSession,
  findLiveSession,
  insertSession,
} from "./admin-sessions.repository.js";
import { createLoginLimiter, type LoginLimiter } from "./login-limiter.js";

export type AdminSession = {
  adminId: string;
  username: string;
  role: AdminRole;
  kind: "local" | "sso" | "env";
  expiresAt: Date;
  tokenDigest: string;
};

export type LoginInput = { username: string; password: string; ip: string; userAgent: string | null };

export type LoginResult = { username: string; role: AdminRole; token: string; expiresAt: Date };

export interface AdminAuth {
  /** Throws `unauthorized` for bad credentials and `rate_limit_exceeded` (with retryAfterMs) when blocked. */
  login(input: LoginInput): Promise<LoginResult>;
  /** Opens a session for an account already authenticated elsewhere (SSO); records `auth.login` with `via`. */
  startSession(
    account: AdminAccountRow,
    client: { ip: string; userAgent: string | null },
    via: string,
  ): Promise<LoginResult>;
  logout(session: AdminSession, actor: Actor): Promise<void>;
  /** The live session a cookie token stands for, or null (unknown, expired, or its account disabled/deleted). */
  authenticate(token: string | undefined): Promise<AdminSession | null>;
  purgeExpiredSessions(): Promise<number>;
}

export type AdminAuthOptions = {
  db: Kysely<DB>;
  sessionTtlHours: number;
  /** false: only the environment owner may sign in with a password (break-glass); everyone else uses SSO. */
  localLogin: boolean;
  logger: Logger;
  limiter?: LoginLimiter;
};

const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function digestSessionToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function createAdminAuth(options: AdminAuthOptions): AdminAuth {
  const { db, logger } = options;
  const limiter = options.limiter ?? createLoginLimiter();
  const ttlMs = options.sessionTtlHours * 60 * 60 * 1000;

  const startSession: AdminAuth["startSession"] = async (account, client, via) => {
    await deleteExpiredSessions(db);
    // A fresh random token every login: an old or planted token is never promoted to a session.
    const token = randomBytes(TOKEN_BYTES).toString("base64url");
    const expiresAt = new Date(Date.now() + ttlMs);
    await db.transaction().execute(async (tx) => {
      await insertSession(tx, {
        tokenDigest: digestSessionToken(token),
        username: account.username,
        adminId: account.id,
        expiresAt,
        ip: client.ip,
        userAgent: client.userAgent?.slice(0, 512) ?? null,
      });
      await updateAccount(tx, account.id, { last_login_at: new Date() });
      await insertAdminEvent(
        tx,
        { username: account.username, ip: client.ip },
        {
          action: "auth.login",
          targetType: "admin",
          targetId: account.id,
          diff: { via, role: account.role },
        },
      );
    });
    logger.info({ ip: client.ip, via }, "admin: login");
    return { username: account.username, role: account.role, token, expiresAt };
  };

  return {
    async login(input) {
      const check = await limiter.begin(input.ip, input.username);
      if (check.blocked) {
        logger.warn(
          { ip: input.ip, retryAfterMs: check.retryAfterMs },
          "admin: login blocked (too many failures)",
        );
        throw new AppError("rate_limit_exceeded", "Too many failed logins. Try again later.", {
          retryAfterMs: check.retryAfterMs,
        });
      }
      const result = await verifyAdminPassword(db, input.username, input.password);
      const refusedLocal = result.ok && !options.localLogin && result.account.kind !== "env";
      if (!result.ok || refusedLocal) {
        await limiter.failed(input.ip, input.username);
        const reason = result.ok ? "local_login_disabled" : result.reason;
        // The attempted username is not recorded unless it is an account's: people type passwords into it.
        await insertAdminEvent(
          db,
          { username: result.account?.username ?? "unknown", ip: input.ip },
          { action: "auth.login_failed", diff: { reason } },
        );
        logger.warn({ ip: input.ip, reason }, "admin: failed login");
        if (refusedLocal)
          throw new AppError("unauthorized", "Password sign-in is turned off; use single sign-on.");
        throw new AppError("unauthorized", "Invalid username or password.");
      }
      await limiter.succeeded(input.ip, input.username);
      return startSession(result.account, { ip: input.ip, userAgent: input.userAgent }, "password");
    },

    startSession,

    async logout(session, actor) {
      await db.transaction().execute(async (tx) => {
        await deleteSession(tx, session.tokenDigest);
        await insertAdminEvent(tx, actor, { action: "auth.logout" });
      });
      logger.info({ ip: actor.ip }, "admin: logout");
    },

    async authenticate(token) {
      if (!token || !TOKEN_PATTERN.test(token)) return null;
      const tokenDigest = digestSessionToken(token);
      const row = await findLiveSession(db, tokenDigest);
      if (!row || row.status !== "active") return null;
      return {
        adminId: row.adminId,
        username: row.username,
        role: row.role,
        kind: row.kind,
        expiresAt: row.expiresAt,
        tokenDigest,
      };
    },

    purgeExpiredSessions: () => deleteExpiredSessions(db),
  };
}

export type StartedAdminAuth = AdminAuth & { stop(): Promise<void> };

const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * At start: make sure the environment owner exists (generating and printing a password the first time), build the
 * service, purge expired sessions now and hourly. `stop` ends the timer.
 */
export async function startAdminAuth(
  db: Kysely<DB>,
  config: Pick<Config, "admin">,
  logger: Logger,
  /**
   * credentialsStored: ensureAdminCredentials ran already (at bootstrap); clusterWorker: the login counters live in
   * the cluster primary.
   */
  options: { credentialsStored?: boolean; clusterWorker?: boolean } = {},
): Promise<StartedAdminAuth> {
  if (!options.credentialsStored) await ensureAdminCredentials(db, config.admin, logger);
  const auth = createAdminAuth({
    db,
    sessionTtlHours: config.admin.sessionTtlHours,
    localLogin: config.admin.localLogin,
    logger,
    limiter: createLoginLimiter(undefined, { clusterWorker: options.clusterWorker }),
  });
  const purge = () =>
    auth.purgeExpiredSessions().then(
      (n) => n > 0 && logger.debug({ purged: n }, "admin: expired sessions purged"),
      (err: unknown) => logger.warn({ err: errSummary(err) }, "admin: session purge failed"),
    );
  await purge();
  const timer = setInterval(() => void purge(), PURGE_INTERVAL_MS);
  timer.unref();
  return { ...auth, stop: async () => clearInterval(timer) };
}
