/**
 * @module The skills pane: `skills/[<category>/]<name>/SKILL.md` of the profile, of `skills.external_dirs` and, for
 * a named profile, of the root home's shared `skills/`; each with its front matter (name, description, version,
 * platforms, prerequisites), whether it is enabled (`skills.disabled`, `skills.platform_disabled`) and where it came
 * from (`.bundled_manifest` → bundled, `.hub/lock.json` → hub, otherwise made by the agent or by hand). A skill's
 * SKILL.md body is read on demand, by an id taken from this listing (never a path from the request).
 */
import path from "node:path";
import { AppError } from "../../errors/app-error.js";
import { DEFAULT_PROFILE } from "../hermes-home.js";
import { confineDirectory, listConfinedDirectory, REFUSAL_MESSAGES } from "../hermes-paths.js";
import { scopeFields, type HermesScope, type ScopeFields } from "../hermes-scope.js";
import { cappedText, preview, type CappedText } from "../panes/pane-text.js";
import { nameList, readProfileConfig, section, stringList } from "../panes/profile-config.js";
import { asObject, fileStatus, readJsonFile, readTextFile, type FileStatus } from "../read-files.js";
import { parseFrontMatter } from "./front-matter.js";

const MAX_SKILLS = 2_000;
const MAX_DEPTH = 3;
export const SKILL_BODY_CHARS = 256 * 1024;

export type SkillSource = {
  key: string;
  kind: "profile" | "external" | "shared_root";
  /** As configured (external dirs), or the directory read. */
  configured: string;
  path: string | null;
  status: "ok" | "not_present" | "refused" | "unresolved";
  reason: string | null;
};

export type Skill = {
  /** `<source key>/<dir relative to it>`: what GET …/skills/content?skill= takes. */
  id: string;
  name: string;
  category: string | null;
  source: string;
  description: string | null;
  version: string | null;
  license: string | null;
  platforms: string[];
  prerequisites: { env_vars: string[]; commands: string[] };
  tags: string[];
  enabled: boolean;
  /** Platforms on which `skills.platform_disabled` turns it off. */
  disabled_on: string[];
  provenance: "bundled" | "hub" | "agent" | "external";
  /** From the hub lock (e.g. the hub source), when known. */
  hub_source: string | null;
  file: FileStatus;
};

export type SkillsView = ScopeFields & {
  config: FileStatus;
  sources: SkillSource[];
  data: Skill[];
  /** More SKILL.md files than the listing shows. */
  truncated: boolean;
};

export type SkillContentView = ScopeFields & { skill: Skill; body: CappedText | null };

type Found = { source: SkillSource; dir: string; rel: string };

/** `~` is the home of the user Hermes runs as: the parent of a `.hermes` root. `${HERMES_HOME}` is the profile. */
function expandDir(scope: HermesScope, raw: string): string | null {
  let v = raw.trim().replace(/\$\{HERMES_HOME\}|\$HERMES_HOME\b/g, scope.dir);
  if (v === "~" || v.startsWith("~/")) {
    if (path.basename(scope.home) !== ".hermes") return null;
    v = path.join(path.dirname(scope.home), v.slice(1));
  }
  if (/\$\{?[A-Za-z_]/.test(v)) return null;
  return path.resolve(scope.dir, v);
}

async function sourceOf(
  scope: HermesScope,
  key: string,
  kind: SkillSource["kind"],
  configured: string,
): Promise<SkillSource> {
  const dir = kind === "external" ? expandDir(scope, configured) : configured;
  const base = { key, kind, configured, path: dir };
  if (dir === null) {
    return { ...base, status: "unresolved", reason: "names a variable the control plane cannot expand" };
  }
  const confined = await confineDirectory(scope.roots, dir);
  if (confined.status === "refused") {
    return { ...base, status: "refused", reason: REFUSAL_MESSAGES[confined.reason] };
  }
  return { ...base, status: confined.status, reason: null };
}

async function walk(scope: HermesScope, source: SkillSource, found: Found[]): Promise<void> {
  const visit = async (dir: string, rel: string, depth: number) => {
    if (found.length > MAX_SKILLS) return;
    const entries = await listConfinedDirectory(scope.roots, dir);
    if (entries.some((e) => e.name === "SKILL.md" && !e.isDirectory) && rel !== "") {
      found.push({ source, dir, rel });
      return;
    }
    if (depth >= MAX_DEPTH) return;
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      // Sidecars (.hub, .archive, .curator_backups…) are not skills.
      if (e.name.startsWith(".") || !(e.isDirectory || e.isSymlink)) continue;
      await visit(path.join(dir, e.name), rel ? `${rel}/${e.name}` : e.name, depth + 1);
    }
  };
  if (source.status === "ok" && source.path) await visit(source.path, "", 0);
}

