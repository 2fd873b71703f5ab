/**
 * @module The singleton `providers` block of auth.json (OAuth logins: Nous, Codex, xAI, MiniMax, Qwen…) as the
 * console shows it: when each logged in, when it expires, its endpoints, and for Codex the account from the
 * id_token's claims. Tokens show only whether they are there.
 */
import type { AuthStore } from "./auth-store.js";
import { decodeJwtClaims, expiryState, jwtExpiry, type ExpiryState } from "./expiry.js";
import { asInstant, asNonEmptyString, asObject, isoOrNull, type JsonObject } from "./read-files.js";
import { safeUrl } from "./secrets.js";

export type CodexAccount = {
  email: string | null;
  plan: string | null;
  account_id: string | null;
  user_id: string | null;
};

export type ProviderLoginView = {
  provider: string;
  label: string | null;
  auth_mode: string | null;
  logged_in_at: string | null;
  expires_at: string | null;
  expiry: ExpiryState;
  base_url: string | null;
  has_access_token: boolean;
  has_refresh_token: boolean;
  /** Nous' minted agent key: when it expires (the key itself never leaves). */
  agent_key_expires_at: string | null;
  /** openai-codex / xai-oauth: claims of the id_token. */
  account: CodexAccount | null;
  /** Read from the root home because this profile has no login of its own for the provider. */
  from_root: boolean;
};

/** Email, plan, account and user ids from a ChatGPT id_token's claims (`https://api.openai.com/auth`). */
export function codexAccountOf(claims: JsonObject | null, accountId?: unknown): CodexAccount | null {
  if (!claims && !asNonEmptyString(accountId)) return null;
  const auth = asObject(claims?.["https://api.openai.com/auth"]);
  const profile = asObject(claims?.["https://api.openai.com/profile"]);
  return {
    email: asNonEmptyString(claims?.email) ?? asNonEmptyString(profile?.email),
    plan: asNonEmptyString(auth?.chatgpt_plan_type),
    account_id: asNonEmptyString(auth?.chatgpt_account_id) ?? asNonEmptyString(accountId),
    user_id: asNonEmptyString(auth?.chatgpt_user_id) ?? asNonEmptyString(auth?.user_id),
  };
}

function firstUrl(...values: unknown[]): string | null {
  for (const v of values) {
    const s = asNonEmptyString(v);
    if (s) return safeUrl(s);
  }
  return null;
}

export function providerLoginView(
  provider: string,
  state: JsonObject,
  fromRoot: boolean,
  now: Date,
): ProviderLoginView {
  // Codex and xAI keep their tokens under `tokens`; the others flat.
  const tokens = asObject(state.tokens) ?? state;
  const access = tokens.access_token;
  const idClaims = decodeJwtClaims(tokens.id_token);
  const expiresAt =
    asInstant(state.expires_at) ?? asInstant(tokens.expires_at) ?? jwtExpiry(decodeJwtClaims(access));
  return {
    provider,
    label: asNonEmptyString(state.label),
    auth_mode: asNonEmptyString(state.auth_mode),
    logged_in_at: isoOrNull(asInstant(state.obtained_at) ?? asInstant(state.last_refresh)),
    expires_at: isoOrNull(expiresAt),
    expiry: expiryState(expiresAt, now),
    base_url: firstUrl(state.inference_base_url, state.base_url, state.portal_base_url),
    has_access_token: asNonEmptyString(access) !== null,
    has_refresh_token: asNonEmptyString(tokens.refresh_token) !== null,
    agent_key_expires_at: isoOrNull(asInstant(state.agent_key_expires_at)),
    account:
      provider === "openai-codex" || provider === "xai-oauth"
        ? codexAccountOf(idClaims, tokens.account_id)
        : null,
    from_root: fromRoot,
  };
}

export function providerLoginViews(store: AuthStore, now: Date): ProviderLoginView[] {
  return store.providers.map((p) => providerLoginView(p.id, p.state, p.fromRoot, now));
}
