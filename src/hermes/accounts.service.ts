/**
 * @module The accounts view of a tenant's Hermes profile: credential pools with their strategies, the singleton
 * provider logins, the active provider, and the account identities of the external CLIs. Read-only.
 */
import path from "node:path";
import { readAuthStore } from "./auth-store.js";
import { poolViews, type PoolView } from "./credential-pools.js";
import { scopeFields, type HermesScope, type ScopeFields } from "./hermes-scope.js";
import { readIdentities, type IdentitiesView } from "./identities.js";
import { providerLoginViews, type ProviderLoginView } from "./provider-logins.js";
import { asObject, fileStatus, readYamlFile, type FileStatus } from "./read-files.js";

export type AccountsView = ScopeFields & {
  auth_file: FileStatus;
  /** The root home's auth.json, which a non-default profile falls back to per provider. */
  root_auth_file: FileStatus | null;
  config_file: FileStatus;
  auth_version: number | null;
  updated_at: string | null;
  /** Hermes' last-resort provider (after config and environment). */
  active_provider: string | null;
  pools: PoolView[];
  providers: ProviderLoginView[];
};

export async function readAccounts(scope: HermesScope, now = new Date()): Promise<AccountsView> {
  const store = await readAuthStore(scope.roots, scope.dir, scope.home);
  const config = await readYamlFile(scope.roots, path.join(scope.dir, "config.yaml"));
  const configValue = config.status === "ok" ? asObject(config.value.value) : null;
  return {
    ...scopeFields(scope),
    auth_file: store.file,
    root_auth_file: store.rootFile,
    config_file: fileStatus(config),
    auth_version: store.version,
    updated_at: store.updatedAt,
    active_provider: store.activeProvider,
    pools: poolViews(store, configValue, now),
    providers: providerLoginViews(store, now),
  };
}

export type IdentitiesResponse = ScopeFields & IdentitiesView;

export async function readAccountIdentities(
  scope: HermesScope,
  now = new Date(),
): Promise<IdentitiesResponse> {
  return { ...scopeFields(scope), ...(await readIdentities(scope.roots, scope.dir, scope.cliHomes, now)) };
}
