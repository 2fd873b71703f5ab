/**
 * @module The model form's state and the PATCH body it becomes. Only what the admin changed is sent: an untouched
 * field stays `undefined` (the server keeps it byte for byte), a cleared one becomes `null` (removed), and kept
 * fallbacks carry `from_index` so their comments, other keys and inline keys stay in config.yaml.
 */
import type { ModelChange, ModelConfigView } from "./config-api";

type FallbackView = ModelConfigView["fallback_providers"][number];

export type PrimaryForm = { default: string; provider: string; base_url: string; api_mode: string };

export type FallbackRow = {
  /** Stable React key (new rows get a fresh one). */
  key: string;
  /** The existing entry this row is; absent for a new row (and for a list item Hermes cannot read as a mapping). */
  orig: FallbackView | null;
  provider: string;
  model: string;
  base_url: string;
  api_mode: string;
  key_env: string;
};

export type FormState = { primary: PrimaryForm; rows: FallbackRow[]; dropLegacy: boolean };

export function initialState(v: ModelConfigView): FormState {
  return {
    primary: {
      default: v.model.default ?? "",
      provider: v.model.provider ?? "",
      base_url: v.model.base_url ?? "",
      api_mode: v.model.api_mode ?? "",
    },
    rows: v.fallback_providers.map((f) => ({
      key: `e${f.index}`,
      orig: f.skipped === "not a mapping" ? null : f,
      provider: f.provider ?? "",
      model: f.model ?? "",
      base_url: f.base_url ?? "",
      api_mode: f.api_mode ?? "",
      key_env: f.key_env ?? "",
    })),
    dropLegacy: false,
  };
}

let counter = 0;
export const newRow = (): FallbackRow => ({
  key: `n${++counter}`,
  orig: null,
  provider: "",
  model: "",
  base_url: "",
  api_mode: "",
  key_env: "",
});

export function moveRow(rows: FallbackRow[], from: number, to: number): FallbackRow[] {
  if (to < 0 || to >= rows.length) return rows;
  const next = [...rows];
  const [row] = next.splice(from, 1);
  next.splice(to, 0, row!);
  return next;
}

/** `undefined` when unchanged, `null` when cleared, else the new text. */
function delta(now: string, before: string | null): string | null | undefined {
  const v = now.trim();
  if (v === (before ?? "")) return undefined;
  return v === "" ? null : v;
}

function modelChange(p: PrimaryForm, v: ModelConfigView): ModelChange["model"] {
  const m = v.model;
  const d = {
    provider: delta(p.provider, m.provider),
    base_url: delta(p.base_url, m.base_url),
    api_mode: delta(p.api_mode, m.api_mode),
  };
  const name = p.default.trim();
  const nameChanged = name !== (m.default ?? "");
  const fieldsChanged = Object.values(d).some((x) => x !== undefined);
  if (!nameChanged && !fieldsChanged) return undefined;
  if (m.form === "mapping") return { default: name, ...d };
  // A plain string stays a string unless the admin adds a provider, URL or mode.
  const extra = { provider: p.provider.trim(), base_url: p.base_url.trim(), api_mode: p.api_mode.trim() };
  if (!extra.provider && !extra.base_url && !extra.api_mode) return name;
  return {
    default: name,
    ...Object.fromEntries(Object.entries(extra).filter(([, x]) => x !== "")),
  };
}

function rowChanged(r: FallbackRow, i: number): boolean {
  const o = r.orig;
  if (!o || o.index !== i) return true;
  return (
    r.provider.trim() !== (o.provider ?? "") ||
    r.model.trim() !== (o.model ?? "") ||
    r.base_url.trim() !== (o.base_url ?? "") ||
    r.api_mode.trim() !== (o.api_mode ?? "") ||
    r.key_env.trim() !== (o.key_env ?? "")
  );
}

function fallbackChange(rows: FallbackRow[], v: ModelConfigView): ModelChange["fallback_providers"] {
  const same = rows.length === v.fallback_providers.length && !rows.some(rowChanged);
  if (same) return undefined;
  return rows.map((r) => {
    const base = { provider: r.provider.trim(), model: r.model.trim() };
    if (!r.orig) {
      const opt = { base_url: r.base_url.trim(), api_mode: r.api_mode.trim(), key_env: r.key_env.trim() };
      return { ...base, ...Object.fromEntries(Object.entries(opt).filter(([, x]) => x !== "")) };
    }
    return {
      from_index: r.orig.index,
      ...base,
      base_url: delta(r.base_url, r.orig.base_url),
      api_mode: delta(r.api_mode, r.orig.api_mode),
      key_env: delta(r.key_env, r.orig.key_env),
    };
  });
}

/** The PATCH body without the etag; empty when nothing changed. */
export function changeOf(s: FormState, v: ModelConfigView): ModelChange {
  const change: ModelChange = {};
  const model = modelChange(s.primary, v);
  if (model !== undefined) change.model = model;
  const fallbacks = fallbackChange(s.rows, v);
  if (fallbacks !== undefined) change.fallback_providers = fallbacks;
  if (s.dropLegacy) change.fallback_model = null;
  return change;
}
