/**
 * @module The plugins pane: `plugins/<name>/plugin.yaml|yml` (and one level of grouping, `plugins/<group>/<name>/`,
 * whose key is `<group>/<name>`), with each one's state from `config.yaml`: plugins are opt-in, so a plugin runs
 * only when `plugins.enabled` lists it, and `plugins.disabled` always wins. Keys configured but not installed are
 * listed too. `requires_env` gives variable names only.
 */
import path from "node:path";
import { confinePath, listConfinedDirectory } from "../hermes-paths.js";
import { scopeFields, type HermesScope, type ScopeFields } from "../hermes-scope.js";
import { preview } from "../panes/pane-text.js";
import { nameList, readProfileConfig, section, stringList } from "../panes/profile-config.js";
import { asObject, fileStatus, readYamlFile, type FileStatus } from "../read-files.js";

const MAX_PLUGINS = 500;

export type Plugin = {
  key: string;
  name: string;
  state: "enabled" | "disabled" | "not_enabled";
  file: FileStatus;
  version: string | null;
  description: string | null;
  author: string | null;
  kind: string | null;
  requires_env: string[];
  provides_tools: string[];
  provides_hooks: string[];
  has_dashboard_tab: boolean;
};

export type PluginsView = ScopeFields & {
  config: FileStatus;
  directory: string;
  data: Plugin[];
  /** Keys in `plugins.enabled` with no installed plugin. */
  enabled_but_missing: string[];
};

async function manifests(
  scope: HermesScope,
  dir: string,
): Promise<{ key: string; file: string; dir: string }[]> {
  const out: { key: string; file: string; dir: string }[] = [];
  const visit = async (at: string, key: string, depth: number) => {
    const entries = await listConfinedDirectory(scope.roots, at);
    const manifest = entries.find((e) => !e.isDirectory && /^plugin\.ya?ml$/.test(e.name));
    if (manifest && key) return void out.push({ key, file: path.join(at, manifest.name), dir: at });
    if (depth >= 2) return;
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (out.length >= MAX_PLUGINS) return;
      if (!e.name.startsWith(".") && !e.name.startsWith("_") && (e.isDirectory || e.isSymlink)) {
        await visit(path.join(at, e.name), key ? `${key}/${e.name}` : e.name, depth + 1);
      }
    }
  };
  await visit(dir, "", 0);
  return out;
}

export async function listPlugins(scope: HermesScope): Promise<PluginsView> {
  const config = await readProfileConfig(scope);
  const cfg = section(config.value, "plugins");
  const enabled = new Set(stringList(cfg.enabled));
  const disabled = new Set(stringList(cfg.disabled));
  const dir = path.join(scope.dir, "plugins");
  const data: Plugin[] = [];
  for (const m of await manifests(scope, dir)) {
    const read = await readYamlFile(scope.roots, m.file, { maxBytes: 256 * 1024 });
    const v = read.status === "ok" ? (asObject(read.value.value) ?? {}) : {};
    const name = typeof v.name === "string" && v.name.trim() ? v.name.trim() : path.basename(m.dir);
    const on = (set: Set<string>) => set.has(m.key) || set.has(name);
    const dashboard = await confinePath(scope.roots, path.join(m.dir, "dashboard", "manifest.json"));
    data.push({
      key: m.key,
      name,
      state: on(disabled) ? "disabled" : on(enabled) ? "enabled" : "not_enabled",
      file: fileStatus(read),
      version: v.version === undefined || v.version === null ? null : String(v.version).slice(0, 64),
      description: preview(v.description, 1024),
      author: preview(v.author, 200),
      kind: typeof v.kind === "string" ? v.kind : null,
      requires_env: nameList(v.requires_env),
      provides_tools: stringList(v.provides_tools),
      provides_hooks: stringList(v.provides_hooks),
      has_dashboard_tab: dashboard.status === "ok",
    });
  }
  const installed = new Set(data.flatMap((p) => [p.key, p.name]));
  return {
    ...scopeFields(scope),
    config: config.file,
    directory: dir,
    data,
    enabled_but_missing: [...enabled].filter((k) => !installed.has(k)),
  };
}
