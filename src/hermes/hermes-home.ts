/**
 * @module A tenant's Hermes home and its profiles. The home is the tenant's `hermes_home`, or HERMES_HOME for the
 * default tenant. Each profile is a whole separate Hermes home at `<home>/profiles/<name>/` (`default` is the home
 * itself), and `<home>/active_profile` names the one the `hermes` command uses (absent = default). Nothing here
 * writes.
 */
import path from "node:path";
import { AppError } from "../errors/app-error.js";
import { confineDirectory, confinePath, listConfinedDirectory, REFUSAL_MESSAGES } from "./hermes-paths.js";
import { asObject, asString, readTextFile, readYamlFile } from "./read-files.js";

/** Hermes' own rule (`hermes_cli/profiles.py`). */
export const PROFILE_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const DEFAULT_PROFILE = "default";

export type HomeSettings = { defaultHome: string; stateRoots: readonly string[] };

/** The home a tenant's views read: its own `hermes_home`, else HERMES_HOME for the default tenant, else none. */
export function tenantHermesHome(
  tenant: { id: string; hermesHome: string | null },
  defaultTenantId: string,
  settings: HomeSettings,
): string | null {
  if (tenant.hermesHome) return tenant.hermesHome;
  return tenant.id === defaultTenantId ? settings.defaultHome : null;
}

/**
 * Checks an admin-supplied `hermes_home`: an absolute path to an existing directory whose real path lies inside
 * one of the roots. Returns the path normalised (`..` and duplicate slashes resolved, symlinks kept, so a link the
 * operator maintains keeps working; every read confines it again).
 */
export async function validateHermesHome(roots: readonly string[], value: string): Promise<string> {
  if (!path.isAbsolute(value) || value.includes("\0")) {
    throw new AppError("invalid_request", "hermes_home: must be an absolute path", { param: "hermes_home" });
  }
  const normalised = path.resolve(value);
  const confined = await confineDirectory(roots, normalised);
  if (confined.status === "ok") return normalised;
  const why =
    confined.status === "not_present"
      ? "must be an existing directory"
      : confined.reason === "outside_roots"
        ? "must lie inside HERMES_STATE_ROOTS (after resolving symlinks)"
        : confined.reason === "not_regular"
          ? "must be a directory"
          : `is ${REFUSAL_MESSAGES[confined.reason]}`;
  throw new AppError("invalid_request", `hermes_home: ${why}`, { param: "hermes_home" });
}

export function profileDir(home: string, profile: string): string {
  return profile === DEFAULT_PROFILE ? home : path.join(home, "profiles", profile);
}

/** The profile named in `<home>/active_profile`, or `default` when it is absent or not a valid name. */
export async function activeProfile(roots: readonly string[], home: string): Promise<string> {
  const read = await readTextFile(roots, path.join(home, "active_profile"), { maxBytes: 1024 });
  if (read.status !== "ok") return DEFAULT_PROFILE;
  const name = read.value.trim();
  return PROFILE_NAME_PATTERN.test(name) ? name : DEFAULT_PROFILE;
}

export type ProfileInfo = {
  name: string;
  path: string;
  active: boolean;
  /** From `<profile>/profile.yaml`, when present. */
  description: string | null;
  has_config: boolean;
};

/** `default` first, then every `profiles/<name>/` directory with a valid name, sorted. */
export async function listProfiles(roots: readonly string[], home: string): Promise<ProfileInfo[]> {
  const active = await activeProfile(roots, home);
  const entries = await listConfinedDirectory(roots, path.join(home, "profiles"));
  const names = entries
    .filter(
      (e) =>
        (e.isDirectory || e.isSymlink) && PROFILE_NAME_PATTERN.test(e.name) && e.name !== DEFAULT_PROFILE,
    )
    .map((e) => e.name)
    .sort();
  const out: ProfileInfo[] = [];
  for (const name of [DEFAULT_PROFILE, ...names]) {
    const dir = profileDir(home, name);
    // A profile symlinked out of the roots is not listed at all.
    if (name !== DEFAULT_PROFILE && (await confineDirectory(roots, dir)).status !== "ok") continue;
    const meta = await readYamlFile(roots, path.join(dir, "profile.yaml"), { maxBytes: 64 * 1024 });
    const config = await confinePath(roots, path.join(dir, "config.yaml"));
    out.push({
      name,
      path: dir,
      active: name === active,
      description: meta.status === "ok" ? asString(asObject(meta.value.value)?.description) : null,
      has_config: config.status === "ok",
    });
  }
  return out;
}

export type ResolvedProfile = { name: string; dir: string; active: boolean };

/**
 * The profile a view reads: the one asked for, or the active one. An invalid name is a 400, one that does not
 * exist a 404.
 */
export async function resolveProfile(
  roots: readonly string[],
  home: string,
  requested: string | undefined,
): Promise<ResolvedProfile> {
  const active = await activeProfile(roots, home);
  const name = requested ?? active;
  if (!PROFILE_NAME_PATTERN.test(name)) {
    throw new AppError(
      "invalid_request",
      "profile: must be a profile name (lowercase letters, digits, '-' or '_', at most 64)",
      { param: "profile" },
    );
  }
  const dir = profileDir(home, name);
  if (name !== DEFAULT_PROFILE && (await confineDirectory(roots, dir)).status !== "ok") {
    throw new AppError("not_found", `No Hermes profile '${name}' in this tenant's Hermes home.`, {
      param: "profile",
    });
  }
  return { name, dir, active: name === active };
}
