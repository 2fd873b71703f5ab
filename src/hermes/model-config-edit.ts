/**
 * @module A change to `model` / `fallback_providers` / `fallback_model`: checked against what Hermes would accept
 * (every rejection says why, without quoting the value), then turned into in-place YAML edits plus the value the
 * file must parse to afterwards, so the writer can verify the edit before it touches the disk. Existing fallback
 * entries are kept by index (`from_index`), so their comments, unknown keys and inline keys stay where they are.
 */
import { AppError } from "../errors/app-error.js";
import { API_MODES, entryIdentity } from "./model-config.js";
import { checkProvider, type KnownProviders } from "./provider-ids.js";
import { asObject, type JsonObject } from "./read-files.js";
import type { YamlOp } from "./yaml-edit.js";

export type ModelInput =
  string | { default: string; provider?: string | null; base_url?: string | null; api_mode?: string | null };

export type FallbackInput = {
  /** The index of the existing `fallback_providers` entry this is (moved and/or edited); absent = a new entry. */
  from_index?: number;
  provider: string;
  model: string;
  base_url?: string | null;
  api_mode?: string | null;
  key_env?: string | null;
};

export type ModelConfigChange = {
  model?: ModelInput;
  fallback_providers?: FallbackInput[];
  /** `null` removes the legacy key, as `hermes fallback` does. */
  fallback_model?: null;
};

const OPTIONAL_FIELDS = ["base_url", "api_mode", "key_env"] as const;

function invalid(param: string, why: string): AppError {
  return new AppError("invalid_request", `${param}: ${why}`, { param });
}

function checkUrl(param: string, value: string): void {
  if (/^\$\{[A-Za-z_][A-Za-z0-9_]*\}(\/.*)?$/.test(value)) return; // an ${ENV} reference, expanded by Hermes
  const url = URL.canParse(value) ? new URL(value) : null;
  if (!url || !/^https?:$/.test(url.protocol))
    throw invalid(param, "must be an http(s) URL or an ${ENV} reference");
  if (url.username || url.password) {
    throw invalid(param, "must not contain credentials (they would end up in logs); use key_env for the key");
  }
}

function checkFields(
  param: string,
  f: { base_url?: string | null; api_mode?: string | null; key_env?: string | null },
) {
  if (f.base_url) checkUrl(`${param}.base_url`, f.base_url);
  if (f.api_mode && !(API_MODES as readonly string[]).includes(f.api_mode)) {
    throw invalid(
      `${param}.api_mode`,
      `must be one of ${API_MODES.join(", ")}; Hermes ignores any other value`,
    );
  }
  if (f.key_env && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(f.key_env)) {
    throw invalid(`${param}.key_env`, "must be the name of an environment variable (letters, digits, _)");
  }
}

function checkProviderOf(param: string, provider: string, known: KnownProviders, primary: boolean): void {
  const check = checkProvider(provider, known, primary);
  if (!check.ok) throw invalid(param, check.why);
}

/** The key a kept entry uses for each field (an older entry may spell key_env `api_key_env`). */
function keyFor(entry: JsonObject, field: string): string {
  return field === "key_env" && !("key_env" in entry) && "api_key_env" in entry ? "api_key_env" : field;
}

type Plan = { ops: YamlOp[]; expected: JsonObject };

function planModel(plan: Plan, current: JsonObject, input: ModelInput, known: KnownProviders): void {
  const name = typeof input === "string" ? input : input.default;
  if (name.trim() === "") throw invalid("model.default", "must not be empty");
  const map = asObject(current.model);
  if (typeof input !== "string") {
    if (input.provider) checkProviderOf("model.provider", input.provider, known, true);
    checkFields("model", input);
  }
  if (!map) {
    const value =
      typeof input === "string"
        ? input
        : Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined));
    if (JSON.stringify(current.model) !== JSON.stringify(value)) {
      plan.ops.push({ op: "set", path: ["model"], value });
      plan.expected.model = value;
    }
    return;
  }
  const next: JsonObject = { ...map };
  const nameKey =
    ["default", "model", "name"].find((k) => typeof map[k] === "string" && map[k] !== "") ?? "default";
  const fields: [string, unknown][] = [[nameKey, name]];
  if (typeof input !== "string") {
    for (const f of ["provider", "base_url", "api_mode"] as const) fields.push([f, input[f]]);
  }
  for (const [key, value] of fields) {
    if (value === undefined) continue;
    if (value === null) {
      if (key in map) plan.ops.push({ op: "delete", path: ["model", key] });
      delete next[key];
    } else if (map[key] !== value) {
      plan.ops.push({ op: "set", path: ["model", key], value });
      next[key] = value;
    }
  }
  plan.expected.model = next;
}

