/**
 * @module What every Hermes view starts from: the tenant, its Hermes home, and the profile asked for (or the active
 * one). Views take a HermesScope and read only below `scope.dir`, through the confinement of hermes-paths.
 */
import path from "node:path";
import type { Kysely } from "kysely";
import type { HermesConfig } from "../config/config.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors/app-error.js";
import { DEFAULT_TENANT_ID } from "../tenants/default-tenant.js";
import { findTenantById } from "../tenants/tenants.repository.js";
import { tenantNotFound } from "../tenants/tenants.service.js";
import { confineDirectory, REFUSAL_MESSAGES } from "./hermes-paths.js";
import { listProfiles, resolveProfile, tenantHermesHome, type ProfileInfo } from "./hermes-home.js";
import type { CliHomes } from "./identities.js";

export type HermesContext = { db: Kysely<DB>; config: HermesConfig };

export type HermesScope = {
  tenantId: string;
  /** The tenant's Hermes home (the root of its profiles). */
  home: string;
  profile: string;
  /** The profile's own Hermes home: `home` for `default`, `home/profiles/<name>` otherwise. */
  dir: string;
  activeProfile: boolean;
  roots: readonly string[];
  /**
   * The external CLIs' homes: HERMES_CODEX_HOME etc. for the default tenant; for another tenant `.codex`,
   * `.claude` and `.gemini` next to its Hermes home (the layout of a Hermes user's home directory).
   */
  cliHomes: CliHomes;
};

/** The fields every view's response starts with: whose state, which profile, read from where. */
export type ScopeFields = {
  tenant_id: string;
  profile: string;
  active_profile: boolean;
  profile_dir: string;
};

export function scopeFields(scope: HermesScope): ScopeFields {
  return {
    tenant_id: scope.tenantId,
    profile: scope.profile,
    active_profile: scope.activeProfile,
    profile_dir: scope.dir,
  };
}

async function homeOf(ctx: HermesContext, tenantId: string): Promise<string | null> {
  const row = await findTenantById(ctx.db, tenantId);
  if (!row) throw tenantNotFound();
  return tenantHermesHome({ id: row.id, hermesHome: row.hermes_home ?? null }, DEFAULT_TENANT_ID, {
    defaultHome: ctx.config.home,
    stateRoots: ctx.config.stateRoots,
  });
}

function noHome(): AppError {
  return new AppError("not_found", "This tenant has no Hermes home; set its hermes_home first.");
}

/** The scope of one view; 404 when the tenant or profile does not exist or the tenant has no home. */
export async function resolveScope(
  ctx: HermesContext,
  tenantId: string,
  profile: string | undefined,
): Promise<HermesScope> {
  const home = await homeOf(ctx, tenantId);
  if (!home) throw noHome();
  const roots = ctx.config.stateRoots;
  const resolved = await resolveProfile(roots, home, profile);
  const parent = path.dirname(home);
  const cliHomes =
    tenantId === DEFAULT_TENANT_ID
      ? { codex: ctx.config.codexHome, claude: ctx.config.claudeHome, gemini: ctx.config.geminiHome }
      : {
          codex: path.join(parent, ".codex"),
          claude: path.join(parent, ".claude"),
          gemini: path.join(parent, ".gemini"),
        };
  return {
    tenantId,
    home,
    profile: resolved.name,
    dir: resolved.dir,
    activeProfile: resolved.active,
    roots,
    cliHomes,
  };
}

export type ProfilesView = {
  home: string;
  /** `ok`, `not_present` (not created or not mounted yet), or why it is refused. */
  home_status: "ok" | "not_present" | "refused";
  home_reason: string | null;
  active_profile: string | null;
  data: ProfileInfo[];
};

/** The tenant's home and its profiles, `default` first. */
export async function listTenantProfiles(ctx: HermesContext, tenantId: string): Promise<ProfilesView> {
  const home = await homeOf(ctx, tenantId);
  if (!home) throw noHome();
  const confined = await confineDirectory(ctx.config.stateRoots, home);
  if (confined.status !== "ok") {
    return {
      home,
      home_status: confined.status,
      home_reason: confined.status === "refused" ? REFUSAL_MESSAGES[confined.reason] : null,
      active_profile: null,
      data: [],
    };
  }
  const data = await listProfiles(ctx.config.stateRoots, home);
  return {
    home,
    home_status: "ok",
    home_reason: null,
    active_profile: data.find((p) => p.active)?.name ?? null,
    data,
  };
}
