/**
 * @module Hermes' auth.json, read tolerantly: the singleton `providers` block, `active_provider`, the
 * `credential_pool` and `suppressed_sources`. A profile falls back per provider to the root home's auth.json, as
 * Hermes does (`read_credential_pool()`, `_load_provider_state()`), so the view shows what Hermes would use.
 */
import path from "node:path";
import {
  asArray,
  asNonEmptyString,
  asObject,
  fileStatus,
  readJsonFile,
  type FileStatus,
  type JsonObject,
} from "./read-files.js";

export type AuthStore = {
  file: FileStatus;
  /** The root home's auth.json, which a non-default profile falls back to per provider; null for `default`. */
  rootFile: FileStatus | null;
  version: number | null;
  updatedAt: string | null;
  activeProvider: string | null;
  /** Provider id → its state, each marked with where it came from. */
  providers: { id: string; state: JsonObject; fromRoot: boolean }[];
  /** Pool key → its raw entries (anything: entries are checked one by one). */
  pools: { key: string; entries: unknown[]; fromRoot: boolean }[];
  suppressedSources: Record<string, string[]>;
};

type RawStore = {
  file: FileStatus;
  data: JsonObject | null;
};

async function readStore(roots: readonly string[], dir: string): Promise<RawStore> {
  const read = await readJsonFile(roots, path.join(dir, "auth.json"));
  return { file: fileStatus(read), data: read.status === "ok" ? asObject(read.value) : null };
}

function providersOf(data: JsonObject | null): [string, JsonObject][] {
  const block = asObject(data?.providers);
  if (!block) return [];
  return Object.entries(block).flatMap(([id, v]) => {
    const state = asObject(v);
    return state ? [[id, state] as [string, JsonObject]] : [];
  });
}

function poolsOf(data: JsonObject | null): [string, unknown[]][] {
  const pool = asObject(data?.credential_pool);
  if (!pool) return [];
  return Object.entries(pool).map(([key, v]) => [key, asArray(v)]);
}

/**
 * The auth store a profile's Hermes sees. `root` is the tenant's home; for the default profile `dir === root` and
 * there is nothing to fall back to.
 */
export async function readAuthStore(roots: readonly string[], dir: string, root: string): Promise<AuthStore> {
  const own = await readStore(roots, dir);
  const fallback = path.resolve(dir) === path.resolve(root) ? null : await readStore(roots, root);
  const data = own.data;

  const providers = providersOf(data).map(([id, state]) => ({ id, state, fromRoot: false }));
  const pools = poolsOf(data).map(([key, entries]) => ({ key, entries, fromRoot: false }));
  if (fallback?.data) {
    for (const [id, state] of providersOf(fallback.data)) {
      if (!providers.some((p) => p.id === id)) providers.push({ id, state, fromRoot: true });
    }
    for (const [key, entries] of poolsOf(fallback.data)) {
      if (!pools.some((p) => p.key === key && p.entries.length > 0)) {
        const i = pools.findIndex((p) => p.key === key);
        if (i >= 0) pools.splice(i, 1);
        pools.push({ key, entries, fromRoot: true });
      }
    }
  }

  const suppressed: Record<string, string[]> = {};
  for (const [provider, list] of Object.entries(asObject(data?.suppressed_sources) ?? {})) {
    suppressed[provider] = asArray(list).filter((s): s is string => typeof s === "string");
  }
  return {
    file: own.file,
    rootFile: fallback?.file ?? null,
    version: typeof data?.version === "number" ? data.version : null,
    updatedAt: asNonEmptyString(data?.updated_at),
    activeProvider: asNonEmptyString(data?.active_provider),
    providers,
    pools,
    suppressedSources: suppressed,
  };
}