function planFallbacks(
  plan: Plan,
  current: JsonObject,
  inputs: FallbackInput[],
  known: KnownProviders,
): void {
  const existing = Array.isArray(current.fallback_providers) ? current.fallback_providers : [];
  const used = new Set<number>();
  const identities = new Map<string, number>();
  const items: ({ keep: number } | { value: unknown })[] = [];
  const edits: YamlOp[] = [];
  const result: unknown[] = [];
  inputs.forEach((input, j) => {
    const param = `fallback_providers.${j}`;
    if (input.provider.trim() === "")
      throw invalid(`${param}.provider`, "must not be empty: Hermes skips a fallback without one");
    if (input.model.trim() === "")
      throw invalid(`${param}.model`, "must not be empty: Hermes skips a fallback without one");
    checkProviderOf(`${param}.provider`, input.provider, known, false);
    checkFields(param, input);
    const kept = input.from_index === undefined ? null : asObject(existing[input.from_index]);
    if (input.from_index !== undefined) {
      if (!kept)
        throw invalid(`${param}.from_index`, "must be the index of an existing fallback_providers mapping");
      if (used.has(input.from_index))
        throw invalid(`${param}.from_index`, "names an entry that is already used");
      used.add(input.from_index);
    }
    const fields: [string, unknown][] = [
      ["provider", input.provider],
      ["model", input.model],
      ...OPTIONAL_FIELDS.map((f) => [f, input[f]] as [string, unknown]),
    ];
    let entry: JsonObject;
    if (kept) {
      entry = { ...kept };
      items.push({ keep: input.from_index! });
      for (const [field, value] of fields) {
        const key = keyFor(kept, field);
        if (value === undefined) continue;
        if (value === null) {
          if (key in kept) edits.push({ op: "delete", path: ["fallback_providers", j, key] });
          delete entry[key];
        } else if (kept[key] !== value) {
          edits.push({ op: "set", path: ["fallback_providers", j, key], value });
          entry[key] = value;
        }
      }
    } else {
      entry = Object.fromEntries(fields.filter(([, v]) => v !== null && v !== undefined));
      items.push({ value: entry });
    }
    const id = entryIdentity(entry);
    const earlier = identities.get(id);
    if (earlier !== undefined) {
      throw invalid(
        param,
        `has the same provider, model and base_url as entry ${earlier}; Hermes drops duplicates`,
      );
    }
    identities.set(id, j);
    result.push(entry);
  });
  const unchangedOrder =
    items.length === existing.length && items.every((it, i) => "keep" in it && it.keep === i);
  if (!unchangedOrder) plan.ops.push({ op: "rebuild", path: ["fallback_providers"], items });
  plan.ops.push(...edits);
  if (!(unchangedOrder && edits.length === 0) || "fallback_providers" in current) {
    plan.expected.fallback_providers = result;
  }
}

/** Checks `change` against the current config and returns the edits and the value the file must then hold. */
export function planModelConfigEdit(
  current: JsonObject | null,
  change: ModelConfigChange,
  known: KnownProviders,
): Plan {
  const base = current ?? {};
  const plan: Plan = { ops: [], expected: structuredClone(base) };
  if (change.model !== undefined) planModel(plan, base, change.model, known);
  if (change.fallback_providers !== undefined) planFallbacks(plan, base, change.fallback_providers, known);
  if (change.fallback_model === null && "fallback_model" in base) {
    plan.ops.push({ op: "delete", path: ["fallback_model"] });
    delete plan.expected.fallback_model;
  }
  return plan;
}
