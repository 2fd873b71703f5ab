/**
 * @module The tools pane: which toolsets each platform gets, from config.yaml. `toolsets` is the CLI's list
 * (default `hermes-cli`); `platform_toolsets.<platform>` overrides a platform, which otherwise gets
 * `hermes-<platform>`; `agent.disabled_toolsets` turns toolsets off everywhere. Platforms listed are the CLI, those
 * in `platform_toolsets`, and those enabled under `platforms:`.
 */
import { scopeFields, type HermesScope, type ScopeFields } from "../hermes-scope.js";
import { readProfileConfig, section, stringList } from "../panes/profile-config.js";
import { asObject, type FileStatus } from "../read-files.js";

export type PlatformToolsets = {
  platform: string;
  toolsets: string[];
  /** `config`: set in config.yaml; `default`: Hermes' default for the platform. */
  from: "config" | "default";
  /** Whether `platforms.<platform>.enabled` is true (the CLI is always available). */
  enabled: boolean;
};

export type ToolsView = ScopeFields & {
  config: FileStatus;
  disabled_toolsets: string[];
  platforms: PlatformToolsets[];
};

export async function listToolsets(scope: HermesScope): Promise<ToolsView> {
  const config = await readProfileConfig(scope);
  const perPlatform = asObject(config.value.platform_toolsets) ?? {};
  const platformsCfg = asObject(config.value.platforms) ?? {};
  const enabled = (p: string) => p === "cli" || asObject(platformsCfg[p])?.enabled === true;
  const names = new Set<string>(["cli", ...Object.keys(perPlatform)]);
  for (const p of Object.keys(platformsCfg)) if (enabled(p)) names.add(p);
  const cli = stringList(config.value.toolsets);
  const platforms = [...names].map((platform): PlatformToolsets => {
    const configured =
      platform === "cli"
        ? cli.length
          ? cli
          : null
        : perPlatform[platform] !== undefined
          ? stringList(perPlatform[platform])
          : null;
    return {
      platform,
      toolsets: configured ?? [`hermes-${platform.replace(/_/g, "-")}`],
      from: configured ? "config" : "default",
      enabled: enabled(platform),
    };
  });
  return {
    ...scopeFields(scope),
    config: config.file,
    disabled_toolsets: stringList(section(config.value, "agent").disabled_toolsets),
    platforms,
  };
}
