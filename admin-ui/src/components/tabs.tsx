/**
 * @module Tabs kept in the URL (`?tab=`), so a tab can be linked to and survives a reload. Screens pass a list of
 * tabs; later panes (a tenant's Hermes accounts, model config, sessions…) are further entries.
 */
import type { ReactNode } from "react";
import { useSearchParams } from "react-router";

export type TabDef = { id: string; label: string; render: () => ReactNode };

export function Tabs({ tabs, label }: { tabs: TabDef[]; label: string }) {
  const [params, setParams] = useSearchParams();
  const current = tabs.find((t) => t.id === params.get("tab")) ?? tabs[0]!;
  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} className="tab-list">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={t.id === current.id}
            aria-controls={`panel-${t.id}`}
            className="tab"
            data-testid={`tab-${t.id}`}
            onClick={() =>
              setParams(
                (p) => {
                  const next = new URLSearchParams(p);
                  if (t.id === tabs[0]!.id) next.delete("tab");
                  else next.set("tab", t.id);
                  return next;
                },
                { replace: true },
              )
            }
          >
            {t.label}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`panel-${current.id}`}
        aria-labelledby={`tab-${current.id}`}
        className="tab-panel"
      >
        {current.render()}
      </div>
    </div>
  );
}
