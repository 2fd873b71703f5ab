/**
 * @module The provider ids Hermes resolves (hermes-state.md §2): its canonical list and the registry/plugin extras
 * named there, `custom`, `custom:<name>` for each entry of `providers:` / `custom_providers:` in the config, and
 * the model-provider plugins installed in the profile. A provider outside these is one Hermes would not resolve.
 */
import path from "node:path";
import { listConfinedDirectory } from "./hermes-paths.js";
import { asArray, asNonEmptyString, asObject, readYamlFile, type JsonObject } from "./read-files.js";

export const HERMES_PROVIDER_IDS = [
  "nous",
  "fireworks",
  "openrouter",
  "moa",
  "novita",
  "lmstudio",
  "anthropic",
  "openai-codex",
  "openai-api",
  "alibaba",
  "xai-oauth",
  "xiaomi",
  "tencent-tokenhub",
  "tencent-tokenplan",
  "nvidia",
  "copilot",
  "copilot-acp",
  "huggingface",
  "gemini",
  "vertex",
  "deepseek",
  "xai",
  "zai",
  "kimi-coding",
  "kimi-coding-cn",
  "stepfun",
  "minimax",
  "minimax-oauth",
  "minimax-cn",
  "ollama-cloud",
  "arcee",
  "gmi",
  "kilocode",
  "opencode-zen",
  "opencode-go",
  "bedrock",
  "azure-foundry",
  "ai-gateway",
  "qwen-oauth",
  // Registry and plugin extras named in the reference.
  "alibaba-coding-plan",
  "actual",
  "opencode-free",
  "deepinfra",
  "upstage",
] as const;

/** `model.provider` may also be `auto` (Hermes picks from the credentials it finds); a fallback may not. */
export const PRIMARY_ONLY_PROVIDERS = ["auto"] as const;

/** Hermes' `_normalize_custom_provider_name`: trimmed, lowercased, spaces to dashes. */
export function normalizeCustomName(name: string): string {
  return name.trim().toLowerCase().replace(/ /g, "-");
}

/** The `<name>` of every `custom:<name>` the config defines (`providers:` keys and `custom_providers[].name`). */
export function customProviderNames(config: JsonObject | null): string[] {
  const names = new Set<string>();
  for (const key of Object.keys(asObject(config?.providers) ?? {})) names.add(normalizeCustomName(key));
  for (const entry of asArray(config?.custom_providers)) {
    const name = asNonEmptyString(asObject(entry)?.name);
    if (name) names.add(normalizeCustomName(name));
  }
  return [...names].sort();
}

/** Names of model-provider plugins in `<profile>/plugins/<name>/plugin.yaml` (`kind: model-provider`). */
export async function pluginProviderIds(roots: readonly string[], profileDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await listConfinedDirectory(roots, path.join(profileDir, "plugins"))) {
    if (!e.isDirectory) continue;
    for (const file of ["plugin.yaml", "plugin.yml"]) {
      const read = await readYamlFile(roots, path.join(profileDir, "plugins", e.name, file), {
        maxBytes: 64 * 1024,
      });
      if (read.status !== "ok") continue;
      const manifest = asObject(read.value.value);
      if (manifest?.kind === "model-provider") out.push(asNonEmptyString(manifest.name) ?? e.name);
      break;
    }
  }
  return out.sort();
}

export type KnownProviders = { known: string[]; custom: string[] };

export type ProviderCheck = { ok: true } | { ok: false; why: string };

/** Whether Hermes would resolve `provider`; the reason is phrased for an admin and never quotes the value. */
export function checkProvider(requested: string, known: KnownProviders, primary: boolean): ProviderCheck {
  // Hermes lowercases provider ids before it resolves them.
  const provider = requested.trim().toLowerCase();
  if (primary && (PRIMARY_ONLY_PROVIDERS as readonly string[]).includes(provider)) return { ok: true };
  if (provider === "custom") return { ok: true };
  if (provider.startsWith("custom:")) {
    return known.custom.includes(normalizeCustomName(provider.slice("custom:".length)))
      ? { ok: true }
      : {
          ok: false,
          why: "custom:<name> must name an entry of providers or custom_providers in this config.yaml, or Hermes finds no endpoint for it",
        };
  }
  return known.known.includes(provider)
    ? { ok: true }
    : {
        ok: false,
        why: "not a Hermes provider id, so Hermes would not resolve it; use one of the ids the model view lists (or custom / custom:<name>)",
      };
}
