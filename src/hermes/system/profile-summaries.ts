/**
 * @module The profiles pane: every profile of the tenant's Hermes home with its model and provider (config.yaml's
 * `model`, a plain string or `{default|model|name, provider}`), how many skills it has, and its gateway's state
 * (gateway_state.json); the active one is marked. Each profile is read on its own scope, so a broken one shows as
 * such without hiding the others.
 */
import path from "node:path";
import { listProfiles, type ProfileInfo } from "../hermes-home.js";
import { listConfinedDirectory } from "../hermes-paths.js";
import type { HermesScope } from "../hermes-scope.js";
import { readProfileConfig } from "../panes/profile-config.js";
import { asObject, asString, type FileStatus } from "../read-files.js";
import { readGatewayState } from "./gateway-status.js";

export type ProfileSummary = ProfileInfo & {
  config: FileStatus;
  model: string | null;
  provider: string | null;
  skill_count: number;
  gateway: {
    state: string | null;
    updated_at: string | null;
    platforms: number;
    platforms_with_errors: number;
  };
};

export type ProfileSummariesView = {
  tenant_id: string;
  home: string;
  active_profile: string | null;
  data: ProfileSummary[];
};

/** The model a config.yaml names: `model` as a string, or its `default` (also read as `model`, `name`). */
export function modelOf(config: Record<string, unknown>): { model: string | null; provider: string | null } {
  if (typeof config.model === "string") return { model: config.model.trim() || null, provider: null };
  const m = asObject(config.model) ?? {};
  const model = asString(m.default) ?? asString(m.model) ?? asString(m.name);
  return { model: model?.trim() || null, provider: asString(m.provider) };
}

/** Directories holding a SKILL.md under `skills/` (categories one or two deep), not following sidecars. */
async function countSkills(roots: readonly string[], dir: string, depth = 0): Promise<number> {
  const entries = await listConfinedDirectory(roots, dir);
  if (depth > 0 && entries.some((e) => e.name === "SKILL.md")) return 1;
  if (depth >= 3) return 0;
  let n = 0;
  for (const e of entries) {
    if (!e.name.startsWith(".") && (e.isDirectory || e.isSymlink))
      n += await countSkills(roots, path.join(dir, e.name), depth + 1);
  }
  return n;
}

export async function listProfileSummaries(scope: HermesScope): Promise<ProfileSummariesView> {
  const profiles = await listProfiles(scope.roots, scope.home);
  const data: ProfileSummary[] = [];
  for (const p of profiles) {
    const s: HermesScope = { ...scope, profile: p.name, dir: p.path, activeProfile: p.active };
    const config = await readProfileConfig(s);
    const gateway = await readGatewayState(s);
    data.push({
      ...p,
      config: config.file,
      ...modelOf(config.value),
      skill_count: await countSkills(s.roots, path.join(s.dir, "skills")),
      gateway: {
        state: gateway.state,
        updated_at: gateway.updated_at,
        platforms: gateway.platforms.length,
        platforms_with_errors: gateway.platforms.filter((x) => x.error_code || x.error_message).length,
      },
    });
  }
  return {
    tenant_id: scope.tenantId,
    home: scope.home,
    active_profile: data.find((p) => p.active)?.name ?? null,
    data,
  };
}
