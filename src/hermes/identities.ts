/**
 * @module The accounts a tenant's Hermes is logged into outside auth.json: the Codex CLI (`auth.json` id_token
 * claims), Claude Code (`.credentials.json`), Hermes' own Anthropic login (`.anthropic_oauth.json`, per profile),
 * the Gemini CLI (`oauth_creds.json`, `google_accounts.json`) and a legacy Hermes Google login
 * (`auth/google_oauth.json`). Each is marked expired / expiring within 24 h / valid; tokens never leave.
 */
import path from "node:path";
import { codexAccountOf, type CodexAccount } from "./provider-logins.js";
import { decodeJwtClaims, expiryState, jwtExpiry, type ExpiryState } from "./expiry.js";
import {
  asArray,
  asInstant,
  asNonEmptyString,
  asObject,
  fileStatus,
  isoOrNull,
  readJsonFile,
  type FileStatus,
  type JsonObject,
} from "./read-files.js";

/** Where the external CLIs keep their logins for one tenant. */
export type CliHomes = { codex: string; claude: string; gemini: string };

type Login = { expires_at: string | null; expiry: ExpiryState; has_refresh_token: boolean };

function login(expiresAt: Date | null, refresh: unknown, now: Date): Login {
  return {
    expires_at: isoOrNull(expiresAt),
    expiry: expiryState(expiresAt, now),
    has_refresh_token: asNonEmptyString(refresh) !== null,
  };
}

async function readObject(roots: readonly string[], file: string) {
  const read = await readJsonFile(roots, file);
  const status = fileStatus(read);
  const data = read.status === "ok" ? asObject(read.value) : null;
  if (read.status === "ok" && !data) {
    return { status: { ...status, status: "corrupt" as const, reason: "not a JSON object" }, data: null };
  }
  return { status, data };
}

export type CodexIdentity = {
  file: FileStatus;
  account: CodexAccount | null;
  last_refresh: string | null;
} & Login & {
    has_api_key: boolean;
  };

async function codexIdentity(roots: readonly string[], home: string, now: Date): Promise<CodexIdentity> {
  const { status, data } = await readObject(roots, path.join(home, "auth.json"));
  const tokens = asObject(data?.tokens);
  const access = decodeJwtClaims(tokens?.access_token);
  const id = decodeJwtClaims(tokens?.id_token);
  return {
    file: status,
    account: codexAccountOf(id, tokens?.account_id),
    last_refresh: isoOrNull(asInstant(data?.last_refresh)),
    ...login(jwtExpiry(access) ?? jwtExpiry(id), tokens?.refresh_token, now),
    has_api_key: asNonEmptyString(data?.OPENAI_API_KEY) !== null,
  };
}

export type ClaudeIdentity = {
  file: FileStatus;
  subscription_type: string | null;
  rate_limit_tier: string | null;
  scopes: string[];
} & Login;

async function claudeIdentity(roots: readonly string[], home: string, now: Date): Promise<ClaudeIdentity> {
  const { status, data } = await readObject(roots, path.join(home, ".credentials.json"));
  const oauth = asObject(data?.claudeAiOauth);
  return {
    file: status,
    subscription_type: asNonEmptyString(oauth?.subscriptionType),
    rate_limit_tier: asNonEmptyString(oauth?.rateLimitTier),
    scopes: asArray(oauth?.scopes).filter((s): s is string => typeof s === "string"),
    ...login(asInstant(oauth?.expiresAt), oauth?.refreshToken, now),
  };
}

export type HermesAnthropicIdentity = { file: FileStatus } & Login;

async function hermesAnthropicIdentity(
  roots: readonly string[],
  dir: string,
  now: Date,
): Promise<HermesAnthropicIdentity> {
  const { status, data } = await readObject(roots, path.join(dir, ".anthropic_oauth.json"));
  return {
    file: status,
    ...login(asInstant(data?.expiresAt ?? data?.expires_at), data?.refreshToken ?? data?.refresh_token, now),
  };
}

export type GeminiIdentity = {
  file: FileStatus;
  accounts_file: FileStatus;
  email: string | null;
  active_account: string | null;
  other_accounts: number;
  scopes: string[];
} & Login;

async function geminiIdentity(roots: readonly string[], home: string, now: Date): Promise<GeminiIdentity> {
  const creds = await readObject(roots, path.join(home, "oauth_creds.json"));
  const accounts = await readObject(roots, path.join(home, "google_accounts.json"));
  const claims = decodeJwtClaims(creds.data?.id_token);
  const scope = asNonEmptyString(creds.data?.scope);
  return {
    file: creds.status,
    accounts_file: accounts.status,
    email: asNonEmptyString(claims?.email),
    active_account: asNonEmptyString(accounts.data?.active),
    other_accounts: asArray(accounts.data?.old).length,
    scopes: scope ? scope.split(/\s+/) : [],
    ...login(asInstant(creds.data?.expiry_date) ?? jwtExpiry(claims), creds.data?.refresh_token, now),
  };
}

export type LegacyGoogleIdentity = {
  file: FileStatus;
  email: string | null;
  project_id: string | null;
  managed_project_id: string | null;
};

/** `auth/google_oauth.json` from Hermes' removed google-gemini-cli provider: `refresh` = `token|project|managed`. */
async function legacyGoogleIdentity(roots: readonly string[], dir: string): Promise<LegacyGoogleIdentity> {
  const { status, data } = await readObject(roots, path.join(dir, "auth", "google_oauth.json"));
  const parts = (asNonEmptyString(data?.refresh) ?? "").split("|");
  return {
    file: status,
    email: asNonEmptyString((data as JsonObject | null)?.email),
    project_id: asNonEmptyString(parts[1]),
    managed_project_id: asNonEmptyString(parts[2]),
  };
}

export type IdentitiesView = {
  codex: CodexIdentity;
  claude: ClaudeIdentity;
  hermes_anthropic: HermesAnthropicIdentity;
  gemini: GeminiIdentity;
  hermes_google_legacy: LegacyGoogleIdentity;
};

export async function readIdentities(
  roots: readonly string[],
  profileDir: string,
  cli: CliHomes,
  now: Date,
): Promise<IdentitiesView> {
  return {
    codex: await codexIdentity(roots, cli.codex, now),
    claude: await claudeIdentity(roots, cli.claude, now),
    hermes_anthropic: await hermesAnthropicIdentity(roots, profileDir, now),
    gemini: await geminiIdentity(roots, cli.gemini, now),
    hermes_google_legacy: await legacyGoogleIdentity(roots, profileDir),
  };
}
