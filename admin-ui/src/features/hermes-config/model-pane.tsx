/**
 * @module The Model pane: the primary model and the fallback chain exactly as Hermes computes it, and the form that
 * edits them in config.yaml (PATCH with the etag it was read with). When the file changed on disk in between, the
 * 409 is explained and "Reload" fetches the file again and rebuilds the form from it, so nothing stale is kept.
 */
import { useEffect, useRef, useState } from "react";
import { Badge } from "../../components/badge";
import { Card, DetailList } from "../../components/card";
import { Icon } from "../../components/icons";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { isConflict, useModelConfig, useSaveModelConfig, type ModelConfigView } from "./config-api";
import { FileNote } from "./labels";
import { ModelForm } from "./model-form";
import "./hermes-config.css";

export function ModelPane({ tenantId, profile }: HermesPaneProps) {
  const query = useModelConfig(tenantId, profile);
  const save = useSaveModelConfig(tenantId, profile);
  // Bumped on reload, so the form is rebuilt from what was fetched even when the etag came back the same.
  const [generation, setGeneration] = useState(0);
  const conflict = isConflict(save.error) ? save.error : null;
  const conflictBox = useRef<HTMLDivElement>(null);
  // The save button is at the bottom of a long form: bring the explanation into view and to the screen reader.
  useEffect(() => {
    if (!conflict) return;
    conflictBox.current?.scrollIntoView({ block: "center" });
    conflictBox.current?.focus();
  }, [conflict]);
  const [reloading, setReloading] = useState(false);
  // The explanation stays until the file is fetched again, so the form never shows stale data without it.
  const reload = async () => {
    setReloading(true);
    try {
      await query.refetch();
      setGeneration((g) => g + 1);
      save.reset();
    } finally {
      setReloading(false);
    }
  };

  return (
    <QueryView query={query} what="Loading config.yaml">
      {(v) => (
        <>
          <FileNote file={v.file} what="config.yaml" />
          <ChainCard v={v} />
          {save.isSuccess ? (
            <p className="hc-success" role="status" data-testid="hc-model-saved">
              Saved to config.yaml. The previous version is kept as a backup next to it, and the change is in
              the action trail.
            </p>
          ) : null}
          {conflict ? (
            <div
              className="state state-error"
              role="alert"
              tabIndex={-1}
              ref={conflictBox}
              data-testid="hc-model-conflict"
            >
              <p className="state-title">Your change was not saved.</p>
              <p className="state-body">
                {conflict.message.startsWith("config.yaml changed")
                  ? "config.yaml was changed by someone else (another admin, Hermes itself, or an edit on the host) after you opened this form. Saving now would overwrite their change, so nothing was written. Reload to see the file as it is now, then make your change again."
                  : `${conflict.message}`}
              </p>
              <button
                type="button"
                className="button"
                disabled={reloading}
                onClick={() => void reload()}
                data-testid="hc-model-reload"
              >
                <Icon name="refresh" size={16} /> {reloading ? "Reloading…" : "Reload config.yaml"}
              </button>
            </div>
          ) : null}
          {v.file.status === "corrupt" || v.file.status === "refused" ? (
            <p className="muted">The file cannot be edited here until it is fixed by hand.</p>
          ) : (
            <ModelForm
              key={`${v.etag}:${generation}`}
              view={v}
              saving={save.isPending}
              locked={!!conflict}
              error={conflict ? null : save.error}
              onSave={(change) => {
                save.reset();
                save.mutate({ etag: v.etag ?? "", ...change });
              }}
            />
          )}
        </>
      )}
    </QueryView>
  );
}

function ChainCard({ v }: { v: ModelConfigView }) {
  const m = v.model;
  const usedIndexes = new Set(
    v.effective_chain.filter((c) => c.source === "fallback_providers").map((c) => c.index),
  );
  const dropped = v.fallback_providers.filter((f) => !f.skipped && !usedIndexes.has(f.index));
  return (
    <Card title="Effective chain" testId="hc-chain-card">
      <DetailList
        items={[
          [
            "Primary",
            m.default ? (
              <span>
                <span className="mono hc-strong" data-testid="hc-primary-model">
                  {m.default}
                </span>
                {m.provider ? <span className="muted"> via </span> : null}
                {m.provider ? (
                  <span className="mono" data-testid="hc-primary-provider">
                    {m.provider}
                  </span>
                ) : null}
              </span>
            ) : (
              <span className="muted" data-testid="hc-primary-model">
                {m.form === "other" ? "not readable (Hermes ignores it)" : "not set (Hermes' default)"}
              </span>
            ),
          ],
          ["Base URL", m.base_url ? <span className="mono break">{m.base_url}</span> : "—"],
          ["API mode", m.api_mode ?? "—"],
        ]}
      />
      <h3 className="hc-subtitle">Then, in order</h3>
      {v.effective_chain.length === 0 ? (
        <p className="muted" data-testid="hc-chain-empty">
          No fallbacks: when the primary fails, the request fails.
        </p>
      ) : (
        <ol className="hc-chain" data-testid="hc-chain">
          {v.effective_chain.map((c, i) => (
            <li key={`${c.source}:${c.index}`} data-testid={`hc-chain-${i}`}>
              <span className="mono" data-testid={`hc-chain-${i}-name`}>
                {c.provider} / {c.model}
              </span>
              {c.base_url ? <span className="muted small mono break"> {c.base_url}</span> : null}
              {c.api_mode ? <span className="muted small"> · {c.api_mode}</span> : null}
              {c.source === "fallback_model" ? <Badge tone="muted">legacy fallback_model</Badge> : null}
            </li>
          ))}
        </ol>
      )}
      {dropped.length > 0 ? (
        <p className="muted small">
          Dropped as duplicates: {dropped.map((f) => `${f.provider} / ${f.model}`).join(", ")}.
        </p>
      ) : null}
    </Card>
  );
}
