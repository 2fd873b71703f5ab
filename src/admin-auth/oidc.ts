/**
 * @module Single sign-on: OIDC Authorization Code flow with PKCE (openid-client). `begin` stores the state's digest
 * with the nonce, PKCE verifier and the safe `next` path for ten minutes; `complete` uses each state once, lets
 * openid-client check state, nonce, PKCE and the ID token, then maps the identity to an admin account: allowed
 * domain, role from the role claim, HERMES_ADMIN_EMAILS promoted to owner at every login, unknown users viewer or
 * refused. Refusals are ordinary answers with a reason, recorded in the action trail.
 */
import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import * as client from "openid-client";
import { insertAdminEvent } from "../admin-events/admin-events.repository.js";
import type { OidcConfig } from "../config/config.js";
import { errSummary } from "../db/database.js";
import type { AdminRole, DB } from "../db/schema.js";
import type { Logger } from "../logging/logger.js";
import {
  findAccountByUsername,
  findSsoAccount,
  insertAccount,
  updateAccount,
  type AdminAccountRow,
} from "./admin-accounts.repository.js";
import { newAdminId } from "./admin-credentials.js";
import { ROLES } from "./roles.js";

export type SsoRefusal = "state" | "failed" | "email" | "domain" | "refused" | "disabled" | "conflict";

export type SsoOutcome =
  { ok: true; account: AdminAccountRow; next: string } | { ok: false; reason: SsoRefusal; next: string };

export interface OidcLogin {
  readonly name: string;
  /** The provider's authorization URL for a new login that returns to `next` (already a safe path). */
  begin(next: string): Promise<{ url: string; state: string }>;
  /** `query` is the callback's query string; `cookieState` the state this browser started with. */
  complete(query: string, cookieState: string | undefined, ip: string): Promise<SsoOutcome>;
}

const LOGIN_TTL_MS = 10 * 60 * 1000;

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** The highest role any value of the claim maps to (a string or an array of strings), or null. */
export function roleFromClaim(
  value: unknown,
  roleMap: Readonly<Record<string, AdminRole>>,
): AdminRole | null {
  const values = Array.isArray(value) ? value : [value];
  const useMap = Object.keys(roleMap).length > 0;
  const roles = values
    .filter((v): v is string => typeof v === "string")
    .map((v) =>
      useMap ? roleMap[v] : (ROLES as readonly string[]).includes(v) ? (v as AdminRole) : undefined,
    )
    .filter((r): r is AdminRole => r !== undefined);
  if (roles.length === 0) return null;
  return ROLES.find((r) => roles.includes(r)) ?? null;
}

