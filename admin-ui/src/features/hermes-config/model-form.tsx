/**
 * @module The model edit form: the primary model (name, provider, base URL, API mode) and the fallback list, which
 * can be reordered with Up/Down buttons (focus follows the moved entry), added to and removed from. A 400 is shown
 * at the field it names; everything else the pane explains.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { Badge } from "../../components/badge";
import { Card } from "../../components/card";
import { Field } from "../../components/field";
import { Icon } from "../../components/icons";
import { FormError } from "../../components/states";
import { fieldOfError, type ModelChange, type ModelConfigView } from "./config-api";
import {
  changeOf,
  initialState,
  moveRow,
  newRow,
  type FallbackRow,
  type FormState,
} from "./model-form-state";

type Props = {
  view: ModelConfigView;
  saving: boolean;
  /** Saving is off until the conflict is resolved by a reload. */
  locked: boolean;
  /** The last save's error when it is not a conflict (the pane shows conflicts). */
  error: unknown;
  onSave(change: ModelChange): void;
};

const ROW_FIELDS = ["provider", "model", "base_url", "api_mode", "key_env"] as const;

export function ModelForm({ view, saving, locked, error, onSave }: Props) {
  const [state, setState] = useState<FormState>(() => initialState(view));
  const focus = useRef<{ key: string; dir: "up" | "down" } | null>(null);
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const listId = useId();
  const change = changeOf(state, view);
  const dirty = Object.keys(change).length > 0;
  const bad = fieldOfError(error);
  const errorAt = (field: string) => (bad && bad.field === field ? bad.why : null);
  const rowError = (i: number) =>
    errorAt(`fallback_providers.${i}`) ?? errorAt(`fallback_providers.${i}.from_index`);

  // Keep keyboard focus on the entry that moved; at the end of the list the other button takes it.
  useEffect(() => {
    const f = focus.current;
    if (!f) return;
    focus.current = null;
    const el = buttons.current.get(`${f.key}:${f.dir}`);
    (el && !el.disabled ? el : buttons.current.get(`${f.key}:${f.dir === "up" ? "down" : "up"}`))?.focus();
  });

  const setPrimary = (k: keyof FormState["primary"], value: string) =>
    setState((s) => ({ ...s, primary: { ...s.primary, [k]: value } }));
  const setRow = (i: number, k: (typeof ROW_FIELDS)[number], value: string) =>
    setState((s) => ({ ...s, rows: s.rows.map((r, j) => (j === i ? { ...r, [k]: value } : r)) }));
  const move = (i: number, dir: "up" | "down") => {
    const key = state.rows[i]!.key;
    setState((s) => ({ ...s, rows: moveRow(s.rows, i, dir === "up" ? i - 1 : i + 1) }));
    focus.current = { key, dir };
  };
  const providers = [...view.providers.known, "custom", ...view.providers.custom.map((c) => `custom:${c}`)];
  const modes = (current: string) =>
    current && !view.api_modes.includes(current) ? [...view.api_modes, current] : view.api_modes;

  return (
    <form
      className="form-grid"
      data-testid="hc-model-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (dirty) onSave(change);
      }}
    >
      <datalist id={listId}>
        {providers.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
      <Card title="Primary model" testId="hc-primary-form">
        <div className="hc-fields">
          <Field label="Default model" error={errorAt("model.default") ?? errorAt("model")}>
            <input
              value={state.primary.default}
              onChange={(e) => setPrimary("default", e.target.value)}
              data-testid="hc-model-default"
            />
          </Field>
          <Field
            label="Provider"
            hint="A Hermes provider id, auto, custom or custom:<name>"
            error={errorAt("model.provider")}
          >
            <input
              list={listId}
              value={state.primary.provider}
              onChange={(e) => setPrimary("provider", e.target.value)}
              data-testid="hc-model-provider"
            />
          </Field>
          <Field label="Base URL" hint="http(s) URL or ${ENV} reference" error={errorAt("model.base_url")}>
            <input
              value={state.primary.base_url}
              onChange={(e) => setPrimary("base_url", e.target.value)}
              data-testid="hc-model-base-url"
            />
          </Field>
          <Field label="API mode" error={errorAt("model.api_mode")}>
            <select
              value={state.primary.api_mode}
              onChange={(e) => setPrimary("api_mode", e.target.value)}
              data-testid="hc-model-api-mode"
            >
              <option value="">(not set)</option>
              {modes(state.primary.api_mode).map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </Field>
        </div>
        {view.model.has_api_key || view.model.other_keys.length > 0 ? (
          <p className="muted small">
            Kept as they are: {view.model.has_api_key ? "an inline API key (not shown)" : null}
            {view.model.has_api_key && view.model.other_keys.length > 0 ? ", " : null}
            {view.model.other_keys.join(", ")}
          </p>
        ) : null}
      </Card>

      <Card
        title="Fallback providers"
        testId="hc-fallbacks-form"
        actions={
          <button
            type="button"
            className="button"
            onClick={() => setState((s) => ({ ...s, rows: [...s.rows, newRow()] }))}
            data-testid="hc-fallback-add"
          >
            <Icon name="plus" size={16} /> Add fallback
          </button>
        }
      >
        <p className="muted small">Tried in this order when the primary model fails.</p>
        {state.rows.length === 0 ? <p className="muted">No fallbacks.</p> : null}
        <ol className="hc-rows">
          {state.rows.map((r, i) => (
            <li key={r.key} className="hc-row" data-testid={`hc-fallback-${i}`}>
              <div className="hc-row-head">
                <span className="hc-strong">
                  {i + 1}. <span data-testid={`hc-fallback-${i}-name`}>{label(r)}</span>
                </span>
                <RowNotes r={r} />
                <span className="hc-row-actions">
                  {(["up", "down"] as const).map((dir) => (
                    <button
                      key={dir}
                      type="button"
                      className="button button-ghost"
                      ref={(el) => {
                        if (el) buttons.current.set(`${r.key}:${dir}`, el);
                        else buttons.current.delete(`${r.key}:${dir}`);
                      }}
                      disabled={dir === "up" ? i === 0 : i === state.rows.length - 1}
                      aria-label={`Move ${label(r)} ${dir}`}
                      onClick={() => move(i, dir)}
                      data-testid={`hc-fallback-${i}-${dir}`}
                    >
                      {dir === "up" ? "↑" : "↓"}
                    </button>
                  ))}
                  <button
                    type="button"
                    className="button button-ghost"
                    aria-label={`Remove ${label(r)}`}
                    onClick={() => setState((s) => ({ ...s, rows: s.rows.filter((_, j) => j !== i) }))}
                    data-testid={`hc-fallback-${i}-remove`}
                  >
                    <Icon name="close" size={16} />
                  </button>
                </span>
              </div>
              {rowError(i) ? (
                <p className="field-error" data-testid={`hc-fallback-${i}-error`}>
                  {rowError(i)}
                </p>
              ) : null}
              <div className="hc-fields">
                {ROW_FIELDS.map((k) => (
                  <Field key={k} label={ROW_LABELS[k]} error={errorAt(`fallback_providers.${i}.${k}`)}>
                    {k === "api_mode" ? (
                      <select value={r.api_mode} onChange={(e) => setRow(i, k, e.target.value)}>
                        <option value="">(not set)</option>
                        {modes(r.api_mode).map((m) => (
                          <option key={m} value={m}>
                            {m}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <input
                        list={k === "provider" ? listId : undefined}
                        value={r[k]}
                        onChange={(e) => setRow(i, k, e.target.value)}
                        data-testid={`hc-fallback-${i}-${k}`}
                      />
                    )}
                  </Field>
                ))}
              </div>
            </li>
          ))}
        </ol>
        {view.fallback_model.length > 0 ? (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={state.dropLegacy}
              onChange={(e) => setState((s) => ({ ...s, dropLegacy: e.target.checked }))}
              data-testid="hc-drop-legacy"
            />
            <span>
              Remove the legacy <span className="mono">fallback_model</span> ({view.fallback_model.length}{" "}
              {view.fallback_model.length === 1 ? "entry" : "entries"}, tried after the list above)
            </span>
          </label>
        ) : null}
      </Card>

      {bad ? null : <FormError error={error} />}
      {bad && !knownField(bad.field, state.rows.length) ? (
        <p className="form-error" role="alert" data-testid="form-error">
          {bad.field}: {bad.why}
        </p>
      ) : null}
      <div className="button-row end">
        <button
          type="button"
          className="button"
          disabled={!dirty || saving}
          onClick={() => setState(initialState(view))}
          data-testid="hc-model-discard"
        >
          Discard changes
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={!dirty || saving || locked}
          data-testid="hc-model-save"
        >
          {saving ? "Saving…" : "Save to config.yaml"}
        </button>
      </div>
    </form>
  );
}

const ROW_LABELS: Record<(typeof ROW_FIELDS)[number], string> = {
  provider: "Provider",
  model: "Model",
  base_url: "Base URL",
  api_mode: "API mode",
  key_env: "Key variable",
};

const label = (r: FallbackRow) =>
  r.provider || r.model ? `${r.provider || "?"} / ${r.model || "?"}` : "new fallback";

/** Whether a 400's field is shown at a field of this form (else it is shown under the form). */
function knownField(field: string, rows: number): boolean {
  if (/^model(\.(default|provider|base_url|api_mode))?$/.test(field)) return true;
  const m = /^fallback_providers\.(\d+)(\.(provider|model|base_url|api_mode|key_env|from_index))?$/.exec(
    field,
  );
  return !!m && Number(m[1]) < rows;
}

function RowNotes({ r }: { r: FallbackRow }): ReactNode {
  const o = r.orig;
  if (!o) return <Badge tone="info">new</Badge>;
  return (
    <>
      {o.skipped ? (
        <Badge tone="warning" hint="Hermes skips this entry until it is fixed.">
          skipped: {o.skipped}
        </Badge>
      ) : null}
      {o.has_api_key ? <Badge tone="muted">inline key kept</Badge> : null}
      {o.other_keys.length > 0 ? <span className="muted small">keeps {o.other_keys.join(", ")}</span> : null}
    </>
  );
}
