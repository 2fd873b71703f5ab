/**
 * @module `model` and the fallback chain of a config.yaml as the console shows them: the primary model (a string
 * or a mapping), every `fallback_providers` entry and the legacy `fallback_model`, and the effective chain exactly
 * as Hermes computes it (`hermes_cli/fallback_config.get_fallback_chain`): fallback_providers then fallback_model,
 * entries without a provider or a model skipped, duplicates on (provider, model, base_url) dropped. Values are shown
 * as written (`${ENV}` references unexpanded); inline API keys only as `has_api_key`.
 */
import { asNonEmptyString, asObject, type JsonObject } from "./read-files.js";
import { safeUrl } from "./secrets.js";

export const API_MODES = [
  "chat_completions",
  "codex_responses",
  "anthropic_messages",
  "bedrock_converse",
  "codex_app_server",
] as const;

/** The keys Hermes reads the model's name from, in its order (`default`, else `model`, else `name`). */
const NAME_KEYS = ["default", "model", "name"] as const;

export type PrimaryModelView = {
  /** How config.yaml holds it: a plain string, a mapping, nothing, or something Hermes ignores. */
  form: "string" | "mapping" | "absent" | "other";
  default: string | null;
  /** Which key of the mapping holds the name (`default`, or the older `model` / `name`). */
  name_key: (typeof NAME_KEYS)[number] | null;
  provider: string | null;
  base_url: string | null;
  api_mode: string | null;
  has_api_key: boolean;
  /** Keys of the mapping this view does not edit (kept as they are on every write). */
  other_keys: string[];
};

export type FallbackEntryView = {
  index: number;
  provider: string | null;
  model: string | null;
  base_url: string | null;
  api_mode: string | null;
  key_env: string | null;
  has_api_key: boolean;
  other_keys: string[];
  /** Why Hermes skips the entry, or null when it is used (or dropped as a duplicate: see the chain). */
  skipped: string | null;
};

export type ChainEntry = {
  source: "fallback_providers" | "fallback_model";
  index: number;
  provider: string;
  model: string;
  base_url: string | null;
  api_mode: string | null;
};

const SHOWN_KEYS = new Set([
  "provider",
  "model",
  "base_url",
  "api_mode",
  "key_env",
  "api_key_env",
  "api_key",
]);

function text(v: unknown): string | null {
  // Hermes reads these with str(value or ""): a number is a name too.
  if (typeof v === "number") return String(v);
  return asNonEmptyString(v);
}

function urlText(v: unknown): string | null {
  const s = text(v);
  return s ? safeUrl(s) : null;
}

export function primaryModelView(config: JsonObject | null): PrimaryModelView {
  const raw = config?.model;
  const empty = { provider: null, base_url: null, api_mode: null, has_api_key: false, other_keys: [] };
  if (raw === undefined || raw === null) return { form: "absent", default: null, name_key: null, ...empty };
  if (typeof raw === "string") return { form: "string", default: text(raw), name_key: null, ...empty };
  const map = asObject(raw);
  if (!map) return { form: "other", default: null, name_key: null, ...empty };
  const nameKey = NAME_KEYS.find((k) => text(map[k]) !== null) ?? null;
  return {
    form: "mapping",
    default: nameKey ? text(map[nameKey]) : null,
    name_key: nameKey,
    provider: text(map.provider),
    base_url: urlText(map.base_url),
    api_mode: text(map.api_mode),
    has_api_key: text(map.api_key) !== null,
    other_keys: Object.keys(map).filter(
      (k) => !(NAME_KEYS as readonly string[]).includes(k) && !SHOWN_KEYS.has(k),
    ),
  };
}

function fallbackEntryView(entry: unknown, index: number): FallbackEntryView {
  const e = asObject(entry);
  if (!e) {
    return {
      index,
      provider: null,
      model: null,
      base_url: null,
      api_mode: null,
      key_env: null,
      has_api_key: false,
      other_keys: [],
      skipped: "not a mapping",
    };
  }
  const provider = text(e.provider);
  const model = text(e.model);
  return {
    index,
    provider,
    model,
    base_url: urlText(e.base_url),
    api_mode: text(e.api_mode),
    key_env: text(e.key_env) ?? text(e.api_key_env),
    has_api_key: text(e.api_key) !== null,
    other_keys: Object.keys(e).filter((k) => !SHOWN_KEYS.has(k)),
    skipped: !provider ? "no provider" : !model ? "no model" : null,
  };
}

/** `fallback_providers` (a list) and `fallback_model` (a mapping or a list), entry by entry. */
export function fallbackViews(config: JsonObject | null): {
  fallback_providers: FallbackEntryView[];
  fallback_model: FallbackEntryView[];
} {
  const list = (v: unknown) => (Array.isArray(v) ? v : asObject(v) ? [v] : []);
  return {
    fallback_providers: (Array.isArray(config?.fallback_providers) ? config.fallback_providers : []).map(
      fallbackEntryView,
    ),
    fallback_model: list(config?.fallback_model).map(fallbackEntryView),
  };
}

const normalisedBase = (v: unknown) => (typeof v === "string" ? v.trim().replace(/\/+$/, "") : "");

/** Hermes' route identity: (provider, model, base_url), lowercased, base_url without trailing slashes. */
export function entryIdentity(e: { provider?: unknown; model?: unknown; base_url?: unknown }): string {
  return JSON.stringify([
    String(text(e.provider) ?? "").toLowerCase(),
    String(text(e.model) ?? "").toLowerCase(),
    normalisedBase(e.base_url).toLowerCase(),
  ]);
}

/** The chain Hermes falls back along, in order. */
export function effectiveChain(config: JsonObject | null): ChainEntry[] {
  const chain: ChainEntry[] = [];
  const seen = new Set<string>();
  for (const source of ["fallback_providers", "fallback_model"] as const) {
    const raw = config?.[source];
    const entries = asObject(raw) ? [raw] : Array.isArray(raw) ? raw : [];
    entries.forEach((entry, index) => {
      const e = asObject(entry);
      const provider = text(e?.provider);
      const model = text(e?.model);
      if (!e || !provider || !model) return;
      const id = entryIdentity(e);
      if (seen.has(id)) return;
      seen.add(id);
      const base = normalisedBase(e.base_url);
      chain.push({
        source,
        index,
        provider,
        model,
        base_url: base ? safeUrl(base) : null,
        api_mode: text(e.api_mode),
      });
    });
  }
  return chain;
}