export function createOidcLogin(
  db: Kysely<DB>,
  oidc: OidcConfig,
  ownerEmails: readonly string[],
  logger: Logger,
): OidcLogin {
  let discovered: Promise<client.Configuration> | null = null;
  const configuration = () => {
    discovered ??= discover(oidc).catch((err: unknown) => {
      // Tried again on the next login: the provider may just have been down.
      discovered = null;
      throw err;
    });
    return discovered;
  };

  const refuse = async (
    reason: SsoRefusal,
    next: string,
    ip: string,
    who = "unknown",
  ): Promise<SsoOutcome> => {
    await insertAdminEvent(
      db,
      { username: who, ip },
      { action: "auth.login_failed", diff: { via: "sso", reason } },
    );
    logger.warn({ ip, reason }, "admin: single sign-on refused");
    return { ok: false, reason, next };
  };

  return {
    name: oidc.name,

    async begin(next) {
      const config = await configuration();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const verifier = client.randomPKCECodeVerifier();
      await db.deleteFrom("admin_oidc_logins").where("expires_at", "<=", new Date()).execute();
      await db
        .insertInto("admin_oidc_logins")
        .values({
          state_digest: digest(state),
          nonce,
          code_verifier: verifier,
          next_path: next,
          expires_at: new Date(Date.now() + LOGIN_TTL_MS),
        })
        .execute();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: oidc.redirectUrl,
        scope: "openid email profile",
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
      });
      return { url: url.href, state };
    },

    async complete(query, cookieState, ip) {
      const params = new URLSearchParams(query);
      const state = params.get("state");
      // One use per state, and only in the browser that started it (the cookie): a forged or replayed callback fails.
      const pending =
        state && state.length <= 512
          ? await db
              .deleteFrom("admin_oidc_logins")
              .where("state_digest", "=", digest(state))
              .where("expires_at", ">", new Date())
              .returningAll()
              .executeTakeFirst()
          : undefined;
      if (!pending || !state || cookieState !== state) return refuse("state", pending?.next_path ?? "/", ip);
      const next = pending.next_path;
      let claims: Record<string, unknown>;
      try {
        const config = await configuration();
        const callback = new URL(oidc.redirectUrl);
        callback.search = params.toString();
        const tokens = await client.authorizationCodeGrant(config, callback, {
          pkceCodeVerifier: pending.code_verifier,
          expectedState: state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        claims = { ...(tokens.claims() ?? {}) };
      } catch (err) {
        logger.warn({ err: errSummary(err) }, "admin: single sign-on failed at the provider exchange");
        return refuse("failed", next, ip);
      }
      return resolveAccount(claims, next, ip);
    },
  };

  async function resolveAccount(
    claims: Record<string, unknown>,
    next: string,
    ip: string,
  ): Promise<SsoOutcome> {
    const email = typeof claims.email === "string" ? claims.email.toLowerCase() : null;
    const subject = typeof claims.sub === "string" ? claims.sub : null;
    if (!email || !subject || claims.email_verified === false || email.length > 320)
      return refuse("email", next, ip);
    const domain = email.slice(email.lastIndexOf("@") + 1);
    if (oidc.allowedDomains.length > 0 && !oidc.allowedDomains.includes(domain))
      return refuse("domain", next, ip);
    const fromClaim = oidc.roleClaim ? roleFromClaim(claims[oidc.roleClaim], oidc.roleMap) : null;
    const isOwner = ownerEmails.includes(email);
    type Resolved = { refused: SsoRefusal } | { account: AdminAccountRow };
    const result = await db.transaction().execute(async (tx): Promise<Resolved> => {
      let account =
        (await findSsoAccount(tx, oidc.issuer, subject)) ?? (await findAccountByUsername(tx, email));
      // A local or environment account with this name is not taken over by whoever holds the e-mail at the provider.
      if (account && account.kind !== "sso") return { refused: "conflict" };
      if (account && account.sso_subject !== null && account.sso_subject !== subject)
        return { refused: "conflict" };
      if (account?.status === "disabled") return { refused: "disabled" };
      const role: AdminRole | null = isOwner ? "owner" : (fromClaim ?? account?.role ?? null);
      if (!account) {
        const initial = role ?? (oidc.newUsers === "viewer" ? "viewer" : null);
        if (!initial) return { refused: "refused" };
        account = await insertAccount(tx, {
          id: newAdminId(),
          username: email,
          role: initial,
          kind: "sso",
          password_hash: null,
          sso_issuer: oidc.issuer,
          sso_subject: subject,
        });
        await insertAdminEvent(
          tx,
          { username: "sso", ip },
          {
            action: "admin.create",
            targetType: "admin",
            targetId: account.id,
            diff: { after: { username: email, role: initial, kind: "sso" } },
          },
        );
        return { account };
      }
      const changes: Parameters<typeof updateAccount>[2] = {};
      if (account.sso_subject === null)
        Object.assign(changes, { sso_issuer: oidc.issuer, sso_subject: subject });
      if (role && role !== account.role) {
        changes.role = role;
        await insertAdminEvent(
          tx,
          { username: "sso", ip },
          {
            action: "admin.role_change",
            targetType: "admin",
            targetId: account.id,
            diff: {
              username: account.username,
              before: { role: account.role },
              after: { role },
              source: isOwner ? "HERMES_ADMIN_EMAILS" : "role claim",
            },
          },
        );
      }
      if (Object.keys(changes).length > 0) account = await updateAccount(tx, account.id, changes);
      return { account };
    });
    if ("refused" in result) return refuse(result.refused, next, ip, email);
    return { ok: true, account: result.account, next };
  }
}

async function discover(oidc: OidcConfig): Promise<client.Configuration> {
  const issuer = new URL(oidc.issuer);
  // Plain http only for a provider on this machine (development, tests); anything else must be https.
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(issuer.hostname);
  const auth = oidc.clientSecret ? client.ClientSecretBasic(oidc.clientSecret) : client.None();
  return client.discovery(issuer, oidc.clientId, undefined, auth, {
    execute: issuer.protocol === "http:" && loopback ? [client.allowInsecureRequests] : [],
  });
}
