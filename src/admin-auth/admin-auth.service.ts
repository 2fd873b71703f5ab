/**
 * @module Admin login, logout and session lookup. Sessions are opaque random tokens; the database keeps only their
 * SHA-256 digest and expiry. Logins, logouts and failed logins go to the action trail; no password ever does.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { insertAdminEvent, type Actor } from "../admin-events/admin-events.repository.js";
import type { Config } from "../config/config.js";
import { errSummary } from "../db/database.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors/app-error.js";
import type { Logger } from "../logging/logger.js";
import { ensureAdminCredentials, verifyAdminPassword } from "./admin-credentials.js";
import {
  deleteExpiredSessions,
  deleteSession,
  findLiveSession,
  insertSession,
} from "./admin-sessions.repository.js";
import { createLoginLimiter, type LoginLimiter } from "./login-limiter.js";

export type AdminSession = { username: string; expiresAt: Date; tokenDigest: string };

export type LoginInput = { username: string; password: string; ip: string; userAgent: string | null };

export type LoginResult = { username: string; token: string; expiresAt: Date };

export interface AdminAuth {
  /** Throws `unauthorized` for bad credentials and `rate_limit_exceeded` (with retryAfterMs) when blocked. */
  login(input: LoginInput): Promise<LoginResult>;
  logout(session: AdminSession, actor: Actor): Promise<void>;
  /** The live session a cookie token stands for, or null (unknown, expired, or for another username). */
  authenticate(token: string | undefined): Promise<AdminSession | null>;
  purgeExpiredSessions(): Promise<number>;
}

export type AdminAuthOptions = {
  db: Kysely<DB>;
  username: string;
  sessionTtlHours: number;
  logger: Logger;
  limiter?: LoginLimiter;
};

const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function digestSessionToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function createAdminAuth(options: AdminAuthOptions): AdminAuth {
  const { db, username: adminUsername, logger } = options;
  const limiter = options.limiter ?? createLoginLimiter();
  const ttlMs = options.sessionTtlHours * 60 * 60 * 1000;

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
      const result = await verifyAdminPassword(db, adminUsername, input.username, input.password);
      if (!result.ok) {
        await limiter.failed(input.ip, input.username);
        // The attempted username is not recorded unless it is the admin's: people type passwords into it.
        const actor = result.reason === "unknown_username" ? "unknown" : adminUsername;
        await insertAdminEvent(
          db,
          { username: actor, ip: input.ip },
          {
            action: "auth.login_failed",
            diff: { reason: result.reason },
          },
        );
        logger.warn({ ip: input.ip, reason: result.reason }, "admin: failed login");
        throw new AppError("unauthorized", "Invalid username or password.");
      }
      await limiter.succeeded(input.ip, input.username);
      await deleteExpiredSessions(db);
      // A fresh random token every login: an old or planted token is never promoted to a session.
      const token = randomBytes(TOKEN_BYTES).toString("base64url");
      const expiresAt = new Date(Date.now() + ttlMs);
      await db.transaction().execute(async (tx) => {
        await insertSession(tx, {
          tokenDigest: digestSessionToken(token),
          username: adminUsername,
          expiresAt,
          ip: input.ip,
          userAgent: input.userAgent?.slice(0, 512) ?? null,
        });
        await insertAdminEvent(tx, { username: adminUsername, ip: input.ip }, { action: "auth.login" });
      });
      logger.info({ ip: input.ip }, "admin: login");
      return { username: adminUsername, token, expiresAt };
    },

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
      // A session for a previous HERMES_ADMIN_USERNAME does not survive a rename.
      if (!row || row.username !== adminUsername) return null;
      return { username: row.username, expiresAt: row.expiresAt, tokenDigest };
    },

    purgeExpiredSessions: () => deleteExpiredSessions(db),
  };
}

export type StartedAdminAuth = AdminAuth & { stop(): Promise<void> };

const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * At start: make sure a password hash exists (generating and printing one the first time), build the service,
 * purge expired sessions now and hourly. `stop` ends the timer.
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
    username: config.admin.username,
    sessionTtlHours: config.admin.sessionTtlHours,
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
