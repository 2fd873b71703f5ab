/**
 * @module Plugins (plugins/<name>/plugin.yaml): installed plugins with their opt-in state from config.yaml (a
 * plugin is off until enabled), what they need and provide, and enabled keys with no plugin installed.
 */
import { Badge } from "../../components/badge";
import { Card } from "../../components/card";
import { EmptyState } from "../../components/states";
import { useHermesQuery } from "../hermes/hermes-api";
import type { HermesPaneProps } from "../hermes/hermes-pane-registry";
import { QueryView } from "../hermes/query-view";
import { Chips, FileNote, orDash, StatusBadge, TableFrame, useShowMore } from "./pane-bits";
import type { PluginsView } from "./pane-types";

const STATE_TONE = { enabled: "success", disabled: "warning", not_enabled: "muted" } as const;

export function PluginsPane({ tenantId, profile }: HermesPaneProps) {
  const query = useHermesQuery<PluginsView>(tenantId, profile, "plugins");
  return (
    <QueryView query={query} what="Loading the plugins">
      {(v) => (
        <div className="hp-cards">
          <FileNote file={v.config} what="config.yaml" />
          {v.enabled_but_missing.length ? (
            <div className="callout callout-warning" data-testid="plugins-missing">
              Enabled in config.yaml but not installed: {v.enabled_but_missing.join(", ")}
            </div>
          ) : null}
          {v.data.length === 0 ? (
            <EmptyState title="No plugins">
              <span className="mono break">{v.directory}</span> is not present or holds no plugin.
            </EmptyState>
          ) : (
            <Plugins v={v} />
          )}
        </div>
      )}
    </QueryView>
  );
}

function Plugins({ v }: { v: PluginsView }) {
  const { visible, more } = useShowMore(v.data);
  return (
    <Card title={`Plugins (${v.data.length})`} testId="plugins">
      <TableFrame caption="Plugins" testId="plugins-table">
        <thead>
          <tr>
            <th>Plugin</th>
            <th>State</th>
            <th className="hide-sm">Version</th>
            <th className="hide-sm">Needs env</th>
            <th className="hide-sm">Provides</th>
          </tr>
        </thead>
        <tbody>
          {visible.map((p) => (
            <tr key={p.key} data-testid={`plugin-${p.key}`}>
              <td>
                <div className="cell-stack">
                  <strong>{p.name}</strong>
                  <span className="mono small muted">{p.key}</span>
                  <span className="small muted">{p.description ?? ""}</span>
                  {p.file.status !== "ok" ? (
                    <span className="small">
                      <StatusBadge status={p.file.status} /> {p.file.reason}
                    </span>
                  ) : null}
                </div>
              </td>
              <td data-testid="plugin-state">
                <Badge tone={STATE_TONE[p.state]}>{p.state.replace("_", " ")}</Badge>
                {p.has_dashboard_tab ? <div className="small muted">dashboard tab</div> : null}
              </td>
              <td className="hide-sm">{orDash(p.version)}</td>
              <td className="hide-sm">
                <Chips items={p.requires_env} />
              </td>
              <td className="hide-sm small">
                {p.provides_tools.length ? <div>tools: {p.provides_tools.join(", ")}</div> : null}
                {p.provides_hooks.length ? <div>hooks: {p.provides_hooks.join(", ")}</div> : null}
                {p.kind ? <div className="muted">{p.kind}</div> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </TableFrame>
      {more}
    </Card>
  );
}