async function provenance(scope: HermesScope, skillsDir: string) {
  const bundled = new Set<string>();
  const manifest = await readTextFile(scope.roots, path.join(skillsDir, ".bundled_manifest"), {
    maxBytes: 256 * 1024,
  });
  if (manifest.status === "ok") {
    for (const line of manifest.value.split("\n")) {
      const name = line.split(":")[0]?.trim();
      if (name) bundled.add(name);
    }
  }
  const hub = new Map<string, string | null>();
  const lock = await readJsonFile(scope.roots, path.join(skillsDir, ".hub", "lock.json"), {
    maxBytes: 1024 * 1024,
  });
  if (lock.status === "ok") {
    const root = asObject(lock.value) ?? {};
    const installed = root.installed ?? root.skills ?? root;
    const add = (name: unknown, entry: unknown) => {
      if (typeof name !== "string" || name === "version") return;
      const src = asObject(entry)?.source;
      hub.set(name, typeof src === "string" ? src : null);
    };
    if (Array.isArray(installed)) for (const e of installed) add(asObject(e)?.name, e);
    else for (const [name, e] of Object.entries(asObject(installed) ?? {})) add(name, e);
  }
  return { bundled, hub };
}

async function loadSkills(scope: HermesScope) {
  const config = await readProfileConfig(scope);
  const skillsCfg = section(config.value, "skills");
  const local = path.join(scope.dir, "skills");
  const sources: SkillSource[] = [await sourceOf(scope, "profile", "profile", local)];
  for (const [i, dir] of stringList(skillsCfg.external_dirs).entries()) {
    const s = await sourceOf(scope, `external-${i + 1}`, "external", dir);
    if (s.path !== local) sources.push(s);
  }
  if (scope.profile !== DEFAULT_PROFILE) {
    sources.push(await sourceOf(scope, "shared", "shared_root", path.join(scope.home, "skills")));
  }
  const found: Found[] = [];
  for (const s of sources) await walk(scope, s, found);
  const { bundled, hub } = await provenance(scope, local);
  const disabled = new Set(stringList(skillsCfg.disabled));
  const platformDisabled = Object.entries(asObject(skillsCfg.platform_disabled) ?? {}).map(
    ([platform, names]) => [platform, new Set(stringList(names))] as const,
  );
  const data: Skill[] = [];
  for (const f of found.slice(0, MAX_SKILLS)) {
    const file = await readTextFile(scope.roots, path.join(f.dir, "SKILL.md"));
    const fm = file.status === "ok" ? parseFrontMatter(file.value) : null;
    const meta = fm?.ok ? fm.meta : {};
    const dirName = path.basename(f.dir);
    const name = typeof meta.name === "string" && meta.name.trim() ? meta.name.trim().slice(0, 64) : dirName;
    const prereq = asObject(meta.prerequisites) ?? {};
    const hermesMeta = section(meta, "metadata", "hermes");
    const fromHub = hub.has(dirName) ? dirName : hub.has(name) ? name : null;
    const status = fileStatus(file);
    data.push({
      id: `${f.source.key}/${f.rel}`,
      name,
      category: f.rel.includes("/") ? f.rel.slice(0, f.rel.lastIndexOf("/")) : null,
      source: f.source.key,
      description: preview(meta.description, 1024),
      version: meta.version === undefined || meta.version === null ? null : String(meta.version).slice(0, 64),
      license: typeof meta.license === "string" ? meta.license.slice(0, 100) : null,
      platforms: stringList(meta.platforms),
      prerequisites: {
        env_vars: [
          ...new Set([...nameList(prereq.env_vars), ...nameList(meta.required_environment_variables)]),
        ],
        commands: stringList(prereq.commands),
      },
      tags: stringList(hermesMeta.tags ?? meta.tags),
      enabled: !disabled.has(name),
      disabled_on: platformDisabled.filter(([, names]) => names.has(name)).map(([p]) => p),
      provenance:
        f.source.kind !== "profile"
          ? "external"
          : fromHub
            ? "hub"
            : bundled.has(dirName) || bundled.has(name)
              ? "bundled"
              : "agent",
      hub_source: fromHub ? (hub.get(fromHub) ?? null) : null,
      file: fm && !fm.ok ? { ...status, status: "corrupt", reason: fm.reason } : status,
    });
  }
  return { config: config.file, sources, data, truncated: found.length > MAX_SKILLS };
}

export async function listSkills(scope: HermesScope): Promise<SkillsView> {
  return { ...scopeFields(scope), ...(await loadSkills(scope)) };
}

export async function getSkillContent(scope: HermesScope, id: string): Promise<SkillContentView> {
  const { data, sources } = await loadSkills(scope);
  const skill = data.find((s) => s.id === id);
  if (!skill)
    throw new AppError("not_found", "No skill with that id in this profile's listing.", { param: "skill" });
  const source = sources.find((s) => s.key === skill.source)!;
  const file = await readTextFile(
    scope.roots,
    path.join(source.path!, skill.id.slice(source.key.length + 1), "SKILL.md"),
  );
  const fm = file.status === "ok" ? parseFrontMatter(file.value) : null;
  const body = fm?.ok ? fm.body : file.status === "ok" ? file.value : null;
  return { ...scopeFields(scope), skill, body: body === null ? null : cappedText(body, SKILL_BODY_CHARS) };
}
